//! Laid-out pages to PDF/A-2b bytes.
//!
//! Objects are numbered in a fixed order and every stream is compressed with the same
//! settings, so the same pages give the same bytes; the trailer's `/ID` is a hash of what the
//! file shows, not a random number. Fonts are embedded as subset CID fonts (`Identity-H`) with a
//! `ToUnicode` map, which is what lets `pdftotext` return "Müller & Söhne" exactly.

use super::fonts::{Font, FontKind, Fonts};
use super::layout::{Op, Page, Seg, PAGE_H, PAGE_W};
use super::PdfError;
use crate::doc::{Logo, Meta};
use pdf_writer::types::{
    ActionType, AnnotationFlags, AnnotationType, CidFontType, FontFlags, OutputIntentSubtype,
    PageMode, SystemInfo,
};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;
use time::OffsetDateTime;

static SRGB_ICC: &[u8] = include_bytes!("../../assets/icc/sRGB.icc");

/// What the application that made the file calls itself in the metadata.
pub(crate) const PRODUCER: &str = "TenantAtlas report typesetter (pdf-writer)";

/// A bookmark and the bookmarks under it.
pub(crate) struct OutlineEntry {
    pub(crate) title: String,
    pub(crate) page: usize,
    pub(crate) top: f32,
    pub(crate) children: Vec<OutlineEntry>,
}

