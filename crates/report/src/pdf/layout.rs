//! Page geometry, drawing operations and the flow that breaks strips into pages.
//!
//! Everything is measured in points from the page's top-left corner, y downwards, the way one
//! reads; only the writer turns it into PDF's bottom-up coordinates. Blocks become *strips*
//! (a line of text, a table row, a chart): a strip never breaks, so a page break falls between
//! strips, and a strip that must stay with the next (a heading) says so.

use super::fonts::{FontKind, Fonts};
use crate::doc::{Rgb, Tone};

/// A4 portrait.
pub(crate) const PAGE_W: f32 = 595.276;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN_X: f32 = 62.0;
pub(crate) const BODY_TOP: f32 = 86.0;
pub(crate) const BODY_BOTTOM: f32 = 772.0;
pub(crate) const BODY_W: f32 = PAGE_W - 2.0 * MARGIN_X;
pub(crate) const BODY_H: f32 = BODY_BOTTOM - BODY_TOP;

/// A colour, each channel 0–1.
pub(crate) type Color = [f32; 3];

pub(crate) fn rgb(c: Rgb) -> Color {
    [
        f32::from(c.0) / 255.0,
        f32::from(c.1) / 255.0,
        f32::from(c.2) / 255.0,
    ]
}

const fn hex(v: u32) -> Color {
    [
        ((v >> 16) & 0xff) as f32 / 255.0,
        ((v >> 8) & 0xff) as f32 / 255.0,
        (v & 0xff) as f32 / 255.0,
    ]
}

/// The grey a colour prints as (the weights printers and Ghostscript use).
pub(crate) fn grey_level(c: Color) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

pub(crate) const INK: Color = hex(0x1d2430);
pub(crate) const MUTED: Color = hex(0x5b6573);
pub(crate) const FAINT: Color = hex(0x8a939e);
pub(crate) const RULE: Color = hex(0xc9ced6);
pub(crate) const ZEBRA: Color = hex(0xf3f5f8);
pub(crate) const PANEL: Color = hex(0xf1f3f6);
pub(crate) const WHITE: Color = [1.0, 1.0, 1.0];

/// A status box's fill and ink. The fills step down in grey level from Neutral (0.93) to
/// Critical (0.23), so the six tones stay apart on a black-and-white printout even before the
/// word in the box is read.
pub(crate) fn tone_fill(tone: Tone) -> (Color, Color) {
    match tone {
        Tone::Neutral => (hex(0xedeef0), INK),
        Tone::Good => (hex(0xc4e3cb), hex(0x14442a)),
        Tone::Info => (hex(0x9dbce0), hex(0x0f2c4d)),
        Tone::Warning => (hex(0xd9901f), hex(0x1f1300)),
        Tone::Serious => (hex(0xc4522a), WHITE),
        Tone::Critical => (hex(0x7a1f1f), WHITE),
    }
}

/// A tone as a chart draws it (bars, lines, tile strips): stronger than the badge fills.
pub(crate) fn tone_strong(tone: Tone) -> Color {
    match tone {
        Tone::Neutral => hex(0x9aa5b1),
        Tone::Good => hex(0x3d9a62),
        Tone::Info => hex(0x3c7dc4),
        Tone::Warning => hex(0xe3a13b),
        Tone::Serious => hex(0xd0623a),
        Tone::Critical => hex(0x9e2a2b),
    }
}

/// The word a callout leads with, so its tone reads without colour.
pub(crate) fn tone_word(tone: Tone) -> &'static str {
    match tone {
        Tone::Neutral => "Note",
        Tone::Good => "Good",
        Tone::Info => "Information",
        Tone::Warning => "Warning",
        Tone::Serious => "Serious",
        Tone::Critical => "Critical",
    }
}

/// One path segment; points in the page's top-down coordinates.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Seg {
    Move(f32, f32),
    Line(f32, f32),
    Curve(f32, f32, f32, f32, f32, f32),
    Close,
}

