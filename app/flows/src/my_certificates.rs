//! F14 my certificates, F8 revocation and F16 the renewal reminder (app/PRODUCT.md §2).
//!
//! GetCertificateInfoForCitizen is signed with the eID authentication key and lists the person's
//! certificates and those of the organisations they hold a mandate for (app/certra/PROTOCOL.md §3 #7);
//! a revocable one is revoked with GenerateRevocationContract (unsigned, shown and accepted) and
//! Revoke (signed with the eID signature key, §3 #9–10), which also revokes its ETK.

use ehcert_certra::{
    request::{self, RevocationContract, RevocationReason},
    response::{self, CitizenCertificates},
    CertraError,
};
use ehcert_shared::bridge::KeyRole;

use crate::{call, eid::EidHolder, FlowError, Services};

/// The certificates the eID holder can see at eHealth, and the entries of eHealth's list that
/// could not be read (each decision that reads the list says what it makes of those).
pub async fn list<S: Services>(
    services: &S,
    holder: &EidHolder,
) -> Result<CitizenCertificates, S::Error> {
    let request = request::get_certificate_info_for_citizen(&services.meta());
    let body = holder.call(services, request, KeyRole::Authentication).await?;
    Ok(response::citizen_certificates(&body).map_err(FlowError::from)?)
}

/// GenerateRevocationContract: the text to show and accept before revoking.
pub async fn revocation_contract<S: Services>(
    services: &S,
    holder: &EidHolder,
    public_key_identifier: &[u8; 20],
    reason: RevocationReason,
) -> Result<RevocationContract, S::Error> {
    let request = request::generate_revocation_contract(
        &services.meta(),
        public_key_identifier,
        &holder.actor(),
        reason,
    );
    let body = call(services, request).await?;
    Ok(response::revocation_contract(&body).map_err(FlowError::from)?)
}

/// Revoke, signed with the eID signature key (the PIN window shows what the card bridge reads in
/// it). Returns the signed request as sent, the person's evidence of what their card signed.
pub async fn revoke<S: Services>(
    services: &S,
    holder: &EidHolder,
    public_key_identifier: &[u8; 20],
    contract: &RevocationContract,
) -> Result<String, S::Error> {
    let request = request::revoke(&services.meta(), public_key_identifier, contract);
    let operation = request.operation;
    let envelope = holder.sign(services, request, KeyRole::Signature).await?;
    let body = services.certra(operation, envelope.clone()).await?;
    match response::revoked(&body) {
        Ok(()) => Ok(envelope),
        // A refusal after a Revoke whose answer was lost: eHealth may have carried that one out.
        // Its list says; then the certificate is revoked as asked. An entry that cannot be read
        // counts when its identifier and status can (`CitizenCertificates::status_of`);
        // otherwise the refusal stands, and the person sees it.
        Err(refusal @ CertraError::Refused { .. }) => {
            let listed = list(services, holder).await?;
            if listed.status_of(public_key_identifier) == Some("REVOKED") {
                Ok(envelope)
            } else {
                Err(FlowError::from(refusal).into())
            }
        }
        Err(err) => Err(FlowError::from(err).into()),
    }
}

/// When a certificate ending at `expiry` may be renewed, where eHealth announced no replacement
/// period: the Java Certificate Manager's rule, 90 days before the end.
pub fn default_replacement_start(expiry: i64) -> i64 {
    expiry - 90 * 86_400
}

/// What a renewal reminder for the certificate of a final keystore needs: its DN, when its
/// renewal may start ([`default_replacement_start`]) and when it ends (its `notAfter`).
pub fn reminder_for(keystore: &ehcert_pki::p12::Keystore) -> Option<(String, i64, i64)> {
    let leaf = keystore.authentication().ok()?.leaf().ok()?;
    let expiry = ehcert_pki::cert::validity(&leaf).1.seconds();
    let dn = ehcert_pki::dn::to_string(&leaf.tbs_certificate.subject);
    Some((dn, default_replacement_start(expiry), expiry))
}

/// Seconds since 1970 of an `xs:dateTime` as CertRA writes them (`2029-11-22T10:15:30Z`,
/// `2029-11-22T10:15:30.123+01:00`, or without zone, taken as UTC); `None` if it is not one.
pub fn unix_seconds(date_time: &str) -> Option<i64> {
    let (date, time) = date_time.split_once('T')?;
    let mut date_parts = date.splitn(3, '-');
    let year: u16 = date_parts.next()?.parse().ok()?;
    let month: u8 = date_parts.next()?.parse().ok()?;
    let day: u8 = date_parts.next()?.parse().ok()?;
    let (clock, offset) = match time.find(['Z', '+', '-']) {
        Some(at) => (&time[..at], &time[at..]),
        None => (time, ""),
    };
    let clock = clock.split('.').next()?;
    let mut clock_parts = clock.splitn(3, ':');
    let hour: u8 = clock_parts.next()?.parse().ok()?;
    let minute: u8 = clock_parts.next()?.parse().ok()?;
    let second: u8 = clock_parts.next()?.parse().ok()?;
    let offset_seconds = match offset {
        "" | "Z" => 0,
        _ => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (h, m) = offset[1..].split_once(':')?;
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60)
        }
    };
    // `der`'s calendar checks the date and time (no 30 February, no hour 24) and counts the
    // days; a leap second counts as the first second of the next minute.
    let (second, leap) = if second == 60 { (59, 1) } else { (second, 0) };
    let civil = der::DateTime::new(year, month, day, hour, minute, second).ok()?;
    let utc = i64::try_from(civil.unix_duration().as_secs()).ok()?;
    Some(utc + leap - offset_seconds)
}

