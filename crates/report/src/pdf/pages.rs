//! The pages around the sections: the cover, the table of contents, and every later page's
//! running header and footer.

use super::blocks::{fact_row, Ctx};
use super::fonts::{FontKind, Fonts};
use super::layout::*;
use crate::doc::Document;

/// One line of the table of contents.
pub(crate) struct TocEntry {
    pub(crate) level: u8,
    pub(crate) number: String,
    pub(crate) title: String,
    /// Page index in the finished document (0 is the cover).
    pub(crate) page: usize,
    pub(crate) top: f32,
}

pub(crate) fn cover(ctx: &Ctx<'_>, doc: &Document) -> Page {
    let fonts = ctx.fonts;
    let accent = ctx.accent;
    let cover = &doc.cover;
    let mut ops = vec![Op::rect(0.0, 0.0, PAGE_W, 12.0, accent)];
    let mut y = 64.0;
    if let Some(logo) = &doc.branding.logo {
        if logo.width > 0 && logo.height > 0 {
            let (max_w, max_h) = (170.0f32, 60.0f32);
            let ratio = logo.width as f32 / logo.height as f32;
            let (w, h) = if ratio > max_w / max_h {
                (max_w, max_w / ratio)
            } else {
                (max_h * ratio, max_h)
            };
            ops.push(Op::Logo {
                x: MARGIN_X,
                y,
                w,
                h,
            });
            y += h + 22.0;
        }
    } else {
        y += 10.0;
    }
    for l in wrap(fonts, FontKind::Bold, 12.0, &doc.branding.msp_name, BODY_W)
        .into_iter()
        .take(2)
    {
        ops.push(Op::text(FontKind::Bold, 12.0, MARGIN_X, y, MUTED, l));
        y += 16.0;
    }

    // Title block, from a fixed line so covers look alike whatever the logo.
    let mut y = y.max(270.0);
    for l in wrap(fonts, FontKind::Bold, 13.0, &cover.title, BODY_W)
        .into_iter()
        .take(2)
    {
        ops.push(Op::text(FontKind::Bold, 13.0, MARGIN_X, y, accent, l));
        y += 18.0;
    }
    y += 26.0;
    let customer = wrap(fonts, FontKind::Bold, 30.0, &cover.customer, BODY_W);
    for l in customer.into_iter().take(4) {
        ops.push(Op::text(FontKind::Bold, 30.0, MARGIN_X, y, INK, l));
        y += 37.0;
    }
    y -= 6.0;
    for l in wrap(fonts, FontKind::Sans, 12.0, &cover.period, BODY_W)
        .into_iter()
        .take(2)
    {
        ops.push(Op::text(FontKind::Sans, 12.0, MARGIN_X, y, MUTED, l));
        y += 17.0;
    }
    y += 6.0;
    ops.push(Op::rect(MARGIN_X, y, 72.0, 3.5, accent));

    // Facts at the foot of the page, as many as fit.
    let mut y = (y + 60.0).max(560.0);
    let label_w = 150.0;
    for (i, (label, value)) in cover.facts.iter().enumerate() {
        let strip = fact_row(fonts, MARGIN_X, BODY_W, label_w, label, value, i == 0);
        if y + strip.height > 775.0 {
            break;
        }
        ops.extend(strip.ops.into_iter().map(|op| op.shifted(y)));
        y += strip.height;
    }
    ops.push(Op::hline(MARGIN_X, MARGIN_X + BODY_W, 792.0, 0.5, RULE));
    let footer = fit(fonts, FontKind::Sans, 7.5, &doc.branding.footer, BODY_W);
    ops.push(Op::text(
        FontKind::Sans,
        7.5,
        MARGIN_X,
        806.0,
        FAINT,
        footer,
    ));
    Page {
        ops,
        links: Vec::new(),
    }
}

