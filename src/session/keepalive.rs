//! Time: the connect timeout, keepalive pings [MQTT-3.1.2-20], the ping timeout, and the
//! reconnect delay. `now` always comes from the caller; nothing here reads a clock.

use crate::codec::Packet;

use super::error::SessionError;
use super::event::Event;
use super::{Session, State};

impl Session {
    /// The next moment [`Session::handle_timeout`] has something to do, if any.
    pub fn poll_timeout(&self) -> Option<u64> {
        match self.state {
            State::Connecting => self.connect_deadline,
            State::Connected => match self.ping_deadline {
                Some(deadline) => Some(deadline),
                None if self.keep_alive_ms > 0 => {
                    Some(self.last_sent.saturating_add(self.keep_alive_ms))
                }
                None => None,
            },
            State::Disconnected => self.reconnect_at,
        }
    }

    /// Time has reached `now`: sends PINGREQ when nothing was sent for a keepalive interval,
    /// declares the connection lost when CONNACK or PINGRESP is late, and announces a due
    /// reconnect with [`Event::ReconnectDue`].
    pub fn handle_timeout(&mut self, now: u64) {
        self.now = now;
        match self.state {
            State::Connecting => {
                if self.connect_deadline.is_some_and(|d| now >= d) {
                    self.close(SessionError::ConnectTimeout, None);
                }
            }
            State::Connected => {
                if self.ping_deadline.is_some_and(|d| now >= d) {
                    self.close(SessionError::KeepAliveTimeout, None);
                } else if self.ping_deadline.is_none()
                    && self.keep_alive_ms > 0
                    && now >= self.last_sent.saturating_add(self.keep_alive_ms)
                {
                    self.send_control(Packet::PingReq);
                    let timeout = self.opts.ping_timeout_ms.unwrap_or(self.keep_alive_ms);
                    self.ping_deadline = Some(now.saturating_add(timeout));
                }
            }
            State::Disconnected => {
                if self.reconnect_at.is_some_and(|d| now >= d) {
                    self.reconnect_at = None;
                    self.events.push_back(Event::ReconnectDue {
                        attempt: self.backoff.attempt(),
                    });
                }
            }
        }
    }
}
