//! MQTT 5 reason codes (section 2.4) and which packets may carry each.
//!
//! MQTT 3.1.1's CONNACK return codes and SUBACK return codes are mapped onto the MQTT 5 codes
//! of the same meaning, so one type serves both versions.

use core::fmt;

use super::error::Error;
use super::types::{PacketType, ProtocolVersion};

macro_rules! reason_codes {
    ($( $(#[$doc:meta])* $name:ident = $value:literal, $text:literal, [$($packet:ident),*]; )*) => {
        /// A reason code. 0x00 is "Success", "Normal disconnection" and "Granted QoS 0" by packet.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[repr(u8)]
        #[non_exhaustive]
        pub enum ReasonCode {
            $( $(#[$doc])* #[doc = $text] $name = $value, )*
        }

        impl ReasonCode {
            /// The reason code with this value, if the specification defines one.
            pub const fn from_u8(v: u8) -> Option<Self> {
                match v {
                    $( $value => Some(ReasonCode::$name), )*
                    _ => None,
                }
            }

            /// The specification's name for it.
            pub const fn description(self) -> &'static str {
                match self {
                    $( ReasonCode::$name => $text, )*
                }
            }

            /// Whether the specification lets `packet` carry this code (MQTT 5).
            pub fn allowed_in(self, packet: PacketType) -> bool {
                match self {
                    $( ReasonCode::$name => matches!(packet, $(PacketType::$packet)|*), )*
                }
            }
        }
    };
}

reason_codes! {
    #[default]
    Success = 0x00, "Success (also Normal disconnection, Granted QoS 0)",
        [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth];
    GrantedQoS1 = 0x01, "Granted QoS 1", [SubAck];
    GrantedQoS2 = 0x02, "Granted QoS 2", [SubAck];
    DisconnectWithWillMessage = 0x04, "Disconnect with Will Message", [Disconnect];
    NoMatchingSubscribers = 0x10, "No matching subscribers", [PubAck, PubRec];
    NoSubscriptionExisted = 0x11, "No subscription existed", [UnsubAck];
    ContinueAuthentication = 0x18, "Continue authentication", [Auth];
    ReAuthenticate = 0x19, "Re-authenticate", [Auth];
    UnspecifiedError = 0x80, "Unspecified error", [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    MalformedPacket = 0x81, "Malformed Packet", [ConnAck, Disconnect];
    ProtocolError = 0x82, "Protocol Error", [ConnAck, Disconnect];
    ImplementationSpecificError = 0x83, "Implementation specific error",
        [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    UnsupportedProtocolVersion = 0x84, "Unsupported Protocol Version", [ConnAck];
    ClientIdentifierNotValid = 0x85, "Client Identifier not valid", [ConnAck];
    BadUserNameOrPassword = 0x86, "Bad User Name or Password", [ConnAck];
    NotAuthorized = 0x87, "Not authorized", [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    ServerUnavailable = 0x88, "Server unavailable", [ConnAck];
    ServerBusy = 0x89, "Server busy", [ConnAck, Disconnect];
    Banned = 0x8A, "Banned", [ConnAck];
    ServerShuttingDown = 0x8B, "Server shutting down", [Disconnect];
    BadAuthenticationMethod = 0x8C, "Bad authentication method", [ConnAck, Disconnect];
    KeepAliveTimeout = 0x8D, "Keep Alive timeout", [Disconnect];
    SessionTakenOver = 0x8E, "Session taken over", [Disconnect];
    TopicFilterInvalid = 0x8F, "Topic Filter invalid", [SubAck, UnsubAck, Disconnect];
    TopicNameInvalid = 0x90, "Topic Name invalid", [ConnAck, PubAck, PubRec, Disconnect];
    PacketIdentifierInUse = 0x91, "Packet Identifier in use", [PubAck, PubRec, SubAck, UnsubAck];
    PacketIdentifierNotFound = 0x92, "Packet Identifier not found", [PubRel, PubComp];
    ReceiveMaximumExceeded = 0x93, "Receive Maximum exceeded", [Disconnect];
    TopicAliasInvalid = 0x94, "Topic Alias invalid", [Disconnect];
    PacketTooLarge = 0x95, "Packet too large", [ConnAck, Disconnect];
    MessageRateTooHigh = 0x96, "Message rate too high", [Disconnect];
    QuotaExceeded = 0x97, "Quota exceeded", [ConnAck, PubAck, PubRec, SubAck, Disconnect];
    AdministrativeAction = 0x98, "Administrative action", [Disconnect];
    PayloadFormatInvalid = 0x99, "Payload format invalid", [ConnAck, PubAck, PubRec, Disconnect];
    RetainNotSupported = 0x9A, "Retain not supported", [ConnAck, Disconnect];
    QoSNotSupported = 0x9B, "QoS not supported", [ConnAck, Disconnect];
    UseAnotherServer = 0x9C, "Use another server", [ConnAck, Disconnect];
    ServerMoved = 0x9D, "Server moved", [ConnAck, Disconnect];
    SharedSubscriptionsNotSupported = 0x9E, "Shared Subscriptions not supported", [SubAck, Disconnect];
    ConnectionRateExceeded = 0x9F, "Connection rate exceeded", [ConnAck, Disconnect];
    MaximumConnectTime = 0xA0, "Maximum connect time", [Disconnect];
    SubscriptionIdentifiersNotSupported = 0xA1, "Subscription Identifiers not supported",
        [SubAck, Disconnect];
    WildcardSubscriptionsNotSupported = 0xA2, "Wildcard Subscriptions not supported",
        [SubAck, Disconnect];
}

impl ReasonCode {
    /// Its value on the wire.
    pub const fn value(self) -> u8 {
        self as u8
    }

    /// Whether it reports a failure (0x80 and above).
    pub const fn is_error(self) -> bool {
        self.value() >= 0x80
    }

    /// Reads the reason code of `packet` from a byte, checking it is allowed there.
    pub(crate) fn decode_for(v: u8, packet: PacketType) -> Result<Self, Error> {
        match ReasonCode::from_u8(v) {
            Some(code) if code.allowed_in(packet) => Ok(code),
            _ => Err(Error::InvalidReasonCode { packet, code: v }),
        }
    }

    /// Checks that `packet` may carry this code before encoding it.
    pub(crate) fn check_for(self, packet: PacketType) -> Result<(), Error> {
        if self.allowed_in(packet) {
            Ok(())
        } else {
            Err(Error::InvalidReasonCode {
                packet,
                code: self.value(),
            })
        }
    }

    /// MQTT 3.1.1 CONNACK return code (0-5) to the MQTT 5 code of the same meaning.
    pub(crate) fn from_v3_connack(v: u8) -> Result<Self, Error> {
        Ok(match v {
            0 => ReasonCode::Success,
            1 => ReasonCode::UnsupportedProtocolVersion,
            2 => ReasonCode::ClientIdentifierNotValid,
            3 => ReasonCode::ServerUnavailable,
            4 => ReasonCode::BadUserNameOrPassword,
            5 => ReasonCode::NotAuthorized,
            code => {
                return Err(Error::InvalidReasonCode {
                    packet: PacketType::ConnAck,
                    code,
                })
            }
        })
    }

    /// The MQTT 3.1.1 CONNACK return code of this code, if 3.1.1 has one.
    pub(crate) fn to_v3_connack(self, version: ProtocolVersion) -> Result<u8, Error> {
        Ok(match self {
            ReasonCode::Success => 0,
            ReasonCode::UnsupportedProtocolVersion => 1,
            ReasonCode::ClientIdentifierNotValid => 2,
            ReasonCode::ServerUnavailable => 3,
            ReasonCode::BadUserNameOrPassword => 4,
            ReasonCode::NotAuthorized => 5,
            _ => {
                return Err(Error::NotInVersion {
                    what: "this CONNACK reason code",
                    version,
                })
            }
        })
    }

    /// Whether MQTT 3.1.1's SUBACK has this return code (0, 1, 2 or 0x80).
    pub(crate) const fn is_v3_suback(self) -> bool {
        matches!(
            self,
            ReasonCode::Success
                | ReasonCode::GrantedQoS1
                | ReasonCode::GrantedQoS2
                | ReasonCode::UnspecifiedError
        )
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:#04x})", self.description(), self.value())
    }
}
