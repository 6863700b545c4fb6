//! Sections and their blocks as strips: text, lists, facts, tiles, callouts and tables.

use super::charts;
use super::fonts::{FontKind, Fonts};
use super::layout::*;
use crate::doc::{Align, Block, CellStyle, Section, Stat, Step, Table};

pub(crate) const BODY_SIZE: f32 = 9.5;
pub(crate) const BODY_LEAD: f32 = 14.0;
const NOTE_SIZE: f32 = 8.5;
const NOTE_LEAD: f32 = 12.0;
const MONO_SIZE: f32 = 8.0;
const MONO_LEAD: f32 = 11.0;
const CELL_SIZE: f32 = 8.5;
const CELL_LEAD: f32 = 11.5;
const DETAIL_SIZE: f32 = 7.5;
const DETAIL_LEAD: f32 = 10.0;
const BLOCK_GAP: f32 = 10.0;

/// What the blocks of one document share while they are laid out.
pub(crate) struct Ctx<'a> {
    pub(crate) fonts: &'a Fonts,
    pub(crate) accent: Color,
    /// Ink on an accent fill: white, or dark when the accent is light.
    pub(crate) on_accent: Color,
    /// Numbers the headings across the whole document, for their bookmarks.
    pub(crate) headings: usize,
}

/// One section: its numbered title, then its blocks.
pub(crate) fn section(ctx: &mut Ctx<'_>, index: usize, sec: &Section) -> Vec<Item> {
    let mut items = Vec::new();
    let number = format!("{}", index + 1);
    let size = 17.0;
    let num_w = ctx.fonts.width(FontKind::Bold, &number, size) + 12.0;
    let lines = wrap(ctx.fonts, FontKind::Bold, size, &sec.title, BODY_W - num_w);
    let lines = if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    };
    let lead = 22.0;
    let mut ops = vec![Op::text(
        FontKind::Bold,
        size,
        MARGIN_X,
        size,
        ctx.accent,
        number,
    )];
    for (i, line) in lines.iter().enumerate() {
        ops.push(Op::text(
            FontKind::Bold,
            size,
            MARGIN_X + num_w,
            size + i as f32 * lead,
            INK,
            line.clone(),
        ));
    }
    let rule_y = size + (lines.len() - 1) as f32 * lead + 10.0;
    ops.push(Op::hline(
        MARGIN_X,
        MARGIN_X + BODY_W,
        rule_y,
        1.2,
        ctx.accent,
    ));
    let mut strip = Strip::new(rule_y + 14.0, ops).keep();
    strip.anchor = Some(Anchor::Section(index));
    items.push(Item::Strip(strip));
    for (i, block) in sec.blocks.iter().enumerate() {
        if i > 0 {
            let gap = match block {
                Block::Heading(_) => BLOCK_GAP + 8.0,
                _ => BLOCK_GAP,
            };
            items.push(Item::Gap(gap));
        }
        items.extend(self::block(ctx, block));
    }
    items
}

fn block(ctx: &mut Ctx<'_>, block: &Block) -> Vec<Item> {
    let fonts = ctx.fonts;
    match block {
        Block::Heading(text) => {
            let size = 11.5;
            let lines = wrap(fonts, FontKind::Bold, size, text, BODY_W);
            let lines = if lines.is_empty() {
                vec![String::new()]
            } else {
                lines
            };
            let ops = lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    Op::text(
                        FontKind::Bold,
                        size,
                        MARGIN_X,
                        size + i as f32 * 15.0,
                        ctx.accent,
                        l.clone(),
                    )
                })
                .collect();
            let mut strip = Strip::new(size + (lines.len() - 1) as f32 * 15.0 + 8.0, ops).keep();
            strip.anchor = Some(Anchor::Heading(ctx.headings));
            ctx.headings += 1;
            vec![Item::Strip(strip)]
        }
        Block::Paragraph(text) => lines_of(
            fonts,
            FontKind::Sans,
            BODY_SIZE,
            BODY_LEAD,
            INK,
            MARGIN_X,
            BODY_W,
            text,
        ),
        Block::Note(text) => lines_of(
            fonts,
            FontKind::Sans,
            NOTE_SIZE,
            NOTE_LEAD,
            MUTED,
            MARGIN_X,
            BODY_W,
            text,
        ),
        Block::Mono(text) => mono_box(fonts, MARGIN_X, BODY_W, text),
        Block::Bullets(items) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(Item::Gap(3.0));
                }
                out.extend(hanging(fonts, FontKind::Sans, "•", ctx.accent, 14.0, item));
            }
            out
        }
        Block::Steps(steps) => steps_of(ctx, steps),
        Block::Facts(facts) => facts_of(fonts, facts),
        Block::Stats(stats) => tiles(fonts, stats),
        Block::Callout { tone, text } => callout(fonts, *tone, text),
        Block::Table(table) => table_of(ctx, table),
        Block::Chart(chart) => charts::chart(ctx, chart),
    }
}

