//! Charts as vector drawing with real text: bars, lines over points, and a score ring.
//!
//! A chart never relies on colour alone: bars carry their label and value, lines differ in
//! dash pattern and marker as well as colour, and the score is written in the ring.

use super::blocks::Ctx;
use super::fonts::FontKind;
use super::layout::*;
use crate::doc::{Bar, Chart, Series};
use std::f32::consts::PI;

pub(crate) fn chart(ctx: &Ctx<'_>, chart: &Chart) -> Vec<Item> {
    match chart {
        Chart::Bars {
            title,
            bars,
            max,
            unit,
        } => bars_of(ctx, title, bars, *max, unit),
        Chart::Lines {
            title,
            x_labels,
            series,
            y_max,
            unit,
        } => vec![Item::Strip(lines_of(
            ctx, title, x_labels, series, *y_max, unit,
        ))],
        Chart::Score {
            label,
            value,
            previous,
        } => vec![Item::Strip(score(ctx, label, *value, *previous))],
    }
}

/// A number as a chart writes it: whole numbers without decimals, others with one.
pub(crate) fn number(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    if (v - v.round()).abs() < 0.05 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn title_strip(ctx: &Ctx<'_>, title: &str) -> Option<Strip> {
    let lines = wrap(ctx.fonts, FontKind::Bold, 9.5, title, BODY_W);
    if lines.is_empty() {
        return None;
    }
    let ops = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Op::text(
                FontKind::Bold,
                9.5,
                MARGIN_X,
                10.0 + i as f32 * 13.0,
                INK,
                l.clone(),
            )
        })
        .collect();
    Some(Strip::new(lines.len() as f32 * 13.0 + 6.0, ops).keep())
}

fn bars_of(ctx: &Ctx<'_>, title: &str, bars: &[Bar], max: Option<f64>, unit: &str) -> Vec<Item> {
    let fonts = ctx.fonts;
    let mut items = Vec::new();
    if let Some(t) = title_strip(ctx, title) {
        items.push(Item::Strip(t));
    }
    let size = 8.5;
    let widest = bars
        .iter()
        .map(|b| fonts.width(FontKind::Sans, &clean(&b.label), size))
        .fold(0.0f32, f32::max);
    let label_w = (widest + 12.0).clamp(60.0, BODY_W * 0.38);
    let value_w = bars
        .iter()
        .map(|b| {
            fonts.width(
                FontKind::Bold,
                &format!("{}{}", number(b.value), clean(unit)),
                size,
            )
        })
        .fold(24.0f32, f32::max)
        .min(BODY_W * 0.25)
        + 10.0;
    let track_x = MARGIN_X + label_w;
    let track_w = (BODY_W - label_w - value_w).max(20.0);
    let top = max
        .filter(|m| m.is_finite() && *m > 0.0)
        .unwrap_or_else(|| {
            bars.iter()
                .map(|b| b.value)
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max)
        });
    let row_h = 19.0;
    let n = bars.len();
    for (i, bar) in bars.iter().enumerate() {
        let label = fit(fonts, FontKind::Sans, size, &bar.label, label_w - 10.0);
        let frac = if top > 0.0 && bar.value.is_finite() {
            (bar.value / top).clamp(0.0, 1.0) as f32
        } else {
            0.0
        };
        let bh = 10.0;
        let by = (row_h - bh) / 2.0;
        let color = tone_strong(bar.tone);
        let mut ops = vec![
            Op::text(FontKind::Sans, size, MARGIN_X, by + 8.0, INK, label),
            Op::rect(track_x, by, track_w, bh, PANEL),
        ];
        if frac > 0.0 {
            ops.push(Op::rect(track_x, by, (track_w * frac).max(1.0), bh, color));
        }
        let vx = track_x + track_w * frac + 6.0;
        let value = fit(
            fonts,
            FontKind::Bold,
            size,
            &format!("{}{}", number(bar.value), clean(unit)),
            MARGIN_X + BODY_W - vx,
        );
        ops.push(Op::text(FontKind::Bold, size, vx, by + 8.0, INK, value));
        let s = Strip::new(row_h, ops);
        // Keep a short chart in one piece; a long one may break between bars.
        let keep = n <= 12 && i + 1 < n;
        items.push(Item::Strip(if keep { s.keep() } else { s }));
    }
    if bars.is_empty() {
        items.push(Item::Strip(Strip::new(
            16.0,
            vec![Op::text(
                FontKind::Sans,
                8.5,
                MARGIN_X,
                11.0,
                MUTED,
                "No data.",
            )],
        )));
    }
    items
}