/// Glyphs used per font, numbered in the order they are first drawn.
struct Used {
    remapper: GlyphRemapper,
    /// New glyph id → the character it shows, for `ToUnicode`.
    unicode: BTreeMap<u16, char>,
    /// New glyph id → advance in thousandths of an em.
    widths: BTreeMap<u16, f32>,
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Flips top-down layout coordinates into PDF's bottom-up ones.
fn py(y: f32) -> f32 {
    PAGE_H - y
}

pub(crate) fn write(
    meta: &Meta,
    fonts: &Fonts,
    logo: Option<&Logo>,
    pages: &[Page],
    outline: &[OutlineEntry],
) -> Result<Vec<u8>, PdfError> {
    let mut used: Vec<Used> = FontKind::ALL
        .iter()
        .map(|_| Used {
            remapper: GlyphRemapper::new(),
            unicode: BTreeMap::new(),
            widths: BTreeMap::new(),
        })
        .collect();
    let mut hasher = Sha256::new();

    // Content streams first: they decide which glyphs each subset holds.
    let contents: Vec<Vec<u8>> = pages.iter().map(|p| content(fonts, &mut used, p)).collect();
    for c in &contents {
        hasher.update(c);
    }

    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog_id = alloc();
    let tree_id = alloc();
    let info_id = alloc();
    let xmp_id = alloc();
    let icc_id = alloc();
    let outline_id = alloc();
    let logo_id = alloc();
    let font_ids: Vec<[Ref; 5]> = FontKind::ALL
        .iter()
        .map(|_| [alloc(), alloc(), alloc(), alloc(), alloc()])
        .collect();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc())).collect();
    let link_ids: Vec<Vec<Ref>> = pages
        .iter()
        .map(|p| p.links.iter().map(|_| alloc()).collect())
        .collect();

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);

    // Fonts: Type0 → CIDFontType2 → descriptor → subset TrueType, and ToUnicode.
    for (kind, ids) in FontKind::ALL.iter().zip(&font_ids) {
        let font = fonts.get(*kind);
        let u = &used[kind.index()];
        let subset = subsetter::subset(font.data, 0, &u.remapper)
            .map_err(|e| PdfError::Subset(font.name, format!("{e:?}")))?;
        hasher.update(&subset);
        let tag = subset_tag(&subset);
        let base = format!("{tag}+{}", font.name);
        write_font(&mut pdf, font, u, ids, base.as_bytes(), &subset);
    }

    // Pages.
    let page_refs: Vec<Ref> = page_ids.iter().map(|p| p.0).collect();
    pdf.pages(tree_id)
        .kids(page_refs.iter().copied())
        .count(pages.len() as i32);
    for (i, page) in pages.iter().enumerate() {
        let (page_id, content_id) = page_ids[i];
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(tree_id);
        p.contents(content_id);
        if !link_ids[i].is_empty() {
            p.annotations(link_ids[i].iter().copied());
        }
        let mut res = p.resources();
        {
            let mut f = res.fonts();
            for (kind, ids) in FontKind::ALL.iter().zip(&font_ids) {
                f.pair(Name(font_res(*kind)), ids[0]);
            }
        }
        if logo.is_some() {
            res.x_objects().pair(Name(b"Logo"), logo_id);
        }
        res.finish();
        p.finish();
        pdf.stream(content_id, &deflate(&contents[i]))
            .filter(Filter::FlateDecode);
        for (link, id) in page.links.iter().zip(&link_ids[i]) {
            let target = page_refs.get(link.page).copied().unwrap_or(page_id);
            let mut a = pdf.annotation(*id);
            a.subtype(AnnotationType::Link);
            a.rect(Rect::new(
                link.x,
                py(link.y + link.h),
                link.x + link.w,
                py(link.y),
            ));
            a.flags(AnnotationFlags::PRINT);
            a.border(0.0, 0.0, 0.0, None);
            a.action()
                .action_type(ActionType::GoTo)
                .destination()
                .page(target)
                .xyz(0.0, py(link.top) + 12.0, None);
        }
    }

    if let Some(logo) = logo {
        let data = deflate(&logo.rgb);
        let mut img = pdf.image_xobject(logo_id, &data);
        img.filter(Filter::FlateDecode);
        img.width(logo.width as i32);
        img.height(logo.height as i32);
        img.color_space().device_rgb();
        img.bits_per_component(8);
        img.interpolate(false);
        img.finish();
    }

    // Bookmarks.
    let mut outline_refs = Vec::new();
    if !outline.is_empty() {
        let mut ids = Vec::new();
        for e in outline {
            let id = Ref::new(next);
            next += 1;
            let kids: Vec<Ref> = e
                .children
                .iter()
                .map(|_| {
                    let r = Ref::new(next);
                    next += 1;
                    r
                })
                .collect();
            ids.push((id, kids));
        }
        let visible: usize =
            outline.len() + outline.iter().map(|e| e.children.len()).sum::<usize>();
        pdf.outline(outline_id)
            .first(ids[0].0)
            .last(ids[ids.len() - 1].0)
            .count(visible as i32);
        for (i, (e, (id, kids))) in outline.iter().zip(&ids).enumerate() {
            let target = page_refs.get(e.page).copied().unwrap_or(page_refs[0]);
            let mut item = pdf.outline_item(*id);
            item.title(TextStr(&e.title));
            item.parent(outline_id);
            if i > 0 {
                item.prev(ids[i - 1].0);
            }
            if i + 1 < ids.len() {
                item.next(ids[i + 1].0);
            }
            if !kids.is_empty() {
                item.first(kids[0]);
                item.last(kids[kids.len() - 1]);
                item.count(kids.len() as i32);
            }
            item.dest().page(target).xyz(0.0, py(e.top) + 12.0, None);
            item.finish();
            for (j, (c, cid)) in e.children.iter().zip(kids).enumerate() {
                let target = page_refs.get(c.page).copied().unwrap_or(page_refs[0]);
                let mut item = pdf.outline_item(*cid);
                item.title(TextStr(&c.title));
                item.parent(*id);
                if j > 0 {
                    item.prev(kids[j - 1]);
                }
                if j + 1 < kids.len() {
                    item.next(kids[j + 1]);
                }
                item.dest().page(target).xyz(0.0, py(c.top) + 12.0, None);
                item.finish();
            }
        }
        outline_refs.push(outline_id);
    }

    // Colour: the sRGB profile every DeviceRGB colour in the file is meant in.
    let icc = deflate(SRGB_ICC);
    pdf.icc_profile(icc_id, &icc)
        .n(3)
        .range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
        .filter(Filter::FlateDecode);

    // Metadata: the info dictionary and the XMP stream say the same.
    let created = pdf_date(meta.created);
    let text = |s: &str| super::layout::clean(s);
    let title = text(&meta.title);
    let author = text(&meta.author);
    let subject = text(&meta.subject);
    let keywords = text(&meta.keywords.join(", "));
    let creator = text(&meta.creator);
    {
        // PDFDocEncoding where the text fits it: Ghostscript's PDF/A check refuses UTF-16
        // strings in the info dictionary ("cannot be represented in XMP").
        let mut info = pdf.document_info(info_id);
        for (key, value) in [
            (&b"Title"[..], &title),
            (b"Author", &author),
            (b"Subject", &subject),
            (b"Keywords", &keywords),
            (b"Creator", &creator),
        ] {
            if value.is_empty() {
                continue;
            }
            match pdf_doc_encoding(value) {
                Some(bytes) => info.pair(Name(key), Str(&bytes)),
                None => info.pair(Name(key), TextStr(value)),
            };
        }
        info.producer(TextStr(PRODUCER));
        info.creation_date(created);
        info.modified_date(created);
    }
    let xmp = xmp(meta, &title, &author, &subject, &keywords, &creator);
    hasher.update(xmp.as_bytes());
    pdf.metadata(xmp_id, xmp.as_bytes());

    let lang = text(&meta.language);
    let mut cat = pdf.catalog(catalog_id);
    cat.pages(tree_id);
    cat.metadata(xmp_id);
    cat.lang(TextStr(if lang.is_empty() { "en" } else { &lang }));
    cat.viewer_preferences().display_doc_title(true);
    if let Some(o) = outline_refs.first() {
        cat.outlines(*o);
        cat.page_mode(PageMode::UseOutlines);
    }
    cat.output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
        .output_condition(TextStr("sRGB IEC61966-2.1"))
        .info(TextStr("sRGB IEC61966-2.1"))
        .registry_name(TextStr("http://www.color.org"))
        .dest_output_profile(icc_id);
    cat.finish();

    let digest = hasher.finalize();
    let id = digest[..16].to_vec();
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}