/// What a page draws. Coordinates are top-down; in a [`Strip`] y is relative to its top.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    /// Text with its baseline at `y`.
    Text {
        font: FontKind,
        size: f32,
        x: f32,
        y: f32,
        color: Color,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Color,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Color,
        dash: Option<[f32; 2]>,
    },
    Path {
        segs: Vec<Seg>,
        fill: Option<Color>,
        stroke: Option<(Color, f32)>,
        dash: Option<[f32; 2]>,
    },
    /// The branding logo, scaled into the box.
    Logo { x: f32, y: f32, w: f32, h: f32 },
}

impl Op {
    pub(crate) fn shifted(mut self, dy: f32) -> Op {
        let sh = |s: &mut Seg| match s {
            Seg::Move(_, y) | Seg::Line(_, y) => *y += dy,
            Seg::Curve(_, y1, _, y2, _, y3) => {
                *y1 += dy;
                *y2 += dy;
                *y3 += dy;
            }
            Seg::Close => {}
        };
        match &mut self {
            Op::Text { y, .. } | Op::Rect { y, .. } | Op::Logo { y, .. } => *y += dy,
            Op::Line { y1, y2, .. } => {
                *y1 += dy;
                *y2 += dy;
            }
            Op::Path { segs, .. } => segs.iter_mut().for_each(sh),
        }
        self
    }

    pub(crate) fn text(
        font: FontKind,
        size: f32,
        x: f32,
        y: f32,
        color: Color,
        text: impl Into<String>,
    ) -> Op {
        Op::Text {
            font,
            size,
            x,
            y,
            color,
            text: text.into(),
        }
    }

    pub(crate) fn rect(x: f32, y: f32, w: f32, h: f32, fill: Color) -> Op {
        Op::Rect { x, y, w, h, fill }
    }

    pub(crate) fn hline(x1: f32, x2: f32, y: f32, width: f32, color: Color) -> Op {
        Op::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            color,
            dash: None,
        }
    }
}

/// A rounded rectangle as a path.
pub(crate) fn round_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Vec<Seg> {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    let k = 0.552_284_8 * r;
    vec![
        Seg::Move(x + r, y),
        Seg::Line(x + w - r, y),
        Seg::Curve(x + w - r + k, y, x + w, y + r - k, x + w, y + r),
        Seg::Line(x + w, y + h - r),
        Seg::Curve(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h),
        Seg::Line(x + r, y + h),
        Seg::Curve(x + r - k, y + h, x, y + h - r + k, x, y + h - r),
        Seg::Line(x, y + r),
        Seg::Curve(x, y + r - k, x + r - k, y, x + r, y),
        Seg::Close,
    ]
}

/// What a bookmark or a table-of-contents entry points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    Section(usize),
    Heading(usize),
}

/// An atom of the flow: it is never split over two pages.
#[derive(Clone, Debug, Default)]
pub(crate) struct Strip {
    pub(crate) height: f32,
    pub(crate) ops: Vec<Op>,
    /// Moves to the next page with the strip after it rather than end a page (headings, a
    /// table's header, a paragraph's first line).
    pub(crate) keep_with_next: bool,
    pub(crate) anchor: Option<Anchor>,
    /// Links, y relative to the strip's top like its drawing.
    pub(crate) links: Vec<Link>,
}

impl Strip {
    pub(crate) fn new(height: f32, ops: Vec<Op>) -> Strip {
        Strip {
            height,
            ops,
            ..Strip::default()
        }
    }

    pub(crate) fn keep(mut self) -> Strip {
        self.keep_with_next = true;
        self
    }
}

/// A step of a section's flow.
#[derive(Clone, Debug)]
pub(crate) enum Item {
    Strip(Strip),
    /// Vertical space, dropped at the top of a page.
    Gap(f32),
    /// A table starts: its header strip is placed now and again at the top of every page the
    /// table runs onto.
    TableHeader(Strip),
    TableEnd,
}