/// Whole days from `now` until `date_time` (negative once past).
pub fn days_until(date_time: &str, now: i64) -> Option<i64> {
    unix_seconds(date_time).map(|at| (at - now).div_euclid(86_400))
}

/// An iCalendar file (RFC 5545) with two all-day events: the start of the replacement window
/// ("renew your eHealth certificate from today") and the expiry (F16). `uid` makes the events'
/// UIDs unique (random hex from the caller); `summaries` are the two titles in the person's
/// language.
pub fn renewal_reminder(
    dn: &str,
    replacement_start: i64,
    expiry: i64,
    now: i64,
    uid: &str,
    summaries: (&str, &str),
) -> String {
    let stamp = format_utc(now);
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//ehcert//eHealth certificate reminder//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
    ];
    for (index, (at, summary)) in
        [(replacement_start, summaries.0), (expiry, summaries.1)].into_iter().enumerate()
    {
        let day = format_date(at);
        let next = format_date(at + 86_400);
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{uid}-{index}@ehcert"),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{day}"),
            format!("DTEND;VALUE=DATE:{next}"),
            format!("SUMMARY:{}", escape_text(summary)),
            format!("DESCRIPTION:{}", escape_text(dn)),
            "BEGIN:VALARM".to_owned(),
            "ACTION:DISPLAY".to_owned(),
            format!("DESCRIPTION:{}", escape_text(summary)),
            "TRIGGER:-PT0M".to_owned(),
            "END:VALARM".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| fold(line)).collect::<Vec<_>>().join("\r\n") + "\r\n"
}

/// RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values.
fn escape_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// RFC 5545 §3.1: lines longer than 75 octets continue on the next line after CRLF + space,
/// never splitting a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut length = 0;
    for character in line.chars() {
        let size = character.len_utf8();
        if length + size > 75 {
            out.push_str("\r\n ");
            length = 1;
        }
        out.push(character);
        length += size;
    }
    out
}

/// `yyyyMMdd` of a Unix time (UTC), from the same calendar arithmetic as the requests'
/// `IssueInstant` (`ehcert_certra::request::date_time`).
fn format_date(at: i64) -> String {
    format_utc(at)[..8].to_owned()
}

/// `yyyyMMddTHHmmssZ` (RFC 5545 UTC date-time) of a Unix time.
fn format_utc(at: i64) -> String {
    request::date_time(u64::try_from(at).unwrap_or(0)).replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xs_date_times_become_unix_seconds_with_their_offsets() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2016-12-31T23:59:60Z"), unix_seconds("2017-01-01T00:00:00Z"));
        assert_eq!(unix_seconds("2026-02-30T10:00:00Z"), None, "no 30 February");
        assert_eq!(unix_seconds("2026-02-10T24:00:00Z"), None, "no hour 24");
        assert_eq!(unix_seconds("2026-08-23T06:47:51Z"), Some(1_787_467_671));
        assert_eq!(unix_seconds("2026-08-23T08:47:51.250+02:00"), Some(1_787_467_671));
        assert_eq!(unix_seconds("2026-08-23T06:47:51"), Some(1_787_467_671));
        assert_eq!(unix_seconds("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(unix_seconds("2026-13-01T00:00:00Z"), None);
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(days_until("2026-08-23T06:47:51Z", 1_787_467_671 - 10 * 86_400), Some(10));
        assert_eq!(days_until("2026-08-23T06:47:51Z", 1_787_467_671 + 1), Some(-1));
    }

    #[test]
    fn the_reminder_has_two_all_day_events_folded_and_escaped() {
        let dn = r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE";
        let ics = renewal_reminder(
            dn,
            1_787_467_671 - 90 * 86_400,
            1_787_467_671,
            1_700_000_000,
            "abc",
            ("Renew your eHealth certificate", "Your eHealth certificate expires"),
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            ics.contains("DTSTART;VALUE=DATE:20260525\r\nDTEND;VALUE=DATE:20260526\r\n"),
            "{ics}"
        );
        assert!(ics.contains("DTSTART;VALUE=DATE:20260823\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20231114T221320Z\r\n"), "{ics}");
        assert!(ics.contains("UID:abc-0@ehcert\r\n") && ics.contains("UID:abc-1@ehcert\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2);
        // Commas and backslashes of the DN are escaped; every physical line is ≤ 75 octets.
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains(r"DESCRIPTION:CN=SSIN\\=85073003328\,OU=eHealth-platform Belgium\,")
        );
        assert!(ics.split("\r\n").all(|line| line.len() <= 75), "{ics}");
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare line feeds");
    }
}