/// The table of contents as pages, with dot leaders and a link on each line.
pub(crate) fn toc(ctx: &Ctx<'_>, entries: &[TocEntry]) -> Vec<Page> {
    let fonts = ctx.fonts;
    let mut items = Vec::new();
    let title_ops = vec![
        Op::text(FontKind::Bold, 17.0, MARGIN_X, 17.0, INK, "Contents"),
        Op::hline(MARGIN_X, MARGIN_X + BODY_W, 27.0, 1.2, ctx.accent),
    ];
    items.push(Item::Strip(Strip::new(44.0, title_ops).keep()));
    let num_col = 40.0;
    let page_col = 30.0;
    for (i, e) in entries.iter().enumerate() {
        let (font, size, lead, color, indent) = if e.level == 0 {
            (FontKind::Bold, 10.5, 15.0, INK, 0.0)
        } else {
            (FontKind::Sans, 9.0, 13.0, MUTED, num_col)
        };
        if e.level == 0 && i > 0 {
            items.push(Item::Gap(7.0));
        }
        let x = MARGIN_X + indent;
        let text_x = if e.level == 0 { x + 24.0 } else { x };
        let width = MARGIN_X + BODY_W - page_col - text_x - 20.0;
        let lines = wrap(fonts, font, size, &e.title, width);
        let lines = if lines.is_empty() {
            vec![String::new()]
        } else {
            lines
        };
        let n = lines.len();
        let h = n as f32 * lead + 2.0;
        let base = size + 1.0;
        let mut ops = Vec::new();
        if e.level == 0 {
            ops.push(Op::text(
                FontKind::Bold,
                size,
                x,
                base,
                ctx.accent,
                e.number.clone(),
            ));
        }
        let last_w = fonts.width(font, &lines[n - 1], size);
        for (j, l) in lines.into_iter().enumerate() {
            ops.push(Op::text(
                font,
                size,
                text_x,
                base + j as f32 * lead,
                color,
                l,
            ));
        }
        // Page number, right-aligned, and dots leading to it on the last line.
        let num = format!("{}", e.page + 1);
        let num_w = fonts.width(font, &num, size);
        let num_x = MARGIN_X + BODY_W - num_w;
        let last_y = base + (n - 1) as f32 * lead;
        ops.push(Op::text(font, size, num_x, last_y, color, num));
        let dot_w = fonts.width(FontKind::Sans, ".", size).max(0.5);
        let from = text_x + last_w + 6.0;
        let to = MARGIN_X + BODY_W - page_col + 4.0;
        if to > from {
            let count = ((to - from) / dot_w).floor() as usize;
            let dots = ".".repeat(count);
            let dx = to - count as f32 * dot_w;
            ops.push(Op::text(FontKind::Sans, size, dx, last_y, FAINT, dots));
        }
        let mut strip = Strip::new(h, ops);
        strip.links.push(Link {
            x: MARGIN_X,
            y: 0.0,
            w: BODY_W,
            h,
            page: e.page,
            top: e.top,
        });
        items.push(Item::Strip(strip));
    }
    let mut flow = Flow::new();
    flow.run(items);
    flow.pages
}

/// Adds the running header (MSP, document title) and footer (branding text, page number).
pub(crate) fn decorate(
    fonts: &Fonts,
    doc: &Document,
    page: &mut Page,
    number: usize,
    total: usize,
) {
    let size = 7.5;
    let half = BODY_W / 2.0 - 10.0;
    let msp = fit(fonts, FontKind::Bold, size, &doc.branding.msp_name, half);
    let title = fit(fonts, FontKind::Sans, size, &doc.meta.title, half);
    let tw = fonts.width(FontKind::Sans, &title, size);
    let mut ops = vec![
        Op::text(FontKind::Bold, size, MARGIN_X, 46.0, MUTED, msp),
        Op::text(
            FontKind::Sans,
            size,
            MARGIN_X + BODY_W - tw,
            46.0,
            MUTED,
            title,
        ),
        Op::hline(MARGIN_X, MARGIN_X + BODY_W, 54.0, 0.5, RULE),
        Op::hline(MARGIN_X, MARGIN_X + BODY_W, 792.0, 0.5, RULE),
    ];
    let num = format!("Page {number} of {total}");
    let nw = fonts.width(FontKind::Sans, &num, size);
    let footer = fit(
        fonts,
        FontKind::Sans,
        7.0,
        &doc.branding.footer,
        BODY_W - nw - 24.0,
    );
    ops.push(Op::text(
        FontKind::Sans,
        7.0,
        MARGIN_X,
        806.0,
        FAINT,
        footer,
    ));
    ops.push(Op::text(
        FontKind::Sans,
        size,
        MARGIN_X + BODY_W - nw,
        806.0,
        MUTED,
        num,
    ));
    page.ops.extend(ops);
}
