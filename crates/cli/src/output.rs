//! One way out for what the command line prints: every line of stdout goes through [`line`] (or
//! the [`outln!`] macro), which returns an error instead of panicking when stdout is gone. A closed
//! pipe (`tenantatlas findings list | head`) is a normal end: `main` sees [`is_broken_pipe`] and
//! exits quietly, like other Unix tools.
//!
//! Tables ([`Table`]) have a header row and columns as wide as their widest cell, measured in
//! terminal columns; text from a tenant is shown through [`clean`] (the core's `text::visible`),
//! so a policy name cannot move the cursor, recolour the terminal or start a line of its own.

use anyhow::Result;
use serde::Serialize;
use std::fmt;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Writes one line to stdout; fails (never panics) when stdout is closed.
pub fn line(args: fmt::Arguments<'_>) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes text as it is (it carries its own line ends).
pub fn text(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// `println!` that returns an error instead of panicking; it propagates with `?` itself, so it
/// is used in functions that return `anyhow::Result`.
macro_rules! outln {
    () => { $crate::output::line(format_args!(""))? };
    ($($arg:tt)*) => { $crate::output::line(format_args!($($arg)*))? };
}

/// One JSON document on stdout, pretty-printed.
pub fn json(value: &impl Serialize) -> Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Whether an error is stdout going away under us (a closed pipe): not a failure of the command.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|e| e.io_error_kind())
                == Some(io::ErrorKind::BrokenPipe)
    })
}

/// `1 finding`, `2 findings`, `0 findings`.
/// A file size as people read it: `412 KB`, `3.4 MB`.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000_000 => format!("{} KB", b.div_ceil(1000)),
        b => format!("{:.1} MB", b as f64 / 1_000_000.0),
    }
}

pub fn count(n: impl Into<u64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// `count` for the common case of an English plural in `s`.
pub fn counted(n: impl Into<u64>, singular: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {singular}s")
    }
}

/// Text from outside (a tenant, Graph, a file) made safe to print: the product's one function
/// for it, shared with the desktop app and reports. Control characters, escape sequences,
/// bidirectional overrides and invisible characters become visible escapes (`\n`, `\u{1b}`), so
/// one value stays on one line of one cell; see `tenantatlas_core::text` for exactly which.
pub use tenantatlas_core::text::visible as clean;

/// Text as one word a POSIX shell reads back unchanged: for commands printed for people to
/// paste, whose parts (names, values, paths) may come from a tenant.
/// Control characters are made visible first ([`clean`]): a printed command never moves the
/// cursor.
pub fn shell_word(text: &str) -> String {
    let text = clean(text).into_owned();
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:@".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Cleaned text padded with spaces to `width` terminal columns, for lines printed one at a time
/// that must line up like a table's.
pub fn pad(text: &str, width: usize) -> String {
    let text = clean(text);
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

/// Items grouped by their reason, in the order reasons first appear: the lines "Conditional
/// Access policy (4), Named location (2): consent lacks Policy.Read.All" are made of.
pub fn by_reason(items: impl IntoIterator<Item = (String, String)>) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (reason, what) in items {
        match groups.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, list)) => list.push(what),
            None => groups.push((reason, vec![what])),
        }
    }
    groups
}

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table with a header row, its columns as wide as their widest cell.
#[derive(Clone, Debug)]
pub struct Table {
    headers: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
    /// Spaces before every line.
    indent: usize,
}

impl Table {
    /// Columns as `(header, alignment)`.
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
            align: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
            indent: 0,
        }
    }

    pub fn indent(mut self, spaces: usize) -> Table {
        self.indent = spaces;
        self
    }

    /// Adds a row; missing cells are empty, extra ones are dropped. Cells are [`clean`]ed.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let mut row: Vec<String> = cells
            .iter()
            .take(self.headers.len())
            .map(|c| clean(c.as_ref()).into_owned())
            .collect();
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    /// The table as text, one line per row after the header, each ending in a newline.
    pub fn render(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| {
                std::iter::once(&self.headers[i])
                    .chain(self.rows.iter().map(|r| &r[i]))
                    .map(|c| c.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = " ".repeat(self.indent);
            let last = row.len().saturating_sub(1);
            for (i, cell) in row.iter().enumerate() {
                let pad = widths[i].saturating_sub(cell.width());
                match self.align[i] {
                    Align::Right => {
                        line.push_str(&" ".repeat(pad));
                        line.push_str(cell);
                    }
                    // The last column needs no trailing spaces.
                    Align::Left if i == last => line.push_str(cell),
                    Align::Left => {
                        line.push_str(cell);
                        line.push_str(&" ".repeat(pad));
                    }
                }
                if i != last {
                    line.push_str("  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The rendered lines without their line ends: the header first, then one per row, for
    /// callers that print something under each row.
    pub fn lines(&self) -> Vec<String> {
        self.render().lines().map(str::to_string).collect()
    }

    /// Prints the table on stdout.
    pub fn print(&self) -> Result<()> {
        text(&self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_their_widest_cell_and_numbers_align_right() {
        let mut t = Table::new(&[
            ("tenant", Align::Left),
            ("score", Align::Right),
            ("state", Align::Left),
        ]);
        t.row(&["Contoso Ltd", "98.5%", "active"]);
        t.row(&["Müller & Söhne GmbH – Zürich", "7.0%", "failing"]);
        t.row(&["東京商事", "100.0%", ""]);
        assert_eq!(
            t.render(),
            "tenant                         score  state\n\
             Contoso Ltd                    98.5%  active\n\
             Müller & Söhne GmbH – Zürich    7.0%  failing\n\
             東京商事                      100.0%\n"
        );
    }

    #[test]
    fn hostile_text_stays_on_its_line() {
        assert_eq!(
            clean("a\x1b[31mred\nb\u{202e}c"),
            "a\\u{1b}[31mred\\nb\\u{202e}c"
        );
        let mut t = Table::new(&[("name", Align::Left)]).indent(2);
        t.row(&["x\ry"]);
        assert_eq!(t.render(), "  name\n  x\\ry\n");
        assert_eq!(pad("a\tb", 6), "a\\tb  ");
    }

    #[test]
    fn pasted_words_stay_words() {
        assert_eq!(shell_word("/usr/bin/tenantatlas"), "/usr/bin/tenantatlas");
        assert_eq!(shell_word("prefix=Contoso Ltd"), "'prefix=Contoso Ltd'");
        assert_eq!(shell_word("$(curl x|sh)"), "'$(curl x|sh)'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn reasons_group_in_first_seen_order() {
        let items =
            [("b", "x"), ("a", "y"), ("b", "z")].map(|(r, w)| (r.to_string(), w.to_string()));
        assert_eq!(
            by_reason(items),
            vec![
                ("b".to_string(), vec!["x".to_string(), "z".to_string()]),
                ("a".to_string(), vec!["y".to_string()]),
            ]
        );
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(counted(1u64, "finding"), "1 finding");
        assert_eq!(counted(0u64, "finding"), "0 findings");
        assert_eq!(count(2u64, "policy", "policies"), "2 policies");
    }

    #[test]
    fn a_closed_pipe_is_recognised_through_context() {
        let e = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe)).context("x");
        assert!(is_broken_pipe(&e));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
