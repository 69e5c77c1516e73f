// Included by build.rs, which writes each catalogue section's expected fingerprint into the
// generated code, and by i18n.rs, which checks a fetched catalogue against it: one definition,
// so that the two cannot drift apart.

/// FNV-1a over a catalogue section's keys, each ended by a zero byte.
fn fingerprint<'a>(keys: impl Iterator<Item = &'a str>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in keys.flat_map(|key| key.bytes().chain([0])) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
