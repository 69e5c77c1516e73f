//! xs:dateTime text for UNIX seconds (UTC), on `der`'s calendar.

/// `2026-11-22T17:10:13Z`; before 1970 the epoch, after 9999 its last second.
pub(crate) fn iso(seconds: i64) -> String {
    let since_epoch = std::time::Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
    der::DateTime::from_unix_duration(since_epoch).unwrap_or(der::DateTime::INFINITY).to_string()
}

#[cfg(test)]
mod tests {
    use super::iso;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso(1_795_367_413), "2026-11-22T17:10:13Z");
        assert_eq!(iso(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}