/// Wrapped text, one strip a line; the first line stays with the second so a paragraph never
/// leaves a single line at a page's foot.
#[allow(clippy::too_many_arguments)]
fn lines_of(
    fonts: &Fonts,
    font: FontKind,
    size: f32,
    lead: f32,
    color: Color,
    x: f32,
    width: f32,
    text: &str,
) -> Vec<Item> {
    let lines = wrap(fonts, font, size, text, width);
    let n = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let s = Strip::new(
                lead,
                vec![Op::text(
                    font,
                    size,
                    x,
                    lead - (lead - size) / 2.0 - 2.0,
                    color,
                    line,
                )],
            );
            Item::Strip(if i == 0 && n > 2 { s.keep() } else { s })
        })
        .collect()
}

/// A list item: a marker in the margin and the text wrapped beside it.
fn hanging(
    fonts: &Fonts,
    font: FontKind,
    marker: &str,
    marker_color: Color,
    indent: f32,
    text: &str,
) -> Vec<Item> {
    let mut items = lines_of(
        fonts,
        font,
        BODY_SIZE,
        BODY_LEAD,
        INK,
        MARGIN_X + indent,
        BODY_W - indent,
        text,
    );
    if items.is_empty() {
        items.push(Item::Strip(Strip::new(BODY_LEAD, Vec::new())));
    }
    if let Some(Item::Strip(first)) = items.first_mut() {
        let base = BODY_LEAD - (BODY_LEAD - BODY_SIZE) / 2.0 - 2.0;
        let marker_font = if marker == "•" {
            FontKind::Sans
        } else {
            FontKind::Bold
        };
        first.ops.push(Op::text(
            marker_font,
            BODY_SIZE,
            MARGIN_X + 2.0,
            base,
            marker_color,
            marker,
        ));
    }
    items
}

/// Monospaced text on a light panel, broken anywhere, one strip a line so a long text can run
/// over pages.
fn mono_box(fonts: &Fonts, x: f32, width: f32, text: &str) -> Vec<Item> {
    let pad = 6.0;
    let lines = wrap_anywhere(fonts, FontKind::Mono, MONO_SIZE, text, width - 2.0 * pad);
    let lines = if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    };
    let n = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let top = if i == 0 { pad } else { 0.0 };
            let bottom = if i + 1 == n { pad } else { 0.0 };
            let h = top + MONO_LEAD + bottom;
            let ops = vec![
                Op::rect(x, 0.0, width, h, PANEL),
                Op::rect(x, 0.0, 2.0, h, RULE),
                Op::text(FontKind::Mono, MONO_SIZE, x + pad, top + 8.5, INK, line),
            ];
            Item::Strip(Strip::new(h, ops))
        })
        .collect()
}

fn steps_of(ctx: &mut Ctx<'_>, steps: &[Step]) -> Vec<Item> {
    let mut out = Vec::new();
    let indent = 20.0;
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            out.push(Item::Gap(5.0));
        }
        let marker = format!("{}.", i + 1);
        let mut items = hanging(
            ctx.fonts,
            FontKind::Sans,
            &marker,
            ctx.accent,
            indent,
            &step.text,
        );
        if let Some(command) = &step.command {
            if let Some(Item::Strip(last)) = items.last_mut() {
                last.keep_with_next = true;
            }
            items.push(Item::Gap(3.0));
            items.extend(mono_box(
                ctx.fonts,
                MARGIN_X + indent,
                BODY_W - indent,
                command,
            ));
        }
        out.extend(items);
    }
    out
}

