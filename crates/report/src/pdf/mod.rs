//! The typesetter: a [`Document`] to the bytes of a PDF/A-2b file.
//!
//! Three passes. The sections are laid out into pages first (text wrapped with the embedded
//! fonts' own widths, tables broken between rows with their header repeated); then the table
//! of contents, whose page count is known before its page numbers are, is laid out and put
//! after the cover; then the running headers and footers ("Page N of M") and the file itself.
//!
//! Two decisions a newcomer must know. The file is written with `pdf-writer` and subset with
//! `subsetter` rather than printpdf, because printpdf numbers fonts and the trailer `/ID`
//! randomly and has no nested bookmarks (docs/PDF.md). And nothing here reads the clock or a
//! random source: the same document gives the same bytes, which the signed evidence bundle
//! relies on.

mod blocks;
mod charts;
mod fonts;
mod layout;
mod logo;
mod pages;
mod sample;
mod write;

pub use logo::{LogoError, MAX_LOGO_BYTES, MAX_LOGO_SIDE};
#[doc(hidden)]
pub use sample::{sample, sample_with_findings};

use crate::doc::{Block, Document};
use blocks::Ctx;
use layout::{Anchor, Flow, Item};
use pages::TocEntry;
use write::OutlineEntry;

/// Why a document could not be typeset. Only the embedded fonts can fail; any text, however
/// long or odd, is laid out.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font {0} could not be read; the build is damaged")]
    Font(&'static str),
    #[error("the embedded font {0} could not be subset: {1}")]
    Subset(&'static str, String),
}

/// Typesets `doc` as an A4 PDF/A-2b file: cover, contents, sections; embedded subset fonts;
/// bookmarks; metadata from `doc.meta`. Deterministic: equal documents give equal bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts::Fonts::load()?;
    let accent = layout::rgb(doc.branding.accent);
    let on_accent = if layout::grey_level(accent) > 0.6 {
        layout::INK
    } else {
        layout::WHITE
    };
    let mut ctx = Ctx {
        fonts: &fonts,
        accent,
        on_accent,
        headings: 0,
    };

    // 1. The sections.
    let mut flow = Flow::new();
    for (i, sec) in doc.sections.iter().enumerate() {
        let mut items = blocks::section(&mut ctx, i, sec);
        if sec.new_page {
            flow.break_page();
        } else if i > 0 {
            items.insert(0, Item::Gap(26.0));
        }
        flow.run(items);
    }
    let mut body = flow.pages;
    if doc.sections.is_empty() {
        body.clear();
    }
    let placed = flow.placed;

    // 2. The table of contents: laid out once to count its pages, then with the numbers.
    let heading_titles: Vec<&str> = doc
        .sections
        .iter()
        .flat_map(|s| s.blocks.iter())
        .filter_map(|b| match b {
            Block::Heading(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let entries = |offset: usize| -> Vec<TocEntry> {
        placed
            .iter()
            .map(|p| match p.anchor {
                Anchor::Section(i) => TocEntry {
                    level: 0,
                    number: format!("{}", i + 1),
                    title: doc
                        .sections
                        .get(i)
                        .map(|s| s.title.clone())
                        .unwrap_or_default(),
                    page: p.page + offset,
                    top: p.y,
                },
                Anchor::Heading(h) => TocEntry {
                    level: 1,
                    number: String::new(),
                    title: heading_titles
                        .get(h)
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                    page: p.page + offset,
                    top: p.y,
                },
            })
            .collect()
    };
    let toc_len = pages::toc(&ctx, &entries(0)).len();
    let offset = 1 + toc_len;
    let toc_entries = entries(offset);
    let toc = pages::toc(&ctx, &toc_entries);

    // 3. Cover, contents, sections; headers and footers now that the count is known.
    let mut all = Vec::with_capacity(1 + toc.len() + body.len());
    all.push(pages::cover(&ctx, doc));
    all.extend(toc);
    all.append(&mut body);
    let total = all.len();
    for (i, page) in all.iter_mut().enumerate().skip(1) {
        pages::decorate(&fonts, doc, page, i + 1, total);
    }

    let mut outline: Vec<OutlineEntry> = Vec::new();
    for e in &toc_entries {
        let entry = OutlineEntry {
            title: layout::clean(&e.title),
            page: e.page,
            top: e.top,
            children: Vec::new(),
        };
        match (e.level, outline.last_mut()) {
            (0, _) | (_, None) => outline.push(entry),
            (_, Some(parent)) => parent.children.push(entry),
        }
    }
    write::write(
        &doc.meta,
        &fonts,
        doc.branding.logo.as_ref(),
        &all,
        &outline,
    )
}
