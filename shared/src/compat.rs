//! Which protocol two parts of ehcert speak when they are not of the same release.
//!
//! The three parts update on three clocks: the hosted page when its operator deploys, the
//! extension when the stores push it (hours to days), the card bridge when a person or an IT
//! department installs it (then it stays for months). So each part speaks a *range* of protocol
//! versions, and two parts use the highest version both speak:
//!
//! - a bridge keeps serving every protocol version of the releases it still supports
//!   ([`PROTOCOLS`]), and says in its hello the oldest one as `protocol` (the version it speaks
//!   unless told otherwise, so an extension of that time works with it as it is) and all of
//!   them as `protocols`; a newer extension picks the highest it shares and, when that is not
//!   `protocol`, says so first (`Command::UseProtocol`);
//! - a bridge of the first protocol-2 release says no `protocols`: it speaks `protocol` alone;
//! - when they share none, the part with the older versions is the one to update;
//! - within a protocol version, a command may be added only if the part that sends it does
//!   without its answer when the other part does not know it (as `Command::RecentEvents`, which
//!   an older bridge refuses as `bad-request` and the support report then lacks).
//!
//! ARCHITECTURE.md ("Releases that live together") says which direction is guaranteed for how
//! long. The extension applies the same rule in JavaScript (`extension/relay.js`
//! `chooseProtocol`), tested with the same cases.

use serde::{Deserialize, Serialize};

/// Every protocol version this build speaks, oldest first; the last is
/// [`crate::PROTOCOL_VERSION`].
pub const PROTOCOLS: &[u32] = &[2];

/// Which part to update when two parts share no protocol version.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outdated {
    /// This side's newest version is older than the other side's oldest.
    Ours,
    /// The other side's newest version is older than this side's oldest.
    Theirs,
}

/// The highest version in both `ours` and `theirs` (each a list of versions, in any order), or
/// which side is too old. Empty lists share nothing; the side with no versions counts as the
/// older.
///
/// # Errors
///
/// [`Outdated`] when the lists share no version.
pub fn choose_protocol(ours: &[u32], theirs: &[u32]) -> Result<u32, Outdated> {
    if let Some(shared) = ours.iter().copied().filter(|version| theirs.contains(version)).max() {
        return Ok(shared);
    }
    let newest = |versions: &[u32]| versions.iter().copied().max();
    let oldest = |versions: &[u32]| versions.iter().copied().min();
    match (newest(ours), oldest(theirs)) {
        (Some(our_newest), Some(their_oldest)) if our_newest < their_oldest => Err(Outdated::Ours),
        (None, _) => Err(Outdated::Ours),
        _ => Err(Outdated::Theirs),
    }
}

/// A release version as `major.minor.patch` (SemVer 2.0.0 §2), for the operator's minimum
/// versions: pre-release and build suffixes are ignored, a part that is not a number makes the
/// version unreadable.
#[derive(Clone, Copy, Debug, Eq, Ord, PartialEq, PartialOrd)]
pub struct Release(pub u32, pub u32, pub u32);

impl Release {
    /// Reads `"0.2.1"` (also `"0.2.1-rc.1"`, `"0.2.1+build"`: the suffix is not compared).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|part| {
            // No signs, no spaces, no empty parts: digits only (SemVer §2).
            (!part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        });
        let version = Self(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(version)
    }
}

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_shared_version_is_spoken() {
        assert_eq!(choose_protocol(&[2], &[2]), Ok(2));
        // A newer bridge (serving 2 and 3) with this extension (2): 2.
        assert_eq!(choose_protocol(&[2], &[2, 3]), Ok(2));
        // A newer extension (2 and 3) with this bridge (2): 2; with a newer bridge: 3.
        assert_eq!(choose_protocol(&[2, 3], &[2]), Ok(2));
        assert_eq!(choose_protocol(&[3, 2], &[3, 2, 4]), Ok(3));
    }

    #[test]
    fn with_nothing_shared_the_older_side_is_named() {
        // A bridge of protocol 1 with this extension: update the bridge.
        assert_eq!(choose_protocol(&[2], &[1]), Err(Outdated::Theirs));
        // A bridge that dropped 2: update the extension.
        assert_eq!(choose_protocol(&[2], &[3, 4]), Err(Outdated::Ours));
        assert_eq!(choose_protocol(&[], &[2]), Err(Outdated::Ours));
        assert_eq!(choose_protocol(&[2], &[]), Err(Outdated::Theirs));
    }

    #[test]
    fn this_build_speaks_its_own_protocol_last() {
        assert_eq!(PROTOCOLS.last(), Some(&crate::PROTOCOL_VERSION));
        assert!(PROTOCOLS.windows(2).all(|pair| pair[0] < pair[1]), "oldest first, no repeats");
    }

    #[test]
    fn releases_compare_by_number_not_by_text() {
        let parse = |text| Release::parse(text).unwrap();
        assert!(parse("0.10.0") > parse("0.9.9"));
        assert_eq!(parse("1.2.3-rc.1"), parse("1.2.3+build.7"));
        assert_eq!(parse("0.1.0"), Release(0, 1, 0));
        assert_eq!(parse("0.12.3").to_string(), "0.12.3");
        for bad in ["", "1", "1.2", "1.2.3.4", "1.-2.3", "1.2.x", " 1.2.3", "1..3"] {
            assert_eq!(Release::parse(bad), None, "{bad:?}");
        }
    }
}