/// A laid-out page: its drawing and the links on it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Page {
    pub(crate) ops: Vec<Op>,
    pub(crate) links: Vec<Link>,
}

/// A clickable area that jumps to a page (the table of contents).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Link {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) w: f32,
    pub(crate) h: f32,
    pub(crate) page: usize,
    pub(crate) top: f32,
}

/// Where an anchor landed: page index within the flow and its y.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Placed {
    pub(crate) anchor: Anchor,
    pub(crate) page: usize,
    pub(crate) y: f32,
}

/// Places items top to bottom, starting a page when the next strip does not fit.
pub(crate) struct Flow {
    pub(crate) pages: Vec<Page>,
    pub(crate) placed: Vec<Placed>,
    y: f32,
    header: Option<Strip>,
}

impl Flow {
    pub(crate) fn new() -> Flow {
        Flow {
            pages: vec![Page::default()],
            placed: Vec::new(),
            y: BODY_TOP,
            header: None,
        }
    }

    fn at_top(&self) -> bool {
        self.y <= BODY_TOP + 0.01
    }

    /// Starts a page, unless the current one is still empty.
    pub(crate) fn break_page(&mut self) {
        if !self.at_top() {
            self.pages.push(Page::default());
            self.y = BODY_TOP;
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = BODY_TOP;
        if let Some(header) = self.header.clone() {
            self.put(header);
        }
    }

    fn put(&mut self, strip: Strip) {
        let page = self.pages.len() - 1;
        if let Some(anchor) = strip.anchor {
            self.placed.push(Placed {
                anchor,
                page,
                y: self.y,
            });
        }
        let dy = self.y;
        if let Some(p) = self.pages.last_mut() {
            p.ops.extend(strip.ops.into_iter().map(|op| op.shifted(dy)));
            p.links.extend(strip.links.into_iter().map(|mut l| {
                l.y += dy;
                l
            }));
        }
        self.y += strip.height;
    }

    /// Lays out a run of items (one section).
    pub(crate) fn run(&mut self, items: Vec<Item>) {
        // Heights of what must travel with each strip: itself, plus the next strip (and any
        // gap before it) while strips ask to be kept with the next.
        let n = items.len();
        let mut need = vec![0.0f32; n];
        for i in (0..n).rev() {
            need[i] = match &items[i] {
                Item::Strip(s) | Item::TableHeader(s) => {
                    let mut h = s.height;
                    if s.keep_with_next {
                        let mut gap = 0.0;
                        for j in i + 1..n {
                            match &items[j] {
                                Item::Gap(g) => gap += g,
                                Item::Strip(_) | Item::TableHeader(_) => {
                                    h += gap + need[j];
                                    break;
                                }
                                Item::TableEnd => {}
                            }
                        }
                    }
                    // A chain longer than a page cannot be kept together: keep what fits.
                    h.min(BODY_H)
                }
                _ => 0.0,
            };
        }
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Item::Gap(g) => {
                    if !self.at_top() {
                        self.y += g;
                    }
                }
                Item::Strip(s) => {
                    if self.y + need[i] > BODY_BOTTOM + 0.01 && !self.at_top_of_table() {
                        self.new_page();
                    }
                    self.put(s);
                }
                Item::TableHeader(s) => {
                    if self.y + need[i] > BODY_BOTTOM + 0.01 && !self.at_top() {
                        self.break_page();
                    }
                    self.header = Some(s.clone());
                    self.put(s);
                }
                Item::TableEnd => self.header = None,
            }
        }
    }

    /// True at the top of a page, below a repeated table header: a strip placed here goes
    /// here whatever its height, or it would never be placed.
    fn at_top_of_table(&self) -> bool {
        let header = self.header.as_ref().map_or(0.0, |h| h.height);
        self.y <= BODY_TOP + header + 0.01
    }
}