/// Label–value pairs: a grey label column, wrapped values, a hairline between rows.
fn facts_of(fonts: &Fonts, facts: &[(String, String)]) -> Vec<Item> {
    let label_w = (BODY_W * 0.32).min(170.0);
    facts
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let mut strip = fact_row(fonts, MARGIN_X, BODY_W, label_w, label, value, i == 0);
            if i == 0 && facts.len() > 1 {
                strip.keep_with_next = true;
            }
            Item::Strip(strip)
        })
        .collect()
}

/// One label–value row (shared with the cover).
pub(crate) fn fact_row(
    fonts: &Fonts,
    x: f32,
    width: f32,
    label_w: f32,
    label: &str,
    value: &str,
    first: bool,
) -> Strip {
    let size = 9.0;
    let lead = 13.0;
    let labels = wrap(fonts, FontKind::Bold, 8.0, label, label_w - 10.0);
    let values = wrap(fonts, FontKind::Sans, size, value, width - label_w);
    let n = labels.len().max(values.len()).max(1);
    let pad = 5.0;
    let h = (2.0 * pad + n as f32 * lead).min(BODY_H - 40.0);
    let mut ops = Vec::new();
    if first {
        ops.push(Op::hline(x, x + width, 0.0, 0.5, RULE));
    }
    let max_lines = ((h - 2.0 * pad) / lead).floor().max(1.0) as usize;
    for (i, l) in labels.into_iter().take(max_lines).enumerate() {
        ops.push(Op::text(
            FontKind::Bold,
            8.0,
            x,
            pad + 9.5 + i as f32 * lead,
            MUTED,
            l,
        ));
    }
    for (i, v) in values.into_iter().take(max_lines).enumerate() {
        ops.push(Op::text(
            FontKind::Sans,
            size,
            x + label_w,
            pad + 9.5 + i as f32 * lead,
            INK,
            v,
        ));
    }
    ops.push(Op::hline(x, x + width, h, 0.5, RULE));
    Strip::new(h, ops)
}

/// Big-number tiles, at most four to a row, one strip a row.
fn tiles(fonts: &Fonts, stats: &[Stat]) -> Vec<Item> {
    let per_row = stats.len().clamp(1, 4);
    let gap = 10.0;
    let w = (BODY_W - gap * (per_row as f32 - 1.0)) / per_row as f32;
    let pad = 10.0;
    let mut items = Vec::new();
    for (r, row) in stats.chunks(per_row).enumerate() {
        let mut ops = Vec::new();
        let y = 0.0;
        if r > 0 {
            items.push(Item::Gap(gap));
        }
        let mut cells = Vec::new();
        // Values line up across the row: every tile leaves room for the longest label.
        let (mut label_n, mut note_n) = (0usize, 0usize);
        for (i, stat) in row.iter().enumerate() {
            let x = MARGIN_X + i as f32 * (w + gap);
            let value_size = 22.0;
            let value = fit(
                fonts,
                FontKind::Bold,
                value_size,
                &stat.value,
                w - 2.0 * pad - 4.0,
            );
            let labels = wrap(fonts, FontKind::Bold, 8.0, &stat.label, w - 2.0 * pad - 4.0);
            let notes = wrap(fonts, FontKind::Sans, 7.5, &stat.note, w - 2.0 * pad - 4.0);
            let labels: Vec<_> = labels.into_iter().take(3).collect();
            let notes: Vec<_> = notes.into_iter().take(4).collect();
            label_n = label_n.max(labels.len());
            note_n = note_n.max(notes.len());
            cells.push((x, stat, value, labels, notes));
        }
        let row_h = pad + label_n as f32 * 10.5 + 28.0 + note_n as f32 * 10.0 + pad;
        for (x, stat, value, labels, notes) in cells {
            let bar = tone_strong(stat.tone);
            ops.push(Op::rect(x, y, w, row_h, PANEL));
            ops.push(Op::rect(x, y, 3.5, row_h, bar));
            let tx = x + pad + 3.0;
            let mut ty = y + pad + 7.0;
            for (i, l) in labels.into_iter().enumerate() {
                ops.push(Op::text(
                    FontKind::Bold,
                    8.0,
                    tx,
                    ty + i as f32 * 10.5,
                    MUTED,
                    l,
                ));
            }
            ty += label_n as f32 * 10.5 + 20.0;
            ops.push(Op::text(FontKind::Bold, 22.0, tx, ty, INK, value));
            ty += 14.0;
            for n in notes {
                ops.push(Op::text(FontKind::Sans, 7.5, tx, ty, MUTED, n));
                ty += 10.0;
            }
        }
        items.push(Item::Strip(Strip::new(row_h, ops)));
    }
    items
}

