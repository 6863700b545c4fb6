//! Properties of [`tenantatlas_core::text::visible`], the one function every front door shows
//! outside text through: whatever the text, what it gives back cannot act on a terminal.

use proptest::prelude::*;
use tenantatlas_core::text::{is_visible, visible};

/// Cases per property: `TENANTATLAS_FUZZ_CASES` for a longer run on demand.
fn cases() -> u32 {
    std::env::var("TENANTATLAS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(512)
}

/// Text biased towards what attacks terminals: controls, escapes, bidi and invisible characters
/// among ordinary letters.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        Just("\x1b[2J".to_string()),
        Just("\x1b]0;title\x07".to_string()),
        Just("\u{9b}31m".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{200d}".to_string()),
        Just("\u{200c}".to_string()),
        Just("ش".to_string()),
        Just("👩".to_string()),
        "[a-zA-Z ]{0,4}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn nothing_shown_can_act_on_a_terminal(text in hostile_text()) {
        let shown = visible(&text);
        for c in shown.chars() {
            prop_assert!(!c.is_control(), "{:?} → {:?}", text, shown);
            prop_assert!(
                !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{200b}'),
                "{:?} → {:?}", text, shown
            );
        }
        // What is shown is shown as it is: visible text needs no second pass.
        prop_assert!(is_visible(&shown), "{:?} → {:?}", text, shown);
    }
}
