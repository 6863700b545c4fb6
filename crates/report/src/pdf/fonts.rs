//! The three embedded typefaces and how wide their text is.
//!
//! The fonts are compiled into the binary (a user's clone has no system copy to rely on) and
//! measured with their own advance widths, so wrapping here matches what a viewer draws. There
//! is no shaping: one character is one glyph, which is exact for the Latin, Greek and Cyrillic
//! text a review pack carries and keeps extraction (`ToUnicode`) one-to-one.

use super::PdfError;
use ttf_parser::{Face, GlyphId};

static SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
static MONO: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");

/// Which of the three typefaces a piece of text is set in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FontKind {
    Sans,
    Bold,
    Mono,
}

impl FontKind {
    pub(crate) const ALL: [FontKind; 3] = [FontKind::Sans, FontKind::Bold, FontKind::Mono];

    pub(crate) fn index(self) -> usize {
        match self {
            FontKind::Sans => 0,
            FontKind::Bold => 1,
            FontKind::Mono => 2,
        }
    }
}

/// One parsed face, with the glyphs of Latin text cached because tables measure them often.
pub(crate) struct Font {
    pub(crate) data: &'static [u8],
    pub(crate) face: Face<'static>,
    /// The PostScript name without a subset tag, e.g. `DejaVuSans-Bold`.
    pub(crate) name: &'static str,
    pub(crate) units_per_em: f32,
    /// The glyph drawn for a character the font lacks: U+FFFD, or `?`. Never `.notdef`, which
    /// PDF/A forbids in shown text.
    fallback: (u16, char),
    /// Glyph and advance (thousandths of an em) for U+0000–U+024F.
    latin: Vec<Option<(u16, f32)>>,
}

impl Font {
    fn load(data: &'static [u8], name: &'static str) -> Result<Font, PdfError> {
        let face = Face::parse(data, 0).map_err(|_| PdfError::Font(name))?;
        let units_per_em = f32::from(face.units_per_em());
        let lookup = |c: char| {
            face.glyph_index(c)
                .filter(|g| g.0 != 0)
                .map(|g| (g.0, advance(&face, g.0, units_per_em)))
        };
        let fallback = ['\u{FFFD}', '?']
            .into_iter()
            .find_map(|c| lookup(c).map(|(g, _)| (g, c)))
            .ok_or(PdfError::Font(name))?;
        let latin = (0u32..0x250)
            .map(|u| char::from_u32(u).and_then(lookup))
            .collect();
        Ok(Font {
            data,
            face,
            name,
            units_per_em,
            fallback,
            latin,
        })
    }

    /// The glyph for a character, and the character it stands for in extracted text (the
    /// fallback's own character when the font lacks `c`).
    pub(crate) fn glyph(&self, c: char) -> (u16, char) {
        let u = c as usize;
        if u < self.latin.len() {
            return match self.latin[u] {
                Some((g, _)) => (g, c),
                None => self.fallback,
            };
        }
        match self.face.glyph_index(c) {
            Some(g) if g.0 != 0 => (g.0, c),
            _ => self.fallback,
        }
    }

    /// The advance of a glyph in thousandths of an em, as the PDF's `/W` array wants it.
    pub(crate) fn advance(&self, gid: u16) -> f32 {
        advance(&self.face, gid, self.units_per_em)
    }

    fn char_advance(&self, c: char) -> f32 {
        let u = c as usize;
        if u < self.latin.len() {
            if let Some((_, w)) = self.latin[u] {
                return w;
            }
        }
        self.advance(self.glyph(c).0)
    }

    /// The width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_advance(c)).sum::<f32>() * size / 1000.0
    }

    pub(crate) fn ascender(&self) -> f32 {
        f32::from(self.face.ascender()) * 1000.0 / self.units_per_em
    }

    pub(crate) fn descender(&self) -> f32 {
        f32::from(self.face.descender()) * 1000.0 / self.units_per_em
    }

    pub(crate) fn cap_height(&self) -> f32 {
        self.face
            .capital_height()
            .map(|h| f32::from(h) * 1000.0 / self.units_per_em)
            .unwrap_or(700.0)
    }

    /// The font's bounding box in thousandths of an em.
    pub(crate) fn bbox(&self) -> [f32; 4] {
        let b = self.face.global_bounding_box();
        let s = 1000.0 / self.units_per_em;
        [
            f32::from(b.x_min) * s,
            f32::from(b.y_min) * s,
            f32::from(b.x_max) * s,
            f32::from(b.y_max) * s,
        ]
    }
}

fn advance(face: &Face<'_>, gid: u16, units_per_em: f32) -> f32 {
    face.glyph_hor_advance(GlyphId(gid))
        .map(|a| f32::from(a) * 1000.0 / units_per_em)
        .unwrap_or(0.0)
}

/// The three faces a document is set in.
pub(crate) struct Fonts {
    fonts: [Font; 3],
}

impl Fonts {
    pub(crate) fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts {
            fonts: [
                Font::load(SANS, "DejaVuSans")?,
                Font::load(BOLD, "DejaVuSans-Bold")?,
                Font::load(MONO, "DejaVuSansMono")?,
            ],
        })
    }

    pub(crate) fn get(&self, kind: FontKind) -> &Font {
        &self.fonts[kind.index()]
    }

    pub(crate) fn width(&self, kind: FontKind, text: &str, size: f32) -> f32 {
        self.get(kind).width(text, size)
    }
}