/// A tinted panel with a tone bar and the tone's word in bold before the text; one strip a
/// line so a long text can run over pages.
fn callout(fonts: &Fonts, tone: crate::doc::Tone, text: &str) -> Vec<Item> {
    let (fill, _) = tone_fill(tone);
    let bar = tone_strong(tone);
    let pad = 8.0;
    let inner = BODY_W - 2.0 * pad - 6.0;
    let word = format!("{}:", tone_word(tone));
    let word_w = fonts.width(FontKind::Bold, &word, BODY_SIZE) + 4.0;
    // The first line leaves room for the word; the rest use the full width.
    let mut lines = wrap(fonts, FontKind::Sans, BODY_SIZE, text, inner - word_w);
    if lines.len() > 1 {
        let rest = lines[1..].join(" ");
        let mut again = wrap(fonts, FontKind::Sans, BODY_SIZE, &rest, inner);
        lines.truncate(1);
        lines.append(&mut again);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    // A very light version of the tone's fill keeps body text readable on it.
    let tint = [
        1.0 - (1.0 - fill[0]) * 0.28,
        1.0 - (1.0 - fill[1]) * 0.28,
        1.0 - (1.0 - fill[2]) * 0.28,
    ];
    let n = lines.len();
    let x = MARGIN_X;
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let top = if i == 0 { pad } else { 0.0 };
            let bottom = if i + 1 == n { pad } else { 0.0 };
            let h = top + BODY_LEAD + bottom;
            let base = top + 10.0;
            let mut ops = vec![
                Op::rect(x, 0.0, BODY_W, h, tint),
                Op::rect(x, 0.0, 4.0, h, bar),
            ];
            let mut tx = x + pad + 6.0;
            if i == 0 {
                ops.push(Op::text(
                    FontKind::Bold,
                    BODY_SIZE,
                    tx,
                    base,
                    INK,
                    word.clone(),
                ));
                tx += word_w;
            }
            ops.push(Op::text(FontKind::Sans, BODY_SIZE, tx, base, INK, line));
            let s = Strip::new(h, ops);
            Item::Strip(if i == 0 && n > 1 { s.keep() } else { s })
        })
        .collect()
}

