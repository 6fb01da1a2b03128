//! The session engine against a scripted peer: one test per behaviour, for MQTT 3.1.1 and
//! 5.0 where the behaviour differs. Test names cite the MQTT 5.0 normative statement they
//! show, where one applies (`..._mqtt_4_4_0_1` is [MQTT-4.4.0-1]); `docs/CONFORMANCE.md` maps
//! the statements to these tests.

mod peer;

mod auth;
mod connack;
mod connect;
mod disconnect;
mod incoming;
mod keepalive;
mod outgoing;
mod queues;
mod reconnect;
mod server_limits;
mod subscribe;
