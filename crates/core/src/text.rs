//! Text from outside (a tenant, Graph, a file) as it is shown to people: [`visible`] is the one
//! function every front door uses before it prints, renders or lays out such text — the command
//! line's tables and lines, the desktop app, PDF reports — so that a policy named
//! `"\x1b[2J\x1b]0;pwned\x07Legit\nFAKE: all tenants compliant"` is shown, never obeyed: it cannot
//! clear the screen, retitle a window, recolour the terminal or add a line of its own.
//!
//! What is made visible, and why:
//! - **C0 and C1 control characters and DEL** (U+0000–U+001F, U+007F, U+0080–U+009F): they start
//!   escape sequences (ESC, the 8-bit CSI U+009B, OSC U+009D), ring the bell, move the cursor or
//!   break the line. A line feed shows as `\n`, a carriage return as `\r`, a tab as `\t`, every
//!   other one as `\u{1b}`; one value stays on one line.
//! - **Line and paragraph separators** (U+2028, U+2029): some renderers break the line at them.
//! - **Bidirectional controls** (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069): they
//!   reorder what follows them, so `Legit\u{202e}txt.exe` reads as `Legitexe.txt`.
//! - **Invisible format characters** that make two different names look the same or hide text:
//!   the zero-width space (U+200B), soft hyphen (U+00AD), word joiner and invisible operators
//!   (U+2060–U+2064), the deprecated format controls (U+206A–U+206F), the byte order mark
//!   (U+FEFF), the Mongolian vowel separator (U+180E), the combining grapheme joiner (U+034F),
//!   the Hangul fillers that render blank (U+115F, U+1160, U+3164, U+FFA0), interlinear
//!   annotation controls (U+FFF9–U+FFFB), invisible musical format controls (U+1D173–U+1D17A) and
//!   the tag characters (U+E0000–U+E007F) that can carry a whole hidden sentence.
//! - **Zero-width joiner and non-joiner** (U+200D, U+200C) only where they join nothing: Persian,
//!   Indic scripts and emoji sequences need them between two non-ASCII characters, so there they
//!   stay; at either end of a text, or beside ASCII, they can only hide a difference, so there
//!   they are shown.
//!
//! Left as they are, on purpose: look-alike letters from other scripts (Cyrillic `а` for Latin
//! `a`), variation selectors and everything printable. A backslash is not escaped, so a name
//! that itself contains the six characters `\u{1b}` reads like one holding ESC; it is still inert.

use std::borrow::Cow;

/// `text` with every character that could act on a terminal, reorder or hide text made visible
/// as an escape (`\n`, `\r`, `\t`, `\u{1b}`); borrowed when there is nothing to change.
pub fn visible(text: &str) -> Cow<'_, str> {
    // Most names are printable ASCII: nothing to look at twice.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let hidden = |i: usize| is_hidden(&chars, i);
    let Some(first) = (0..chars.len()).find(|&i| hidden(i)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.extend(&chars[..first]);
    for (i, &c) in chars.iter().enumerate().skip(first) {
        if !hidden(i) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Whether `visible` leaves `text` as it is.
pub fn is_visible(text: &str) -> bool {
    matches!(visible(text), Cow::Borrowed(_))
}

/// Whether the character at `i` must be shown as an escape.
fn is_hidden(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if is_always_hidden(c) {
        return true;
    }
    if matches!(c, '\u{200c}' | '\u{200d}') {
        // A joiner joins two non-ASCII characters that are shown as they are; anywhere else it
        // can only hide a difference.
        let joins = |j: Option<usize>| {
            j.and_then(|j| chars.get(j)).is_some_and(|&n| {
                !n.is_ascii() && !is_always_hidden(n) && !matches!(n, '\u{200c}' | '\u{200d}')
            })
        };
        return !(joins(i.checked_sub(1)) && joins(Some(i + 1)));
    }
    false
}

/// Characters shown as escapes wherever they are (see the module's documentation).
fn is_always_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{180e}'
                | '\u{200b}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        assert_eq!(visible(input), expect, "{input:?}");
    }

    #[test]
    fn terminal_controls_become_escapes() {
        check(
            "\x1b[2J\x1b]0;pwned\x07Legit\nFAKE: all tenants compliant",
            "\\u{1b}[2J\\u{1b}]0;pwned\\u{7}Legit\\nFAKE: all tenants compliant",
        );
        check("a\r\nb\tc\0d\x7f", "a\\r\\nb\\tc\\u{0}d\\u{7f}");
        // C1: the 8-bit CSI and OSC.
        check("x\u{9b}2J\u{9d}0;t\u{9c}", "x\\u{9b}2J\\u{9d}0;t\\u{9c}");
        check("one\u{2028}two\u{2029}", "one\\u{2028}two\\u{2029}");
    }

    #[test]
    fn reordering_and_invisible_characters_become_escapes() {
        check("Legit\u{202e}txt.exe", "Legit\\u{202e}txt.exe");
        check("\u{2067}abc\u{2069}", "\\u{2067}abc\\u{2069}");
        check("Pass\u{ad}word\u{200b}", "Pass\\u{ad}word\\u{200b}");
        check("\u{feff}BOM", "\\u{feff}BOM");
        check("hidden\u{e0041}\u{e0042}", "hidden\\u{e0041}\\u{e0042}");
        check("\u{3164}", "\\u{3164}");
    }

    #[test]
    fn joiners_stay_where_they_join_and_show_where_they_hide() {
        // Persian needs the non-joiner; a family emoji is joined by ZWJ.
        check("می\u{200c}خواهم", "می\u{200c}خواهم");
        check("👨\u{200d}👩\u{200d}👧", "👨\u{200d}👩\u{200d}👧");
        check("Legit\u{200d}", "Legit\\u{200d}");
        check("a\u{200c}b", "a\\u{200c}b");
        check("\u{200d}ش", "\\u{200d}ش");
        check("ش\u{200d}\u{200d}ش", "ش\\u{200d}\\u{200d}ش");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in [
            "",
            "MSP - Win - BitLocker",
            "Müller & Söhne GmbH – Zürich",
            "東京商事",
            r"HKLM\Software\Policies",
            "emoji ✅ and \u{fe0f}",
        ] {
            assert!(matches!(visible(text), Cow::Borrowed(_)), "{text:?}");
            assert!(is_visible(text));
        }
    }
}
