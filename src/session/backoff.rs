//! The reconnect policy as data: exponential backoff with jitter. The random draw is an
//! argument, so the policy is a pure function and tests choose the draw.

/// Reconnect delays: `initial_ms * multiplier^attempt`, capped at `max_ms`, then reduced by up
/// to `jitter` of itself (full jitter at 1.0, none at 0.0).
#[derive(Debug, Clone, PartialEq)]
pub struct BackoffOptions {
    /// The first delay (MQTT.js's `reconnectPeriod`, default 1000 ms). 0 disables reconnect.
    pub initial_ms: u64,
    /// The largest delay.
    pub max_ms: u64,
    /// Growth per failed attempt (1.0 keeps the delay constant, as MQTT.js does).
    pub multiplier: f64,
    /// The fraction of the delay randomised away, 0.0 to 1.0.
    pub jitter: f64,
    /// A connection that lasted this long resets the delay to `initial_ms`.
    pub stable_after_ms: u64,
}

impl Default for BackoffOptions {
    fn default() -> Self {
        BackoffOptions {
            initial_ms: 1000,
            max_ms: 30_000,
            multiplier: 2.0,
            jitter: 0.5,
            stable_after_ms: 10_000,
        }
    }
}

/// Counts consecutive failed attempts and gives the next delay.
#[derive(Debug, Clone)]
pub struct Backoff {
    options: BackoffOptions,
    attempt: u32,
    connected_at: Option<u64>,
}

impl Backoff {
    /// A policy with no failed attempt yet.
    pub fn new(options: BackoffOptions) -> Self {
        Backoff {
            options,
            attempt: 0,
            connected_at: None,
        }
    }

    /// Whether reconnecting is on at all.
    pub fn enabled(&self) -> bool {
        self.options.initial_ms > 0
    }

    /// Failed attempts since the last stable connection.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Notes a successful CONNACK at `now`.
    pub fn connected(&mut self, now: u64) {
        self.connected_at = Some(now);
    }

    /// The delay before the next attempt after a connection ended (or failed) at `now`.
    /// `draw` is a uniform random number in [0, 1).
    pub fn next_delay(&mut self, now: u64, draw: f64) -> u64 {
        if let Some(since) = self.connected_at.take() {
            if now.saturating_sub(since) >= self.options.stable_after_ms {
                self.attempt = 0;
            }
        }
        let o = &self.options;
        let mut delay = o.initial_ms as f64;
        for _ in 0..self.attempt.min(64) {
            delay *= o.multiplier.max(1.0);
            if delay >= o.max_ms as f64 {
                break;
            }
        }
        let capped = delay.min(o.max_ms.max(o.initial_ms) as f64);
        let jitter = o.jitter.clamp(0.0, 1.0) * draw.clamp(0.0, 1.0);
        self.attempt = self.attempt.saturating_add(1);
        (capped * (1.0 - jitter)) as u64
    }
}

/// A small deterministic generator (xorshift64*) for the jitter draws, seeded by the
/// application: the session reads no entropy source of its own.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    /// A generator from `seed` (0 is replaced by a fixed non-zero constant).
    pub fn new(seed: u64) -> Self {
        Jitter(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next draw in [0, 1).
    pub fn draw(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}
