//! The eID's identity and address files: one-byte tags, one-byte lengths, values
//! (card-bridge/CARD.md §3). Lengths of 255 or more would use extra bytes that add up (`FF xx` =
//! 255 + xx); trailing zero padding ends the file; a tag `00` after the first field ends it too.

/// The fields of a TLV file, in order. Malformed input gives the fields read so far.
pub(crate) fn parse(file: &[u8]) -> Vec<(u8, &[u8])> {
    let mut fields = Vec::new();
    let mut rest = file;
    while let [tag, tail @ ..] = rest {
        if *tag == 0 && !fields.is_empty() {
            break;
        }
        let mut length = 0usize;
        let mut tail = tail;
        loop {
            let Some((&byte, after)) = tail.split_first() else { return fields };
            length += usize::from(byte);
            tail = after;
            if byte != 0xFF {
                break;
            }
        }
        if length > tail.len() {
            return fields;
        }
        let (value, after) = tail.split_at(length);
        fields.push((*tag, value));
        rest = after;
    }
    fields
}

/// The value of `tag` as text (UTF-8, lossy), or empty.
pub(crate) fn text(fields: &[(u8, &[u8])], tag: u8) -> String {
    fields
        .iter()
        .find(|(field, _)| *field == tag)
        .map(|(_, value)| String::from_utf8_lossy(value).into_owned())
        .unwrap_or_default()
}

/// The raw value of `tag`.
pub(crate) fn value<'a>(fields: &[(u8, &'a [u8])], tag: u8) -> Option<&'a [u8]> {
    fields.iter().find(|(field, _)| *field == tag).map(|(_, value)| *value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_stops_at_padding() {
        let file = [0x01, 0x02, b'a', b'b', 0x09, 0x00, 0x03, 0x01, b'c', 0x00, 0x00, 0x00];
        let fields = parse(&file);
        assert_eq!(fields, vec![(0x01, &b"ab"[..]), (0x09, &b""[..]), (0x03, &b"c"[..])]);
        assert_eq!(text(&fields, 0x03), "c");
        assert_eq!(text(&fields, 0x42), "");
    }

    #[test]
    fn long_lengths_add_up_and_truncation_stops_quietly() {
        let mut file = vec![0x07, 0xFF, 0x01];
        file.extend(vec![b'x'; 256]);
        assert_eq!(parse(&file)[0].1.len(), 256);
        assert_eq!(parse(&[0x01, 0x05, b'a']), vec![]);
        assert_eq!(parse(&[0x01, 0xFF]), vec![]);
        assert_eq!(parse(&[]), vec![]);
    }
}