fn font_res(kind: FontKind) -> &'static [u8] {
    match kind {
        FontKind::Sans => b"F1",
        FontKind::Bold => b"F2",
        FontKind::Mono => b"F3",
    }
}

/// Six capital letters from the subset's hash, as PDF names subset fonts (`ABCDEF+Name`).
fn subset_tag(subset: &[u8]) -> String {
    let h = Sha256::digest(subset);
    h.iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

fn write_font(pdf: &mut Pdf, font: &Font, used: &Used, ids: &[Ref; 5], base: &[u8], subset: &[u8]) {
    let [type0, cid, descriptor, cmap, file] = *ids;
    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0)
        .base_font(Name(base))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    {
        let mut c = pdf.cid_font(cid);
        c.subtype(CidFontType::Type2);
        c.base_font(Name(base));
        c.system_info(info);
        c.font_descriptor(descriptor);
        c.cid_to_gid_map_predefined(Name(b"Identity"));
        c.default_width(font.advance(0));
        if !used.widths.is_empty() {
            let mut w = c.widths();
            for (gid, width) in &used.widths {
                w.consecutive(*gid, [*width]);
            }
        }
    }
    let bbox = font.bbox();
    let mut flags = FontFlags::NON_SYMBOLIC;
    if font.name.contains("Mono") {
        flags |= FontFlags::FIXED_PITCH;
    }
    pdf.font_descriptor(descriptor)
        .name(Name(base))
        .flags(flags)
        .bbox(Rect::new(bbox[0], bbox[1], bbox[2], bbox[3]))
        .italic_angle(0.0)
        .ascent(font.ascender())
        .descent(font.descender())
        .cap_height(font.cap_height())
        .stem_v(if font.name.contains("Bold") {
            140.0
        } else {
            80.0
        })
        .font_file2(file);
    let mut map = pdf_writer::types::UnicodeCmap::new(Name(b"Adobe-Identity-UCS"), info);
    for (gid, c) in &used.unicode {
        map.pair(*gid, *c);
    }
    let map = map.finish();
    pdf.cmap(cmap, &deflate(&map)).filter(Filter::FlateDecode);
    pdf.stream(file, &deflate(subset))
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), subset.len() as i32);
}

