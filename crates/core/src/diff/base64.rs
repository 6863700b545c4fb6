//! Decoding of the base64 text Graph uses for script bodies, profile payloads and OMA-URI XML.
//! Twenty lines here rather than a dependency: `crates/core` keeps its dependencies few.

/// Padded standard base64 (as Graph sends it) to UTF-8 text without control characters other than
/// line breaks and tabs. Anything else is taken to be text already: that keeps decoding idempotent
/// except for a text that is itself, entirely, padded base64 of text (a one-word script) — a case
/// we accept.
pub(crate) fn decode_base64_text(s: &str) -> Option<String> {
    if s.is_empty() || !s.len().is_multiple_of(4) {
        return None;
    }
    let s = s.trim_end_matches('=');
    let mut bytes = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    let text = String::from_utf8(bytes).ok()?;
    let printable = |c: char| !c.is_control() || matches!(c, '\n' | '\r' | '\t');
    text.chars().all(printable).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_text_and_leaves_the_rest() {
        assert_eq!(decode_base64_text("aGVsbG8K").as_deref(), Some("hello\n"));
        assert_eq!(decode_base64_text("aGk=").as_deref(), Some("hi"));
        assert_eq!(decode_base64_text("not base64!"), None);
        assert_eq!(decode_base64_text("QUJD"), Some("ABC".into()));
        assert_eq!(decode_base64_text("ABC"), None, "unpadded");
        assert_eq!(decode_base64_text("/w=="), None, "not UTF-8");
    }
}
