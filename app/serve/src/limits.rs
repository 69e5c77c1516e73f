//! What keeps the path to eHealth from becoming an open relay or being drowned: a limit on the
//! calls in flight (beyond it, 503) and a token bucket per client address (beyond it, 429), both
//! with the `Retry-After` a browser or a script can honour (RFC 9110 §10.2.3, RFC 6585 §4).
//!
//! The client is the TCP peer, or — when the peer is a trusted load balancer — the nearest
//! address in `X-Forwarded-For` that is not itself trusted (the rightmost ones were written by
//! our own proxies; anything further left is what the client claimed).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use axum::http::HeaderMap;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::IpNet;

/// Why a call is refused before it leaves.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Refusal {
    /// This client called too often: 429, try again after this long.
    TooManyFromClient(Duration),
    /// The server has as many calls in flight as it takes: 503, try again after this long.
    Busy(Duration),
}

/// The limits on calls to eHealth, shared by every connection.
#[derive(Clone)]
pub struct CallLimits {
    in_flight: Arc<Semaphore>,
    buckets: Arc<Mutex<Buckets>>,
    per_second: f64,
    burst: f64,
}

struct Buckets {
    by_client: HashMap<IpAddr, Bucket>,
    admitted_since_sweep: u32,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// How long a busy server asks callers to wait: about one eHealth call.
const BUSY_RETRY: Duration = Duration::from_secs(2);

impl CallLimits {
    /// `max_in_flight` calls at once; per client `per_minute` on average and `burst` at once.
    pub fn new(max_in_flight: usize, per_minute: u32, burst: u32) -> Self {
        Self {
            in_flight: Arc::new(Semaphore::new(max_in_flight)),
            buckets: Arc::new(Mutex::new(Buckets {
                by_client: HashMap::new(),
                admitted_since_sweep: 0,
            })),
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst),
        }
    }

    /// Admits one call from `client` at `now`; the permit is held until the answer is passed
    /// back.
    pub fn admit(&self, client: IpAddr, now: Instant) -> Result<OwnedSemaphorePermit, Refusal> {
        self.take_token(client, now)?;
        Arc::clone(&self.in_flight).try_acquire_owned().map_err(|_| Refusal::Busy(BUSY_RETRY))
    }

    fn take_token(&self, client: IpAddr, now: Instant) -> Result<(), Refusal> {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let (per_second, burst) = (self.per_second, self.burst);
        let refill = |bucket: Bucket| {
            let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
            (bucket.tokens + elapsed * per_second).min(burst)
        };
        // Now and then forget clients whose bucket has filled up again: they are
        // indistinguishable from new ones, and the map stays as small as the active clients.
        buckets.admitted_since_sweep += 1;
        if buckets.admitted_since_sweep >= 1024 {
            buckets.admitted_since_sweep = 0;
            buckets.by_client.retain(|_, bucket| refill(*bucket) < burst);
        }
        let bucket = buckets
            .by_client
            .entry(client.to_canonical())
            .or_insert(Bucket { tokens: burst, at: now });
        let tokens = refill(*bucket);
        if tokens >= 1.0 {
            *bucket = Bucket { tokens: tokens - 1.0, at: now };
            Ok(())
        } else {
            *bucket = Bucket { tokens, at: now };
            let wait = (1.0 - tokens) / per_second;
            // A few seconds at most for any rate above 0 (the configuration refuses 0).
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Err(Refusal::TooManyFromClient(Duration::from_secs(wait.ceil().max(1.0) as u64)))
        }
    }
}

/// The client's address: the peer, or what a trusted proxy says the peer was.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(peer) {
        return peer.to_canonical();
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(address) if is_trusted(address) => client = address,
            Ok(address) => return address.to_canonical(),
            // What lies beyond an unreadable entry cannot be believed.
            Err(_) => break,
        }
    }
    client.to_canonical()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_client_gets_its_burst_then_the_average_and_is_told_when_to_come_back() {
        let limits = CallLimits::new(100, 60, 3);
        let start = Instant::now();
        let client = ip("192.0.2.1");
        for _ in 0..3 {
            drop(limits.admit(client, start).unwrap());
        }
        assert_eq!(
            limits.admit(client, start).unwrap_err(),
            Refusal::TooManyFromClient(Duration::from_secs(1))
        );
        // Another client is not affected.
        assert!(limits.admit(ip("192.0.2.2"), start).is_ok());
        // One per second comes back.
        assert!(limits.admit(client, start + Duration::from_millis(1000)).is_ok());
        assert!(limits.admit(client, start + Duration::from_millis(1100)).is_err());
        // The same client over IPv4-mapped IPv6 shares the bucket.
        assert!(limits.admit(ip("::ffff:192.0.2.1"), start + Duration::from_millis(1100)).is_err());
    }

    #[test]
    fn calls_in_flight_are_capped_and_a_finished_call_frees_its_place() {
        let limits = CallLimits::new(2, 6000, 100);
        let now = Instant::now();
        let first = limits.admit(ip("192.0.2.1"), now).unwrap();
        let _second = limits.admit(ip("192.0.2.2"), now).unwrap();
        assert_eq!(limits.admit(ip("192.0.2.3"), now).unwrap_err(), Refusal::Busy(BUSY_RETRY));
        drop(first);
        assert!(limits.admit(ip("192.0.2.3"), now).is_ok());
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let trusted = [IpNet::parse("10.0.0.0/8").unwrap()];
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 198.51.100.7, 10.0.0.3"),
        );
        // From the trusted balancer: the nearest untrusted address.
        assert_eq!(client_address(ip("10.0.0.2"), &headers, &trusted), ip("198.51.100.7"));
        // From anyone else: the header is the client's own claim.
        assert_eq!(client_address(ip("198.51.100.50"), &headers, &trusted), ip("198.51.100.50"));
        // No header from the balancer: the balancer itself.
        assert_eq!(client_address(ip("10.0.0.2"), &HeaderMap::new(), &trusted), ip("10.0.0.2"));
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage, 10.0.0.3"));
        assert_eq!(client_address(ip("10.0.0.2"), &headers, &trusted), ip("10.0.0.3"));
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9, garbage"));
        assert_eq!(client_address(ip("10.0.0.2"), &headers, &trusted), ip("10.0.0.2"));
    }
}