/// Rounds up to 1, 2, 2.5 or 5 times a power of ten, so gridlines fall on round numbers.
fn nice_ceiling(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= m * p + 1e-9 {
            return m * p;
        }
    }
    10.0 * p
}

const DASHES: [Option<[f32; 2]>; 4] = [None, Some([5.0, 2.5]), Some([1.5, 2.0]), Some([8.0, 3.0])];

fn lines_of(
    ctx: &Ctx<'_>,
    title: &str,
    x_labels: &[String],
    series: &[Series],
    y_max: Option<f64>,
    unit: &str,
) -> Strip {
    let fonts = ctx.fonts;
    let unit = clean(unit);
    let mut ops = Vec::new();
    let mut y = 0.0;
    for l in wrap(fonts, FontKind::Bold, 9.5, title, BODY_W)
        .into_iter()
        .take(3)
    {
        ops.push(Op::text(FontKind::Bold, 9.5, MARGIN_X, y + 10.0, INK, l));
        y += 13.0;
    }
    y += 8.0;
    let data_max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let top = nice_ceiling(
        y_max
            .filter(|m| m.is_finite() && *m > 0.0)
            .unwrap_or(data_max),
    );
    let axis_w = [0.0, top]
        .iter()
        .map(|v| fonts.width(FontKind::Sans, &format!("{}{}", number(*v), unit), 7.0))
        .fold(0.0f32, f32::max)
        .min(BODY_W * 0.25)
        + 8.0;
    let px = MARGIN_X + axis_w;
    let pw = BODY_W - axis_w - 8.0;
    let ph = 140.0;
    let py = y;
    // Gridlines and y labels.
    for i in 0..=4 {
        let v = top * f64::from(i) / 4.0;
        let gy = py + ph - ph * i as f32 / 4.0;
        ops.push(Op::hline(
            px,
            px + pw,
            gy,
            if i == 0 { 0.8 } else { 0.4 },
            if i == 0 { MUTED } else { RULE },
        ));
        let label = fit(
            fonts,
            FontKind::Sans,
            7.0,
            &format!("{}{}", number(v), unit),
            axis_w - 8.0,
        );
        let lw = fonts.width(FontKind::Sans, &label, 7.0);
        ops.push(Op::text(
            FontKind::Sans,
            7.0,
            px - 6.0 - lw,
            gy + 2.5,
            MUTED,
            label,
        ));
    }
    let n = x_labels
        .len()
        .max(series.iter().map(|s| s.values.len()).max().unwrap_or(0));
    let x_at = |i: usize| -> f32 {
        if n <= 1 {
            px + pw / 2.0
        } else {
            px + 10.0 + (pw - 20.0) * i as f32 / (n - 1) as f32
        }
    };
    // X labels, thinned out so they never overlap.
    if n > 0 {
        let widest = x_labels
            .iter()
            .map(|l| fonts.width(FontKind::Sans, &clean(l), 7.0))
            .fold(0.0f32, f32::max)
            .min(pw);
        let slot = if n <= 1 {
            pw
        } else {
            (pw - 20.0) / (n - 1) as f32
        };
        let step = ((widest + 6.0) / slot.max(1.0)).ceil().max(1.0) as usize;
        for (i, l) in x_labels.iter().enumerate() {
            if i % step != 0 {
                continue;
            }
            let l = fit(
                fonts,
                FontKind::Sans,
                7.0,
                l,
                (slot * step as f32).max(20.0),
            );
            let lw = fonts.width(FontKind::Sans, &l, 7.0);
            let x = (x_at(i) - lw / 2.0).clamp(MARGIN_X, MARGIN_X + BODY_W - lw);
            ops.push(Op::text(FontKind::Sans, 7.0, x, py + ph + 11.0, MUTED, l));
        }
    }
    let y_at = |v: f64| -> f32 { py + ph - ph * (v / top).clamp(0.0, 1.0) as f32 };
    // Series: a polyline broken at gaps, markers on points.
    for (si, s) in series.iter().enumerate() {
        let color = tone_strong(s.tone);
        let dash = DASHES[si % DASHES.len()];
        let mut segs = Vec::new();
        let mut pen = false;
        for (i, v) in s.values.iter().enumerate() {
            match v.filter(|v| v.is_finite()) {
                Some(v) => {
                    let (x, yv) = (x_at(i), y_at(v));
                    segs.push(if pen {
                        Seg::Line(x, yv)
                    } else {
                        Seg::Move(x, yv)
                    });
                    pen = true;
                }
                None => pen = false,
            }
        }
        if segs.iter().filter(|s| matches!(s, Seg::Line(..))).count() > 0 {
            ops.push(Op::Path {
                segs,
                fill: None,
                stroke: Some((color, 1.6)),
                dash,
            });
        }
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                ops.push(marker(si, x_at(i), y_at(v), color));
            }
        }
    }
    // Legend.
    let mut ly = py + ph + 26.0;
    let mut lx = px;
    for (si, s) in series.iter().enumerate() {
        let name = fit(fonts, FontKind::Sans, 7.5, &s.name, BODY_W / 2.0);
        let w = 30.0 + fonts.width(FontKind::Sans, &name, 7.5) + 14.0;
        if lx + w > MARGIN_X + BODY_W && lx > px {
            lx = px;
            ly += 12.0;
        }
        let color = tone_strong(s.tone);
        ops.push(Op::Line {
            x1: lx,
            y1: ly - 2.5,
            x2: lx + 22.0,
            y2: ly - 2.5,
            width: 1.6,
            color,
            dash: DASHES[si % DASHES.len()],
        });
        ops.push(marker(si, lx + 11.0, ly - 2.5, color));
        ops.push(Op::text(FontKind::Sans, 7.5, lx + 28.0, ly, INK, name));
        lx += w;
        if ly > BODY_H - 20.0 {
            break;
        }
    }
    let h = if series.is_empty() {
        py + ph + 16.0
    } else {
        ly + 8.0
    };
    Strip::new(h.min(BODY_H), ops)
}

