//! Object names as baselines use them: name templates with per-tenant placeholders
//! (`{prefix} - Win - Compliance`), name patterns (`MSP - *`), and the help an engineer needs when
//! a template matches nothing — the closest names a tenant has, and the placeholder values its
//! names suggest.
//!
//! Placeholders replace whole words only, so `MSP` in "MSPolicy" stays text; matching is
//! case-insensitive everywhere, as Intune's own name search is.

use std::collections::BTreeMap;

/// Turns a source name into a template: each whole-word occurrence of a value becomes `{key}`
/// (longest values first, so `Contoso EU` wins over `Contoso`).
pub fn templated(name: &str, vars: &BTreeMap<String, String>) -> String {
    let mut pairs: Vec<(&String, &String)> = vars.iter().filter(|(_, v)| !v.is_empty()).collect();
    pairs.sort_by_key(|(_, v)| std::cmp::Reverse(v.chars().count()));
    let mut out = name.to_string();
    for (key, value) in pairs {
        let mut result = String::new();
        let mut rest = out.as_str();
        while let Some(at) = find_word(rest, value) {
            result.push_str(&rest[..at]);
            result.push('{');
            result.push_str(key);
            result.push('}');
            rest = &rest[at + value.len()..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// The first occurrence of `word` in `text` not inside a longer word (letters and digits).
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = text[from..].find(word) {
        let at = from + pos;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let inside = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        if !inside(before) && !inside(after) {
            return Some(at);
        }
        from = at + word.len().max(1);
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// A template with a tenant's values; `Err(key)` names the first placeholder without a value.
pub fn render(
    template: &str,
    placeholders: &[String],
    vars: &BTreeMap<String, String>,
) -> Result<String, String> {
    let mut out = template.to_string();
    for key in placeholders {
        let token = format!("{{{key}}}");
        if out.contains(&token) {
            let value = vars.get(key).ok_or_else(|| key.clone())?;
            out = out.replace(&token, value);
        }
    }
    Ok(out)
}

/// Whether a template uses any of the placeholders.
pub fn uses_placeholders(template: &str, placeholders: &[String]) -> bool {
    placeholders
        .iter()
        .any(|k| template.contains(&format!("{{{k}}}")))
}

/// Whether a name matches a pattern with `*` (any text) and `?` (one character), any case.
pub fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// One piece of a template: literal text (case-folded), or a placeholder.
enum Piece<'a> {
    Text(Vec<char>),
    Hole(&'a str),
}

/// A character in the one case matching compares in. One character in, one out, so positions in
/// the folded text are positions in the original (lowercasing a string can change its length).
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn pieces<'a>(template: &str, placeholders: &'a [String]) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        // The earliest placeholder token in what is left.
        let next = placeholders
            .iter()
            .filter_map(|k| rest.find(&format!("{{{k}}}")).map(|at| (at, k)))
            .min_by_key(|(at, _)| *at);
        match next {
            Some((at, key)) => {
                if at > 0 {
                    out.push(Piece::Text(rest[..at].chars().map(fold).collect()));
                }
                out.push(Piece::Hole(key.as_str()));
                rest = &rest[at + key.len() + 2..];
            }
            None => {
                out.push(Piece::Text(rest.chars().map(fold).collect()));
                break;
            }
        }
    }
    out
}

/// Names longer than this are not read back (matching tries every split of the name).
const MAX_INFER_CHARS: usize = 512;

/// The placeholder values under which `template` renders to `name` (any case), if there are any:
/// "{prefix} - Win - Compliance" against "Contoso - Win - Compliance" gives `prefix=Contoso`.
/// Values keep the name's own spelling; a placeholder used twice must have one value.
pub fn infer(
    template: &str,
    placeholders: &[String],
    name: &str,
) -> Option<BTreeMap<String, String>> {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() > MAX_INFER_CHARS {
        return None;
    }
    let folded: Vec<char> = chars.iter().copied().map(fold).collect();
    let pieces = pieces(template, placeholders);
    let mut vars = BTreeMap::new();
    infer_from(&pieces, &chars, &folded, 0, &mut vars).then_some(vars)
}

fn infer_from(
    pieces: &[Piece<'_>],
    chars: &[char],
    folded: &[char],
    at: usize,
    vars: &mut BTreeMap<String, String>,
) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return at == chars.len();
    };
    match first {
        Piece::Text(text) => {
            folded[at..].starts_with(text) && infer_from(rest, chars, folded, at + text.len(), vars)
        }
        Piece::Hole(key) => {
            // Try every non-empty value, shortest first (a later literal decides where it ends).
            let known: Option<Vec<char>> = vars.get(*key).map(|v| v.chars().map(fold).collect());
            for end in at + 1..=chars.len() {
                if known.as_ref().is_some_and(|v| v[..] != folded[at..end]) {
                    continue;
                }
                if known.is_none() {
                    vars.insert(key.to_string(), chars[at..end].iter().collect());
                }
                if infer_from(rest, chars, folded, end, vars) {
                    return true;
                }
                if known.is_none() {
                    vars.remove(*key);
                }
            }
            false
        }
    }
}

/// The candidates closest to `name` by edit distance (any case), best first, at most `limit`,
/// and only those close enough to be a plausible misspelling or variant (within half the name).
pub fn closest<'a>(name: &str, candidates: &[&'a str], limit: usize) -> Vec<&'a str> {
    let target: Vec<char> = name.to_lowercase().chars().collect();
    let budget = target.len().div_ceil(2).max(2);
    let mut scored: Vec<(usize, &'a str)> = candidates
        .iter()
        .map(|c| {
            let chars: Vec<char> = c.to_lowercase().chars().collect();
            (edit_distance(&target, &chars), *c)
        })
        .filter(|(d, _)| *d <= budget)
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(limit).map(|(_, c)| c).collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn names_become_templates_and_render_per_tenant() {
        let source = vars(&[("prefix", "MSP")]);
        assert_eq!(
            templated("MSP - Win - Compliance", &source),
            "{prefix} - Win - Compliance"
        );
        // Whole words only: MSPolicy is not MSP.
        assert_eq!(templated("MSPolicy - MSP", &source), "MSPolicy - {prefix}");
        assert_eq!(templated("Win - Baseline", &source), "Win - Baseline");
        let longer = vars(&[("a", "Contoso"), ("b", "Contoso EU")]);
        assert_eq!(templated("Contoso EU - Contoso", &longer), "{b} - {a}");
        let keys = vec!["prefix".to_string()];
        assert_eq!(
            render(
                "{prefix} - Win - Compliance",
                &keys,
                &vars(&[("prefix", "Fabrikam Ü")])
            ),
            Ok("Fabrikam Ü - Win - Compliance".to_string())
        );
        assert_eq!(
            render("{prefix} - Win", &keys, &BTreeMap::new()),
            Err("prefix".to_string())
        );
        // Braces that are not declared placeholders are just text.
        assert_eq!(
            render("{other} x", &keys, &BTreeMap::new()),
            Ok("{other} x".to_string())
        );
        assert!(uses_placeholders("{prefix} - Win", &keys));
        assert!(!uses_placeholders("{other} - Win", &keys));
    }

    #[test]
    fn globs_match_names_in_any_case() {
        assert!(glob("MSP - *", "msp - Win - Compliance"));
        assert!(glob("*compliance", "MSP - Win - Compliance"));
        assert!(glob("MSP - W?n - *", "MSP - Win - BitLocker"));
        assert!(!glob("MSP - *", "Contoso - Win"));
        assert!(glob("*", ""));
        assert!(glob("*a*b*", "xxaxxbxx"));
        assert!(!glob("*a*b", "xxaxxbxx"));
    }

    #[test]
    fn values_are_read_back_from_names() {
        let keys = vec!["prefix".to_string(), "site".to_string()];
        assert_eq!(
            infer(
                "{prefix} - Win - Compliance",
                &keys,
                "Contoso Ltd - WIN - Compliance"
            ),
            Some(vars(&[("prefix", "Contoso Ltd")]))
        );
        assert_eq!(
            infer(
                "{prefix} - {site} - Wi-Fi",
                &keys,
                "Fabrikam - Zürich HQ - Wi-Fi"
            ),
            Some(vars(&[("prefix", "Fabrikam"), ("site", "Zürich HQ")]))
        );
        // A placeholder used twice has one value.
        assert_eq!(
            infer("{prefix} - Win - {prefix}", &keys, "A - Win - A"),
            Some(vars(&[("prefix", "A")]))
        );
        assert_eq!(
            infer("{prefix} - Win - {prefix}", &keys, "A - Win - B"),
            None
        );
        assert_eq!(infer("{prefix} - Win", &keys, "Contoso - Mac"), None);
        // A template without placeholders matches its own name only.
        assert_eq!(
            infer("Win - Base", &keys, "win - base"),
            Some(BTreeMap::new())
        );
        // Letters whose lowercase is longer or shorter in bytes (İ, ẞ) never break it.
        assert_eq!(
            infer("{prefix} - Win", &keys, "İẞtanbul - WIN"),
            Some(vars(&[("prefix", "İẞtanbul")]))
        );
        assert_eq!(infer("{prefix} - İ", &keys, "x - ẞ"), None);
        assert_eq!(infer("{prefix} x", &keys, &"a".repeat(10_000)), None);
    }

    #[test]
    fn closest_names_are_plausible_variants_only() {
        let names = [
            "Contoso - Win - Compliance",
            "Contoso - Win - BitLocker",
            "Legacy VPN",
        ];
        assert_eq!(
            closest("Contso - Win - Compliance", &names, 2),
            vec!["Contoso - Win - Compliance", "Contoso - Win - BitLocker"]
        );
        assert!(closest("Totally different", &names, 3).is_empty());
        assert_eq!(edit_distance(&['a', 'b'], &['b']), 1);
    }
}
