//! Topic aliases (MQTT 5, section 3.3.2.3.4), both ways. Aliases live for one network
//! connection only [MQTT-3.3.2-7].

use super::sorted_map::SortedMap;
use alloc::string::String;

/// Outgoing aliases: topics we publish to, mapped to at most the server's Topic Alias
/// Maximum [MQTT-3.3.2-9]; when all are taken, the least recently used is replaced.
#[derive(Debug, Clone, Default)]
pub struct OutgoingAliases {
    maximum: u16,
    by_topic: SortedMap<String, (u16, u64)>,
    by_alias: SortedMap<u16, String>,
    clock: u64,
}

/// What to put in an outgoing PUBLISH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasUse {
    /// Send the topic and this alias: the server learns the mapping.
    Assign(u16),
    /// Send an empty topic and this alias.
    Reuse(u16),
}

impl OutgoingAliases {
    /// Starts a connection whose server allows `maximum` aliases (0: none [MQTT-3.2.2-18]).
    pub fn reset(&mut self, maximum: u16) {
        self.maximum = maximum;
        self.by_topic.clear();
        self.by_alias.clear();
        self.clock = 0;
    }

    /// The server's Topic Alias Maximum for this connection.
    pub fn maximum(&self) -> u16 {
        self.maximum
    }

    /// The alias to use for `topic`, or `None` when the server allows none. Nothing changes
    /// until [`OutgoingAliases::commit`]: a publish that is not sent must not leave a mapping
    /// the server never learnt.
    pub fn plan(&self, topic: &str) -> Option<AliasUse> {
        if self.maximum == 0 || topic.is_empty() {
            return None;
        }
        if let Some((alias, _)) = self.by_topic.get(topic) {
            return Some(AliasUse::Reuse(*alias));
        }
        if self.by_alias.len() < usize::from(self.maximum) {
            // Aliases 1..=maximum are handed out in order before any is replaced.
            let free = (1..=self.maximum).find(|a| !self.by_alias.contains_key(a))?;
            return Some(AliasUse::Assign(free));
        }
        let (_, (victim, _)) = self.by_topic.iter().min_by_key(|(_, (_, used))| *used)?;
        Some(AliasUse::Assign(*victim))
    }

    /// Records that a PUBLISH carrying `topic` (possibly empty) and `alias` went out: the
    /// server now maps `alias` to `topic`, whoever chose the alias.
    pub fn commit(&mut self, topic: &str, alias: u16) {
        self.clock += 1;
        if topic.is_empty() {
            if let Some(t) = self.by_alias.get(&alias) {
                if let Some((_, used)) = self.by_topic.get_mut(t.as_str()) {
                    *used = self.clock;
                }
            }
            return;
        }
        if let Some(old_topic) = self.by_alias.insert(alias, String::from(topic)) {
            self.by_topic.remove(&old_topic);
        }
        if let Some((old_alias, _)) = self
            .by_topic
            .insert(String::from(topic), (alias, self.clock))
        {
            if old_alias != alias {
                self.by_alias.remove(&old_alias);
            }
        }
    }
}

/// Incoming aliases: what the server told us, up to the Topic Alias Maximum we sent
/// [MQTT-3.3.2-10].
#[derive(Debug, Clone, Default)]
pub struct IncomingAliases {
    maximum: u16,
    topics: SortedMap<u16, String>,
}

/// Why an incoming alias could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasError {
    /// 0 or above our maximum: DISCONNECT with 0x94 Topic Alias invalid.
    OutOfRange,
    /// An empty topic with an alias never assigned: a Protocol Error.
    Unknown,
}

impl IncomingAliases {
    /// Starts a connection where we allow `maximum` aliases.
    pub fn reset(&mut self, maximum: u16) {
        self.maximum = maximum;
        self.topics.clear();
    }

    /// Resolves the topic of an incoming PUBLISH carrying `alias`: a non-empty `topic`
    /// (re)defines the alias, an empty one uses it.
    pub fn resolve(&mut self, alias: u16, topic: &str) -> Result<String, AliasError> {
        if alias == 0 || alias > self.maximum {
            return Err(AliasError::OutOfRange);
        }
        if topic.is_empty() {
            self.topics.get(&alias).cloned().ok_or(AliasError::Unknown)
        } else {
            self.topics.insert(alias, String::from(topic));
            Ok(String::from(topic))
        }
    }
}