/// A table: header strip (repeated on each page), then one strip per row with its detail
/// lines; a row taller than a page is cut into page-sized pieces.
fn table_of(ctx: &mut Ctx<'_>, table: &Table) -> Vec<Item> {
    let fonts = ctx.fonts;
    if table.columns.is_empty() || table.rows.is_empty() {
        let text = if table.empty.trim().is_empty() {
            "No entries."
        } else {
            table.empty.as_str()
        };
        return callout_plain(fonts, text);
    }
    let total: f32 = table
        .columns
        .iter()
        .map(|c| sane_weight(c.weight))
        .sum::<f32>()
        .max(f32::EPSILON);
    let widths: Vec<f32> = table
        .columns
        .iter()
        .map(|c| BODY_W * sane_weight(c.weight) / total)
        .collect();
    let xs: Vec<f32> = widths
        .iter()
        .scan(MARGIN_X, |x, w| {
            let here = *x;
            *x += w;
            Some(here)
        })
        .collect();
    let pad = 5.0;

    // Header.
    let mut head_lines = Vec::new();
    for (col, w) in table.columns.iter().zip(&widths) {
        head_lines.push(wrap(fonts, FontKind::Bold, 8.0, &col.title, w - 2.0 * pad));
    }
    let head_n = head_lines
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(1)
        .clamp(1, 4);
    let head_h = 2.0 * pad + head_n as f32 * 10.5;
    let mut ops = vec![Op::rect(MARGIN_X, 0.0, BODY_W, head_h, ctx.accent)];
    for (c, lines) in head_lines.into_iter().enumerate() {
        let col = &table.columns[c];
        for (i, l) in lines.into_iter().take(head_n).enumerate() {
            let x = aligned(
                fonts,
                FontKind::Bold,
                8.0,
                &l,
                xs[c],
                widths[c],
                pad,
                col.align,
            );
            ops.push(Op::text(
                FontKind::Bold,
                8.0,
                x,
                pad + 8.0 + i as f32 * 10.5,
                ctx.on_accent,
                l,
            ));
        }
    }
    let mut items = vec![Item::TableHeader(Strip::new(head_h, ops).keep())];
    let max_h = BODY_H - head_h - 4.0;

    for (r, row) in table.rows.iter().enumerate() {
        let zebra = r % 2 == 1;
        // Each cell's lines; badges are one line, cut to the column.
        let mut cells: Vec<CellLines> = Vec::new();
        for (c, w) in widths.iter().enumerate() {
            let Some(cell) = row.cells.get(c) else {
                cells.push((Vec::new(), FontKind::Sans, CELL_SIZE, CELL_LEAD, None));
                continue;
            };
            let inner = w - 2.0 * pad;
            match cell.style {
                CellStyle::Plain => cells.push((
                    wrap(fonts, FontKind::Sans, CELL_SIZE, &cell.text, inner),
                    FontKind::Sans,
                    CELL_SIZE,
                    CELL_LEAD,
                    None,
                )),
                CellStyle::Mono => cells.push((
                    wrap_anywhere(fonts, FontKind::Mono, 7.5, &cell.text, inner),
                    FontKind::Mono,
                    7.5,
                    CELL_LEAD,
                    None,
                )),
                CellStyle::Badge(tone) => cells.push((
                    vec![fit(fonts, FontKind::Bold, 7.0, &cell.text, inner - 10.0)],
                    FontKind::Bold,
                    7.0,
                    CELL_LEAD,
                    Some(tone),
                )),
            }
        }
        let details: Vec<String> = row
            .detail
            .iter()
            .flat_map(|d| {
                wrap(
                    fonts,
                    FontKind::Sans,
                    DETAIL_SIZE,
                    d,
                    BODY_W - 2.0 * pad - 10.0,
                )
            })
            .collect();
        let cell_n = cells.iter().map(|c| c.0.len()).max().unwrap_or(0).max(1);
        let detail_h = if details.is_empty() {
            0.0
        } else {
            details.len() as f32 * DETAIL_LEAD + 2.0
        };
        let row_h = 2.0 * pad + cell_n as f32 * CELL_LEAD + detail_h;
        let bg = if zebra { Some(ZEBRA) } else { None };

        if row_h <= max_h {
            let mut ops = Vec::new();
            if let Some(bg) = bg {
                ops.push(Op::rect(MARGIN_X, 0.0, BODY_W, row_h, bg));
            }
            for (c, (lines, font, size, lead, badge)) in cells.iter().enumerate() {
                draw_cell(
                    &mut ops,
                    fonts,
                    lines,
                    0,
                    *font,
                    *size,
                    *lead,
                    *badge,
                    xs[c],
                    widths[c],
                    pad,
                    table.columns[c].align,
                );
            }
            let mut y = pad + cell_n as f32 * CELL_LEAD + 2.0;
            for d in &details {
                ops.push(Op::text(
                    FontKind::Sans,
                    DETAIL_SIZE,
                    MARGIN_X + pad + 10.0,
                    y + 7.5,
                    MUTED,
                    d.clone(),
                ));
                y += DETAIL_LEAD;
            }
            ops.push(Op::hline(MARGIN_X, MARGIN_X + BODY_W, row_h, 0.4, RULE));
            items.push(Item::Strip(Strip::new(row_h, ops)));
        } else {
            // Too tall for any page: cut the cells' lines (then the details) into pieces.
            let per = (((max_h - 2.0 * pad) / CELL_LEAD).floor() as usize).max(1);
            let mut from = 0;
            while from < cell_n {
                let to = (from + per).min(cell_n);
                let h = 2.0 * pad + (to - from) as f32 * CELL_LEAD;
                let mut ops = Vec::new();
                if let Some(bg) = bg {
                    ops.push(Op::rect(MARGIN_X, 0.0, BODY_W, h, bg));
                }
                for (c, (lines, font, size, lead, badge)) in cells.iter().enumerate() {
                    let part: Vec<String> =
                        lines.iter().skip(from).take(to - from).cloned().collect();
                    draw_cell(
                        &mut ops,
                        fonts,
                        &part,
                        0,
                        *font,
                        *size,
                        *lead,
                        *badge,
                        xs[c],
                        widths[c],
                        pad,
                        table.columns[c].align,
                    );
                }
                items.push(Item::Strip(Strip::new(h, ops)));
                from = to;
            }
            let per = (((max_h - 2.0 * pad) / DETAIL_LEAD).floor() as usize).max(1);
            for chunk in details.chunks(per) {
                let h = 2.0 * pad + chunk.len() as f32 * DETAIL_LEAD;
                let mut ops = Vec::new();
                if let Some(bg) = bg {
                    ops.push(Op::rect(MARGIN_X, 0.0, BODY_W, h, bg));
                }
                for (i, d) in chunk.iter().enumerate() {
                    ops.push(Op::text(
                        FontKind::Sans,
                        DETAIL_SIZE,
                        MARGIN_X + pad + 10.0,
                        pad + 7.5 + i as f32 * DETAIL_LEAD,
                        MUTED,
                        d.clone(),
                    ));
                }
                items.push(Item::Strip(Strip::new(h, ops)));
            }
            if let Some(Item::Strip(last)) = items.last_mut() {
                let h = last.height;
                last.ops
                    .push(Op::hline(MARGIN_X, MARGIN_X + BODY_W, h, 0.4, RULE));
            }
        }
    }
    items.push(Item::TableEnd);
    items
}

