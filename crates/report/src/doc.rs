//! A review pack as a document, before it has pages.
//!
//! The engine fills a [`Document`] from a workspace (what to say); [`crate::pdf`] decides where it
//! goes (pages, wrapping, repeated table headers, page numbers, the table of contents). Every text
//! here is plain Unicode exactly as it should read: tenant text has already gone through
//! `core::text::visible` and redaction, and the typesetter adds no escaping rules of its own.

use time::OffsetDateTime;

/// A whole report: metadata, branding, the cover, then sections in order. The typesetter adds
/// the table of contents after the cover from the sections' titles.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub meta: Meta,
    pub branding: Branding,
    pub cover: Cover,
    pub sections: Vec<Section>,
}

/// What goes into the PDF's metadata (the document information dictionary and the XMP stream).
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// e.g. "Review pack — Contoso Ltd — 2026-Q4".
    pub title: String,
    pub subject: String,
    /// The MSP (or the person) the document is by.
    pub author: String,
    pub keywords: Vec<String>,
    /// e.g. "TenantAtlas 0.1.0".
    pub creator: String,
    /// When the pack was generated: also its creation and modification date. Given, never read
    /// from the clock here, so the same inputs give the same bytes.
    pub created: OffsetDateTime,
    /// BCP 47, e.g. "en".
    pub language: String,
}

/// The MSP's look, from the workspace settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Branding {
    /// Shown on the cover and in every page's header.
    pub msp_name: String,
    /// Shown in every page's footer, beside the page number (e.g. "Confidential — prepared for …").
    pub footer: String,
    /// Headings, rules and chart accents.
    pub accent: Rgb,
    pub logo: Option<Logo>,
}

/// A colour in sRGB, 0–255 each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// The product's default accent, a dark blue that prints as a dark grey.
    pub const DEFAULT_ACCENT: Rgb = Rgb(0x1f, 0x4e, 0x79);

    /// `#rrggbb` (the `#` optional), as the settings store it.
    pub fn parse_hex(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#').unwrap_or(text.trim());
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// A decoded logo: 8-bit RGB pixels, row by row, any transparency already flattened onto white
/// (PDF/A-2b would allow a soft mask; a flat image is simpler to check and prints the same).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    pub width: u32,
    pub height: u32,
    /// `width * height * 3` bytes.
    pub rgb: Vec<u8>,
}

/// The first page.
#[derive(Clone, Debug, PartialEq)]
pub struct Cover {
    /// e.g. "Tenant review pack".
    pub title: String,
    /// The customer, large: e.g. "Müller & Söhne GmbH".
    pub customer: String,
    /// e.g. "1 October 2026 – 31 December 2026".
    pub period: String,
    /// Label and value lines under it: generated at, product version, signing key fingerprint,
    /// tenant id, snapshot.
    pub facts: Vec<(String, String)>,
}

/// A numbered top-level part of the document: it starts a new page when `new_page` is set, is
/// listed in the table of contents with its page number, and is a bookmark, with its
/// [`Block::Heading`]s as bookmarks under it.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub title: String,
    pub new_page: bool,
    pub blocks: Vec<Block>,
}

impl Section {
    pub fn new(title: impl Into<String>) -> Section {
        Section {
            title: title.into(),
            new_page: true,
            blocks: Vec::new(),
        }
    }

    /// The section follows the previous one on the same page when there is room.
    pub fn continued(mut self) -> Section {
        self.new_page = false;
        self
    }

    pub fn push(&mut self, block: Block) -> &mut Section {
        self.blocks.push(block);
        self
    }
}

/// One piece of a section, typeset top to bottom.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A sub-heading: bold, kept with what follows it, a bookmark under its section.
    Heading(String),
    /// Body text, wrapped.
    Paragraph(String),
    /// Smaller, grey body text (explanations, provenance).
    Note(String),
    /// Monospaced text that may break anywhere (hashes, ids, commands).
    Mono(String),
    /// A bulleted list; each item wraps with a hanging indent.
    Bullets(Vec<String>),
    /// A numbered list of steps; a step's command is set in monospace under its text.
    Steps(Vec<Step>),
    /// Label–value pairs in two columns.
    Facts(Vec<(String, String)>),
    /// Big-number tiles in one row (e.g. score, open findings, objects).
    Stats(Vec<Stat>),
    /// A framed paragraph with a tone (e.g. a limitation, a warning).
    Callout {
        tone: Tone,
        text: String,
    },
    Table(Table),
    Chart(Chart),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    pub command: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    pub label: String,
    /// The number as it should read, e.g. "87%" or "12".
    pub value: String,
    /// A line under it, e.g. "+4 since the last pack".
    pub note: String,
    pub tone: Tone,
}

/// How serious something is. Every tone prints as a different grey *and* carries its word, so
/// a status never depends on colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tone {
    Neutral,
    Good,
    Info,
    Warning,
    Serious,
    Critical,
}

/// A table that may run over several pages; its header row repeats on each.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// What to say instead of an empty table, e.g. "No open findings."
    pub empty: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    /// Relative width: the table fills the text width, each column its share.
    pub weight: f32,
    pub align: Align,
}

impl Column {
    pub fn new(title: impl Into<String>, weight: f32) -> Column {
        Column {
            title: title.into(),
            weight,
            align: Align::Left,
        }
    }

    pub fn right(mut self) -> Column {
        self.align = Align::Right;
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One row; `detail` lines are set full width under the cells in smaller type (e.g. a
/// finding's changed settings), and stay on the same page as the row where they fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub detail: Vec<String>,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            detail: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub style: CellStyle,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: CellStyle::Plain,
        }
    }

    pub fn mono(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: CellStyle::Mono,
        }
    }

    /// A status word in a tinted box (e.g. "High", "Accepted").
    pub fn badge(text: impl Into<String>, tone: Tone) -> Cell {
        Cell {
            text: text.into(),
            style: CellStyle::Badge(tone),
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::text(text)
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::text(text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellStyle {
    Plain,
    Mono,
    Badge(Tone),
}

/// Vector charts, drawn with lines and fills (no images).
#[derive(Clone, Debug, PartialEq)]
pub enum Chart {
    /// Horizontal bars with their values written beside them (findings by severity, compliance
    /// per baseline). `max` is the full bar; `None`: the largest value.
    Bars {
        title: String,
        bars: Vec<Bar>,
        max: Option<f64>,
        /// Appended to each value, e.g. "%".
        unit: String,
    },
    /// Lines over labelled points (a score over past packs, standing findings over the period);
    /// a `None` value is a gap. `y_max` `None`: the largest value.
    Lines {
        title: String,
        x_labels: Vec<String>,
        series: Vec<Series>,
        y_max: Option<f64>,
        unit: String,
    },
    /// A score out of 100 as a ring with the number in it, and the change against `previous`.
    Score {
        label: String,
        value: Option<f64>,
        previous: Option<f64>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tone: Tone,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub tone: Tone,
    pub values: Vec<Option<f64>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_read_and_write_as_the_settings_store_them() {
        assert_eq!(Rgb::parse_hex("#1f4e79"), Some(Rgb(0x1f, 0x4e, 0x79)));
        assert_eq!(Rgb::parse_hex("1F4E79"), Some(Rgb(0x1f, 0x4e, 0x79)));
        assert_eq!(Rgb::parse_hex("#1f4e7"), None);
        assert_eq!(Rgb::parse_hex("#1f4e7g"), None);
        assert_eq!(Rgb::parse_hex("#ééé"), None);
        assert_eq!(Rgb(1, 2, 255).to_hex(), "#0102ff");
    }
}