/// A point marker: circle, square, diamond or triangle by series, so lines differ in print.
fn marker(series: usize, x: f32, y: f32, color: Color) -> Op {
    let r = 2.6;
    let segs = match series % 4 {
        0 => circle(x, y, r),
        1 => vec![
            Seg::Move(x - r, y - r),
            Seg::Line(x + r, y - r),
            Seg::Line(x + r, y + r),
            Seg::Line(x - r, y + r),
            Seg::Close,
        ],
        2 => vec![
            Seg::Move(x, y - r * 1.3),
            Seg::Line(x + r * 1.3, y),
            Seg::Line(x, y + r * 1.3),
            Seg::Line(x - r * 1.3, y),
            Seg::Close,
        ],
        _ => vec![
            Seg::Move(x, y - r * 1.3),
            Seg::Line(x + r * 1.2, y + r),
            Seg::Line(x - r * 1.2, y + r),
            Seg::Close,
        ],
    };
    Op::Path {
        segs,
        fill: Some(color),
        stroke: Some((WHITE, 0.6)),
        dash: None,
    }
}

/// A point on a circle, the angle clockwise from twelve o'clock.
fn on_circle(cx: f32, cy: f32, r: f32, a: f32) -> (f32, f32) {
    (cx + r * a.sin(), cy - r * a.cos())
}

