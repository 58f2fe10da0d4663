//! Optional per-subject rate limiting (GCRA): 429 with `Retry-After` once a token's subject
//! exceeds its rate. Off unless `CR_RATE_LIMIT_PER_MINUTE` is set; counted per process.

use std::num::NonZeroU32;

use actix_web::{HttpMessage, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::ApiError;

/// Subjects whose state is kept before idle ones are forgotten.
const PRUNE_ABOVE: usize = 10_000;

/// The rate each token subject may send requests at.
pub struct RateLimit(DefaultKeyedRateLimiter<String>);

impl RateLimit {
    /// A limit of `per_minute` requests with bursts of `burst`; `None` when `per_minute` is 0 (off).
    pub fn new(per_minute: u32, burst: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Some(Self(DefaultKeyedRateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst))))
    }

    /// Counts `req` once against `subject` (however often its caller is extracted): 429 with
    /// the seconds to wait when the subject is over its rate.
    pub fn admit(&self, req: &HttpRequest, subject: &str) -> Result<(), ApiError> {
        let verdict = req.extensions().get::<Verdict>().copied();
        let Verdict(wait) = verdict.unwrap_or_else(|| {
            let verdict = self.count(subject);
            req.extensions_mut().insert(verdict);
            verdict
        });
        wait.map_or(Ok(()), |secs| Err(ApiError::TooManyRequests(secs)))
    }

    fn count(&self, subject: &str) -> Verdict {
        if self.0.len() > PRUNE_ABOVE {
            self.0.retain_recent();
        }
        Verdict(self.0.check_key(&subject.to_owned()).err().map(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        }))
    }
}

/// A request's count against its subject's rate: the seconds to wait when it was over.
#[derive(Clone, Copy)]
struct Verdict(Option<u64>);