fn content(fonts: &Fonts, used: &mut [Used], page: &Page) -> Vec<u8> {
    let mut c = Content::new();
    for op in &page.ops {
        match op {
            Op::Text {
                font,
                size,
                x,
                y,
                color,
                text,
            } => {
                if text.is_empty() {
                    continue;
                }
                let f = fonts.get(*font);
                let u = &mut used[font.index()];
                let mut bytes = Vec::with_capacity(text.len() * 2);
                for ch in text.chars() {
                    let (gid, shown) = f.glyph(ch);
                    let new = u.remapper.remap(gid);
                    u.unicode.entry(new).or_insert(shown);
                    u.widths.entry(new).or_insert_with(|| f.advance(gid));
                    bytes.extend_from_slice(&new.to_be_bytes());
                }
                c.set_fill_rgb(color[0], color[1], color[2]);
                c.begin_text();
                c.set_font(Name(font_res(*font)), *size);
                c.next_line(*x, py(*y));
                c.show(Str(&bytes));
                c.end_text();
            }
            Op::Rect { x, y, w, h, fill } => {
                c.set_fill_rgb(fill[0], fill[1], fill[2]);
                c.rect(*x, py(*y + *h), *w, *h);
                c.fill_nonzero();
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
                dash,
            } => {
                c.set_stroke_rgb(color[0], color[1], color[2]);
                c.set_line_width(*width);
                if let Some(d) = dash {
                    c.set_dash_pattern(d.iter().copied(), 0.0);
                }
                c.move_to(*x1, py(*y1));
                c.line_to(*x2, py(*y2));
                c.stroke();
                if dash.is_some() {
                    c.set_dash_pattern([], 0.0);
                }
            }
            Op::Path {
                segs,
                fill,
                stroke,
                dash,
            } => {
                for s in segs {
                    match *s {
                        Seg::Move(x, y) => {
                            c.move_to(x, py(y));
                        }
                        Seg::Line(x, y) => {
                            c.line_to(x, py(y));
                        }
                        Seg::Curve(x1, y1, x2, y2, x3, y3) => {
                            c.cubic_to(x1, py(y1), x2, py(y2), x3, py(y3));
                        }
                        Seg::Close => {
                            c.close_path();
                        }
                    }
                }
                if let Some(f) = fill {
                    c.set_fill_rgb(f[0], f[1], f[2]);
                }
                if let Some((s, w)) = stroke {
                    c.set_stroke_rgb(s[0], s[1], s[2]);
                    c.set_line_width(*w);
                    c.set_line_join(pdf_writer::types::LineJoinStyle::RoundJoin);
                    if let Some(d) = dash {
                        c.set_dash_pattern(d.iter().copied(), 0.0);
                    }
                }
                match (fill.is_some(), stroke.is_some()) {
                    (true, true) => c.fill_nonzero_and_stroke(),
                    (true, false) => c.fill_nonzero(),
                    (false, true) => c.stroke(),
                    (false, false) => c.end_path(),
                };
                if stroke.is_some() && dash.is_some() {
                    c.set_dash_pattern([], 0.0);
                }
            }
            Op::Logo { x, y, w, h } => {
                c.save_state();
                c.transform([*w, 0.0, 0.0, *h, *x, py(*y + *h)]);
                c.x_object(Name(b"Logo"));
                c.restore_state();
            }
        }
    }
    c.finish().into_vec()
}

fn pdf_date(t: OffsetDateTime) -> Date {
    let off = t.offset();
    let (h, m, _) = off.as_hms();
    Date::new(t.year().clamp(0, 9999) as u16)
        .month(u8::from(t.month()))
        .day(t.day())
        .hour(t.hour())
        .minute(t.minute())
        .second(t.second())
        .utc_offset_hour(h)
        .utc_offset_minute(m.unsigned_abs())
}

