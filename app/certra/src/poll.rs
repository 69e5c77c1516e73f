//! When to ask GetCertificate again while eHealth answers `CERT_NOT_YET_DELIVERED`
//! (app/certra/PROTOCOL.md §4.1 step 9: the connector waits 10 s; manual validation can take days, so the
//! page polls for a while with growing pauses and then tells the person to come back later).

use std::time::Duration;

/// Pauses before each new attempt: 2 s, 4 s, 8 s, … capped at `max_pause`, at most `attempts`.
#[derive(Clone, Debug)]
pub struct PollSchedule {
    next: Duration,
    max_pause: Duration,
    remaining: u32,
}

impl PollSchedule {
    /// A schedule of `attempts` pauses, doubling from `first` up to `max_pause`.
    pub fn new(first: Duration, max_pause: Duration, attempts: u32) -> Self {
        Self { next: first, max_pause, remaining: attempts }
    }

    /// What the app uses: 2 s doubling to 60 s, 20 attempts (about 16 minutes in all).
    pub fn standard() -> Self {
        Self::new(Duration::from_secs(2), Duration::from_secs(60), 20)
    }
}

impl Iterator for PollSchedule {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let pause = self.next.min(self.max_pause);
        self.next = self.next.saturating_mul(2);
        Some(pause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_and_stops() {
        let pauses: Vec<u64> =
            PollSchedule::new(Duration::from_secs(2), Duration::from_secs(10), 6)
                .map(|pause| pause.as_secs())
                .collect();
        assert_eq!(pauses, vec![2, 4, 8, 10, 10, 10]);
        let total: Duration = PollSchedule::standard().sum();
        assert_eq!(PollSchedule::standard().count(), 20);
        assert!(total > Duration::from_secs(600) && total < Duration::from_secs(1200), "{total:?}");
    }
}