/// Removes what a PDF cannot show or a reader would not expect (control and bidi-override
/// characters); a tab becomes a space. Line breaks go too: callers split on them first.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() => None,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            '\u{FEFF}' | '\u{00AD}' => None,
            c => Some(c),
        })
        .collect()
}

/// Wraps text to lines no wider than `width`: at spaces, and inside a word only when the word
/// alone is too wide. Hard line breaks in the text are kept; a blank text gives no lines.
pub(crate) fn wrap(
    fonts: &Fonts,
    font: FontKind,
    size: f32,
    text: &str,
    width: f32,
) -> Vec<String> {
    let f = fonts.get(font);
    let width = width.max(size);
    let space = f.width(" ", size);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let para = clean(para);
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let w = f.width(word, size);
            if !line.is_empty() && line_w + space + w <= width {
                line.push(' ');
                line.push_str(word);
                line_w += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            if w <= width {
                line.push_str(word);
                line_w = w;
            } else {
                for c in word.chars() {
                    let cw = f.width(c.encode_utf8(&mut [0; 4]), size);
                    if !line.is_empty() && line_w + cw > width {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// Fills lines character by character, ignoring word boundaries (hashes, ids).
pub(crate) fn wrap_anywhere(
    fonts: &Fonts,
    font: FontKind,
    size: f32,
    text: &str,
    width: f32,
) -> Vec<String> {
    let f = fonts.get(font);
    let width = width.max(size);
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let para = clean(para);
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for c in para.chars() {
            let cw = f.width(c.encode_utf8(&mut [0; 4]), size);
            if !line.is_empty() && line_w + cw > width {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(c);
            line_w += cw;
        }
        if !line.trim().is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// Shortens one line to `width`, ending it with "…" when it had to be cut.
pub(crate) fn fit(fonts: &Fonts, font: FontKind, size: f32, text: &str, width: f32) -> String {
    let text = clean(&text.replace('\n', " "));
    if fonts.width(font, &text, size) <= width {
        return text;
    }
    let ell = fonts.width(font, "…", size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = fonts.width(font, c.encode_utf8(&mut [0; 4]), size);
        if w + cw + ell > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tone_prints_as_a_different_grey() {
        let tones = [
            Tone::Neutral,
            Tone::Good,
            Tone::Info,
            Tone::Warning,
            Tone::Serious,
            Tone::Critical,
        ];
        let greys: Vec<f32> = tones.iter().map(|t| grey_level(tone_fill(*t).0)).collect();
        for pair in greys.windows(2) {
            assert!(
                pair[0] - pair[1] >= 0.08,
                "tones too close in grey: {greys:?}"
            );
        }
        // The ink on each fill stays readable: dark on light fills, white on dark ones.
        for t in tones {
            let (fill, ink) = tone_fill(t);
            assert!((grey_level(fill) - grey_level(ink)).abs() > 0.4, "{t:?}");
        }
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_inside_over_long_words() {
        let fonts = Fonts::load().expect("fonts");
        let lines = wrap(&fonts, FontKind::Sans, 10.0, "Müller & Söhne GmbH", 60.0);
        assert_eq!(lines, ["Müller &", "Söhne", "GmbH"]);
        let long = "x".repeat(200);
        let lines = wrap(&fonts, FontKind::Sans, 10.0, &long, 100.0);
        assert!(lines.len() > 5);
        assert!(lines
            .iter()
            .all(|l| fonts.width(FontKind::Sans, l, 10.0) <= 100.0));
        assert_eq!(lines.concat(), long);
        assert!(wrap(&fonts, FontKind::Sans, 10.0, " \u{0} \u{202e} ", 100.0).is_empty());
        assert_eq!(
            fit(&fonts, FontKind::Sans, 10.0, &long, 50.0)
                .chars()
                .last(),
            Some('…')
        );
    }
}