/// A cell's wrapped lines and how they are set: font, size, leading, and the tone when the
/// cell is a badge.
type CellLines = (Vec<String>, FontKind, f32, f32, Option<crate::doc::Tone>);

fn sane_weight(w: f32) -> f32 {
    if w.is_finite() && w > 0.0 {
        w.min(1000.0)
    } else {
        1.0
    }
}

#[allow(clippy::too_many_arguments)]
fn aligned(
    fonts: &Fonts,
    font: FontKind,
    size: f32,
    text: &str,
    x: f32,
    w: f32,
    pad: f32,
    align: Align,
) -> f32 {
    match align {
        Align::Left => x + pad,
        Align::Right => x + w - pad - fonts.width(font, text, size),
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_cell(
    ops: &mut Vec<Op>,
    fonts: &Fonts,
    lines: &[String],
    y0: usize,
    font: FontKind,
    size: f32,
    lead: f32,
    badge: Option<crate::doc::Tone>,
    x: f32,
    w: f32,
    pad: f32,
    align: Align,
) {
    let pad_top = 5.0;
    if let Some(tone) = badge {
        let Some(word) = lines.first() else { return };
        if word.is_empty() {
            return;
        }
        let (fill, ink) = tone_fill(tone);
        let tw = fonts.width(font, word, size);
        let bw = tw + 10.0;
        let bx = match align {
            Align::Left => x + pad,
            Align::Right => x + w - pad - bw,
        };
        // The lightest badge gets an outline so its box shows on a zebra row too.
        let stroke = (tone == crate::doc::Tone::Neutral).then_some((FAINT, 0.5));
        ops.push(Op::Path {
            segs: round_rect(bx, pad_top + 0.5, bw, 11.0, 2.5),
            fill: Some(fill),
            stroke,
            dash: None,
        });
        ops.push(Op::text(
            font,
            size,
            bx + 5.0,
            pad_top + 8.7,
            ink,
            word.clone(),
        ));
        return;
    }
    for (i, l) in lines.iter().enumerate() {
        let tx = aligned(fonts, font, size, l, x, w, pad, align);
        ops.push(Op::text(
            font,
            size,
            tx,
            pad_top + 8.5 + (y0 + i) as f32 * lead,
            INK,
            l.clone(),
        ));
    }
}

/// The text a table shows when it has no rows: a quiet panel.
fn callout_plain(fonts: &Fonts, text: &str) -> Vec<Item> {
    let lines = wrap(fonts, FontKind::Sans, BODY_SIZE, text, BODY_W - 20.0);
    let n = lines.len().max(1);
    let h = 16.0 + n as f32 * BODY_LEAD;
    let mut ops = vec![Op::rect(MARGIN_X, 0.0, BODY_W, h, PANEL)];
    for (i, l) in lines.into_iter().enumerate() {
        ops.push(Op::text(
            FontKind::Sans,
            BODY_SIZE,
            MARGIN_X + 10.0,
            18.0 + i as f32 * BODY_LEAD,
            MUTED,
            l,
        ));
    }
    if h > BODY_H {
        return lines_of(
            fonts,
            FontKind::Sans,
            BODY_SIZE,
            BODY_LEAD,
            MUTED,
            MARGIN_X,
            BODY_W,
            text,
        );
    }
    vec![Item::Strip(Strip::new(h, ops))]
}
