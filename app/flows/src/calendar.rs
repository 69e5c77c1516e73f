//! Dates as a person reads them: a civil date (day, month, year) written the way the person's
//! language writes it (`{d}/{m}/{y}` in Belgian Dutch, French and English, `{d}.{m}.{y}` in
//! German: the pattern is the catalogue's `date`), never the `yyyy-mm-dd` of the protocol.

use ehcert_certra::request;

/// A day of the calendar.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct CivilDate {
    /// The year, e.g. 2029.
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
}

impl CivilDate {
    /// The UTC day of a Unix time (the screens use the person's own time zone, from the
    /// browser; this is for the tests and for text outside the page).
    pub fn utc(unix: i64) -> Self {
        // `2029-11-22T10:15:30Z`, from the same calendar arithmetic as the requests'.
        let text = request::date_time(u64::try_from(unix).unwrap_or(0));
        Self {
            year: part(&text, 0..4).unwrap_or(1970),
            month: part(&text, 5..7).unwrap_or(1),
            day: part(&text, 8..10).unwrap_or(1),
        }
    }

    /// The date in `pattern`: `{d}` and `{m}` two digits, `{y}` four.
    pub fn written(self, pattern: &str) -> String {
        pattern
            .replace("{d}", &format!("{:02}", self.day))
            .replace("{m}", &format!("{:02}", self.month))
            .replace("{y}", &format!("{:04}", self.year))
    }
}

/// The number at `range` of `text`.
fn part<T: std::str::FromStr>(text: &str, range: std::ops::Range<usize>) -> Option<T> {
    text.get(range)?.parse().ok()
}

impl std::fmt::Display for CivilDate {
    /// ISO 8601 (`2029-11-22`), for logs and error details.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::CivilDate;

    #[test]
    fn unix_times_become_utc_days() {
        assert_eq!(CivilDate::utc(0), CivilDate { year: 1970, month: 1, day: 1 });
        assert_eq!(CivilDate::utc(951_782_400), CivilDate { year: 2000, month: 2, day: 29 });
        assert_eq!(CivilDate::utc(1_787_443_199).to_string(), "2026-08-22");
        assert_eq!(CivilDate::utc(1_787_467_671).to_string(), "2026-08-23");
    }

    #[test]
    fn dates_are_written_as_the_language_writes_them() {
        let date = CivilDate { year: 2029, month: 3, day: 7 };
        assert_eq!(date.written("{d}/{m}/{y}"), "07/03/2029");
        assert_eq!(date.written("{d}.{m}.{y}"), "07.03.2029");
    }
}