/// An arc from `a0` to `a1` (either direction) as Bézier curves of at most a quarter turn.
fn arc(segs: &mut Vec<Seg>, cx: f32, cy: f32, r: f32, a0: f32, a1: f32) {
    let parts = ((a1 - a0).abs() / (PI / 2.0)).ceil().max(1.0) as usize;
    let step = (a1 - a0) / parts as f32;
    for i in 0..parts {
        let s = a0 + step * i as f32;
        let e = s + step;
        let k = 4.0 / 3.0 * (step / 4.0).tan() * r;
        let (x0, y0) = on_circle(cx, cy, r, s);
        let (x3, y3) = on_circle(cx, cy, r, e);
        segs.push(Seg::Curve(
            x0 + k * s.cos(),
            y0 + k * s.sin(),
            x3 - k * e.cos(),
            y3 - k * e.sin(),
            x3,
            y3,
        ));
    }
}

fn circle(cx: f32, cy: f32, r: f32) -> Vec<Seg> {
    let mut segs = vec![Seg::Move(cx, cy - r)];
    arc(&mut segs, cx, cy, r, 0.0, 2.0 * PI);
    segs.push(Seg::Close);
    segs
}

/// The ring between two radii from `a0` to `a1`: outer arc forwards, inner arc back.
fn ring(cx: f32, cy: f32, r_out: f32, r_in: f32, a0: f32, a1: f32) -> Vec<Seg> {
    let (x, y) = on_circle(cx, cy, r_out, a0);
    let mut segs = vec![Seg::Move(x, y)];
    arc(&mut segs, cx, cy, r_out, a0, a1);
    let (x, y) = on_circle(cx, cy, r_in, a1);
    segs.push(Seg::Line(x, y));
    arc(&mut segs, cx, cy, r_in, a1, a0);
    segs.push(Seg::Close);
    segs
}

fn score(ctx: &Ctx<'_>, label: &str, value: Option<f64>, previous: Option<f64>) -> Strip {
    let fonts = ctx.fonts;
    let r = 40.0;
    let thick = 10.0;
    let cx = MARGIN_X + r + 4.0;
    let cy = r + 6.0;
    let value = value.filter(|v| v.is_finite()).map(|v| v.clamp(0.0, 100.0));
    let previous = previous.filter(|v| v.is_finite());
    let mut ops = vec![Op::Path {
        segs: ring(cx, cy, r, r - thick, 0.0, 2.0 * PI - 0.0001),
        fill: Some(PANEL),
        stroke: Some((RULE, 0.5)),
        dash: None,
    }];
    if let Some(v) = value {
        if v > 0.0 {
            let a = (v / 100.0) as f32 * 2.0 * PI;
            ops.push(Op::Path {
                segs: ring(cx, cy, r, r - thick, 0.0, a.min(2.0 * PI - 0.0001)),
                fill: Some(ctx.accent),
                stroke: None,
                dash: None,
            });
        }
    }
    let big = value.map(number).unwrap_or_else(|| "–".to_string());
    let bw = fonts.width(FontKind::Bold, &big, 20.0);
    ops.push(Op::text(
        FontKind::Bold,
        20.0,
        cx - bw / 2.0,
        cy + 5.0,
        INK,
        big,
    ));
    let of = "of 100";
    let ow = fonts.width(FontKind::Sans, of, 7.0);
    ops.push(Op::text(
        FontKind::Sans,
        7.0,
        cx - ow / 2.0,
        cy + 15.0,
        MUTED,
        of,
    ));

    let tx = cx + r + 22.0;
    let tw = MARGIN_X + BODY_W - tx;
    let mut ty = cy - 14.0;
    for l in wrap(fonts, FontKind::Bold, 12.0, label, tw)
        .into_iter()
        .take(2)
    {
        ops.push(Op::text(FontKind::Bold, 12.0, tx, ty, INK, l));
        ty += 15.0;
    }
    let delta = match (value, previous) {
        (Some(v), Some(p)) => {
            let d = v - p;
            if d.abs() < 0.05 {
                "No change since last pack".to_string()
            } else if d > 0.0 {
                format!("+{} since last pack", number(d))
            } else {
                format!("−{} since last pack", number(-d))
            }
        }
        (Some(_), None) => "No earlier pack to compare with".to_string(),
        (None, _) => "Not scored: too little data".to_string(),
    };
    ty += 2.0;
    ops.push(Op::text(FontKind::Sans, 9.0, tx, ty, MUTED, delta));
    Strip::new(2.0 * r + 14.0, ops)
}