/// The same instant as XMP writes it (ISO 8601 with the offset, "Z" for UTC as the info
/// dictionary's date has it).
fn xmp_date(t: OffsetDateTime) -> String {
    let (h, m, _) = t.offset().as_hms();
    let zone = if h == 0 && m == 0 {
        "Z".to_string()
    } else {
        let sign = if h < 0 || m < 0 { '-' } else { '+' };
        format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        t.year().clamp(0, 9999),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Text in PDFDocEncoding (Latin-1 plus the typographic marks at 0x80–0xA0), or `None` when
/// a character is outside it.
fn pdf_doc_encoding(text: &str) -> Option<Vec<u8>> {
    const HIGH: [(char, u8); 32] = [
        ('•', 0x80),
        ('†', 0x81),
        ('‡', 0x82),
        ('…', 0x83),
        ('—', 0x84),
        ('–', 0x85),
        ('ƒ', 0x86),
        ('⁄', 0x87),
        ('‹', 0x88),
        ('›', 0x89),
        ('−', 0x8a),
        ('‰', 0x8b),
        ('„', 0x8c),
        ('“', 0x8d),
        ('”', 0x8e),
        ('‘', 0x8f),
        ('’', 0x90),
        ('‚', 0x91),
        ('™', 0x92),
        ('ﬁ', 0x93),
        ('ﬂ', 0x94),
        ('Ł', 0x95),
        ('Œ', 0x96),
        ('Š', 0x97),
        ('Ÿ', 0x98),
        ('Ž', 0x99),
        ('ı', 0x9a),
        ('ł', 0x9b),
        ('œ', 0x9c),
        ('š', 0x9d),
        ('ž', 0x9e),
        ('€', 0xa0),
    ];
    text.chars()
        .map(|c| match c as u32 {
            0x20..=0x7e => Some(c as u8),
            0xa1..=0xff if c != '\u{ad}' => Some(c as u32 as u8),
            _ => HIGH.iter().find(|(h, _)| *h == c).map(|(_, b)| *b),
        })
        .collect()
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The XMP packet: Dublin Core, XMP basic, Adobe PDF and the PDF/A identification (part 2,
/// conformance B), matching the info dictionary entry for entry.
fn xmp(
    meta: &Meta,
    title: &str,
    author: &str,
    subject: &str,
    keywords: &str,
    creator: &str,
) -> String {
    let date = xmp_date(meta.created);
    let lang = super::layout::clean(&meta.language);
    let mut x = String::new();
    x.push_str("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    x.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    x.push_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    x.push_str("<rdf:Description rdf:about=\"\"\n");
    x.push_str(" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n");
    x.push_str(" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n");
    x.push_str(" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n");
    x.push_str(" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n");
    x.push_str("<dc:format>application/pdf</dc:format>\n");
    if !title.is_empty() {
        x.push_str(&format!(
            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
            esc(title)
        ));
    }
    if !author.is_empty() {
        x.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            esc(author)
        ));
    }
    if !subject.is_empty() {
        x.push_str(&format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            esc(subject)
        ));
    }
    if !lang.is_empty() {
        x.push_str(&format!(
            "<dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n",
            esc(&lang)
        ));
    }
    if !keywords.is_empty() {
        x.push_str(&format!("<pdf:Keywords>{}</pdf:Keywords>\n", esc(keywords)));
    }
    x.push_str(&format!("<pdf:Producer>{}</pdf:Producer>\n", esc(PRODUCER)));
    if !creator.is_empty() {
        x.push_str(&format!(
            "<xmp:CreatorTool>{}</xmp:CreatorTool>\n",
            esc(creator)
        ));
    }
    x.push_str(&format!("<xmp:CreateDate>{date}</xmp:CreateDate>\n"));
    x.push_str(&format!("<xmp:ModifyDate>{date}</xmp:ModifyDate>\n"));
    x.push_str(&format!("<xmp:MetadataDate>{date}</xmp:MetadataDate>\n"));
    x.push_str("<pdfaid:part>2</pdfaid:part>\n");
    x.push_str("<pdfaid:conformance>B</pdfaid:conformance>\n");
    x.push_str("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n");
    // Padding lets an editor update the packet in place, as the XMP specification suggests.
    for _ in 0..20 {
        x.push_str(&" ".repeat(99));
        x.push('\n');
    }
    x.push_str("<?xpacket end=\"w\"?>");
    x
}
