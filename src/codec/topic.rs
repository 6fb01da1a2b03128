//! Topic names and topic filters (section 4.7) and shared subscriptions (section 4.8.2).

use super::error::Error;
use super::types::ProtocolVersion;

const SHARE_PREFIX: &str = "$share/";

/// Checks the characters of a topic name: no wildcard [MQTT-3.3.2-2] [MQTT-4.7.0-1].
/// Emptiness is left to the caller: MQTT 5 allows an empty name with a topic alias.
pub(crate) fn check_topic_name_chars(topic: &str) -> Result<(), Error> {
    if topic.as_bytes().iter().any(|&b| b == b'+' || b == b'#') {
        return Err(Error::WildcardInTopicName);
    }
    Ok(())
}

/// Checks a topic name: at least one character [MQTT-4.7.3-1] and no wildcard
/// [MQTT-4.7.0-1].
pub fn check_topic_name(topic: &str) -> Result<(), Error> {
    if topic.is_empty() {
        return Err(Error::EmptyTopic);
    }
    check_topic_name_chars(topic)
}

/// Whether `filter` names a shared subscription (`$share/{ShareName}/{filter}`).
pub fn is_shared_subscription(filter: &str) -> bool {
    filter.starts_with(SHARE_PREFIX)
}

/// Checks a topic filter as MQTT 5 defines it: at least one character [MQTT-4.7.3-1], `#`
/// alone in the last level [MQTT-4.7.1-1], `+` alone in its level [MQTT-4.7.1-2], and for a
/// shared subscription a non-empty ShareName without `/`, `+` or `#`, followed by `/` and a
/// filter [MQTT-4.8.2-1] [MQTT-4.8.2-2].
pub fn check_topic_filter(filter: &str) -> Result<(), Error> {
    check_topic_filter_in(filter, ProtocolVersion::V5)
}

/// Checks a topic filter of `version`: before MQTT 5 there are no shared subscriptions, so
/// `$share/...` is an ordinary filter there.
pub(crate) fn check_topic_filter_in(filter: &str, version: ProtocolVersion) -> Result<(), Error> {
    if filter.is_empty() {
        return Err(Error::EmptyTopic);
    }
    let shared = if version.is_v5() {
        filter.strip_prefix(SHARE_PREFIX)
    } else {
        None
    };
    let filter = match shared {
        Some(rest) => {
            let (share_name, inner) = rest.split_once('/').ok_or(Error::InvalidTopicFilter(
                "shared subscription without a topic filter",
            ))?;
            if share_name.is_empty() {
                return Err(Error::InvalidTopicFilter("empty ShareName"));
            }
            if share_name.contains(['+', '#']) {
                return Err(Error::InvalidTopicFilter("wildcard in ShareName"));
            }
            if inner.is_empty() {
                return Err(Error::InvalidTopicFilter(
                    "shared subscription without a topic filter",
                ));
            }
            inner
        }
        None => filter,
    };
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') && (level != "#" || levels.peek().is_some()) {
            return Err(Error::InvalidTopicFilter(
                "'#' must be the whole last level",
            ));
        }
        if level.contains('+') && level != "+" {
            return Err(Error::InvalidTopicFilter("'+' must be a whole level"));
        }
    }
    Ok(())
}

/// Whether `topic` (a topic name) matches `filter` (section 4.7): `+` matches one level, `#`
/// any number of trailing levels including none, and a filter starting with a wildcard does
/// not match a topic starting with `$` [MQTT-4.7.2-1]. A shared subscription's
/// `$share/{ShareName}/` prefix is ignored.
pub fn topic_matches(filter: &str, topic: &str) -> bool {
    let filter = match filter
        .strip_prefix(SHARE_PREFIX)
        .and_then(|rest| rest.split_once('/'))
    {
        Some((_, inner)) => inner,
        None => filter,
    };
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut topic_levels = topic.split('/');
    for f in filter.split('/') {
        match (f, topic_levels.next()) {
            ("#", _) => return true,
            ("+", Some(_)) => {}
            (f, Some(t)) if f == t => {}
            _ => return false,
        }
    }
    topic_levels.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::topic_matches;

    #[test]
    fn wildcards_match_as_section_4_7_says() {
        let cases = [
            ("sport/tennis/player1/#", "sport/tennis/player1", true),
            (
                "sport/tennis/player1/#",
                "sport/tennis/player1/ranking",
                true,
            ),
            (
                "sport/tennis/player1/#",
                "sport/tennis/player1/score/wimbledon",
                true,
            ),
            ("sport/#", "sport", true),
            ("#", "a/b/c", true),
            ("sport/tennis/+", "sport/tennis/player1", true),
            ("sport/tennis/+", "sport/tennis/player1/ranking", false),
            ("sport/+", "sport", false),
            ("sport/+", "sport/", true),
            ("+/+", "/finance", true),
            ("/+", "/finance", true),
            ("+", "/finance", false),
            ("a/b", "a/b", true),
            ("a/b", "a/bc", false),
            ("a/b", "a/b/c", false),
            ("#", "$SYS/broker", false), // [MQTT-4.7.2-1]
            ("+/monitor/Clients", "$SYS/monitor/Clients", false),
            ("$SYS/#", "$SYS/broker", true),
            ("$SYS/monitor/+", "$SYS/monitor/Clients", true),
            ("$share/g/a/+", "a/b", true),
        ];
        for (filter, topic, expected) in cases {
            assert_eq!(
                topic_matches(filter, topic),
                expected,
                "{filter} vs {topic}"
            );
        }
    }
}
