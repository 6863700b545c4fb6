//! The typesetter checked from outside, with the tools a reader of the PDF would use:
//! qpdf (structure), poppler (fonts, text, page numbers), Ghostscript (PDF/A-2b), and a parse
//! with lopdf for the PDF/A objects Ghostscript does not report on.
//!
//! A missing tool fails the test with the package to install: CI installs poppler-utils, qpdf
//! and ghostscript, and a check that skips itself quietly checks nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tenantatlas_report::doc::*;
use tenantatlas_report::pdf::{render, sample, sample_with_findings, LogoError};

fn tool(name: &str, package: &str, args: &[&str]) -> Output {
    match Command::new(name).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!("`{name}` could not run ({e}); install the `{package}` package"),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the PDF to the temporary folder");
    path
}

fn text(path: &Path, pages: Option<(usize, usize)>, layout: bool) -> String {
    let mut args: Vec<String> = Vec::new();
    if layout {
        args.push("-layout".into());
    }
    if let Some((f, l)) = pages {
        args.extend(["-f".into(), f.to_string(), "-l".into(), l.to_string()]);
    }
    args.push(path.display().to_string());
    args.push("-".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tool("pdftotext", "poppler-utils", &args);
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

fn page_count(path: &Path) -> usize {
    let out = tool(
        "pdfinfo",
        "poppler-utils",
        &[path.to_str().unwrap_or_default()],
    );
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports a page count")
}

fn qpdf_check(path: &Path) {
    let out = tool(
        "qpdf",
        "qpdf",
        &["--check", path.to_str().unwrap_or_default()],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "qpdf --check failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("No syntax or stream encoding errors"),
        "{stdout}"
    );
    assert!(
        !stdout.to_lowercase().contains("warning"),
        "qpdf warns:\n{stdout}"
    );
    assert!(stderr.trim().is_empty(), "qpdf warns:\n{stderr}");
}

#[test]
fn the_sample_passes_qpdf_and_its_fonts_are_embedded_subsets_with_unicode() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write(dir.path(), "pack.pdf", &render(&sample()).expect("render"));
    qpdf_check(&path);

    let out = tool(
        "pdffonts",
        "poppler-utils",
        &[path.to_str().unwrap_or_default()],
    );
    let listing = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = listing
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(rows.len(), 3, "three faces, each once:\n{listing}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name, type (2 words), encoding, emb, sub, uni, object id, generation
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb/sub/uni: {row}"
        );
        assert!(cols[0].contains('+'), "a subset tag: {row}");
    }
}

#[test]
fn text_extracts_exactly_and_the_contents_page_numbers_are_right() {
    let doc = sample();
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write(dir.path(), "pack.pdf", &render(&doc).expect("render"));
    let pages = page_count(&path);
    assert!(pages >= 10, "the sample is a 10-page pack, got {pages}");
    let all = text(&path, None, false);
    for needle in [
        "Müller & Söhne GmbH",
        "Société Générale Énergie",
        "1 October 2026 – 31 December 2026",
        "Resolved ✓",
        "Sign-in risk policy in report-only mode…",
        "F-0001",
        "F-0060",
        "Legacy authentication is not blocked for all users",
        "sha256sum -c SHA256SUMS",
        "+4 since last pack",
        "Open findings by severity",
        "Contents",
        &format!("Page 2 of {pages}"),
        &format!("Page {pages} of {pages}"),
    ] {
        assert!(all.contains(needle), "pdftotext does not find {needle:?}");
    }
    for s in &doc.sections {
        assert!(
            all.contains(&s.title),
            "section title {:?} missing",
            s.title
        );
    }

    // The contents page: "N  Title ..... page". Each section title must be on that page.
    let toc = text(&path, Some((2, 2)), true);
    for (i, s) in doc.sections.iter().enumerate() {
        let line = toc
            .lines()
            .find(|l| l.contains(&s.title) && l.trim_start().starts_with(&format!("{} ", i + 1)))
            .unwrap_or_else(|| panic!("{:?} is not in the contents:\n{toc}", s.title));
        let page: usize = line
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no page number in {line:?}"));
        let there = text(&path, Some((page, page)), false);
        assert!(
            there.contains(&format!("{} {}", i + 1, s.title)),
            "contents say {:?} is on page {page}, but it is not there:\n{there}",
            s.title
        );
        if page > 3 {
            let before = text(&path, Some((page - 1, page - 1)), false);
            assert!(
                !before.contains(&format!("{} {}", i + 1, s.title)),
                "{:?} starts before page {page}",
                s.title
            );
        }
    }
}

/// Ghostscript's pdfwrite with `-dPDFA=2` and policy 2 stops with a message when its input
/// cannot become PDF/A-2b without changes (transparency, unembedded fonts, missing output
/// intent). Its one false alarm: it cannot carry non-ASCII info-dictionary text into its own
/// XMP ("Text string detected in DOCINFO cannot be represented in XMP"), a limit of the
/// converter, not of the file, so the strict run uses ASCII metadata and keeps all the
/// document's accented body text.
fn ghostscript_pdfa(path: &Path) -> String {
    let out = tool(
        "gs",
        "ghostscript",
        &[
            "-q",
            "-dBATCH",
            "-dNOPAUSE",
            "-dNOOUTERSAVE",
            "-dPDFA=2",
            "-dPDFACompatibilityPolicy=2",
            "-sColorConversionStrategy=UseDeviceIndependentColor",
            "-sDEVICE=pdfwrite",
            "-o",
            "/dev/null",
            path.to_str().unwrap_or_default(),
        ],
    );
    assert!(
        out.status.success(),
        "gs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn ghostscript_accepts_the_pack_as_pdfa_2b() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut doc = sample();
    doc.meta.title = "Review pack - Mueller und Soehne GmbH - 2026-Q4".into();
    doc.meta.keywords = vec!["review pack".into(), "Microsoft 365".into()];
    let path = write(dir.path(), "ascii-meta.pdf", &render(&doc).expect("render"));
    let said = ghostscript_pdfa(&path);
    assert!(
        said.trim().is_empty(),
        "Ghostscript objects to the PDF/A file:\n{said}"
    );

    // With the real (accented) metadata, the converter's known complaint is the only one.
    let path = write(dir.path(), "pack.pdf", &render(&sample()).expect("render"));
    let said = ghostscript_pdfa(&path);
    for line in said.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.contains("Text string detected in DOCINFO cannot be represented in XMP")
                || line.contains("bad trailer dictionary"),
            "Ghostscript objects: {line}"
        );
    }
}

#[test]
fn ghostscript_check_does_catch_a_file_that_is_not_pdfa() {
    // The check is only worth having if it fails: make the contents' links non-printing
    // (/F 0), which PDF/A forbids, and see it complain. (A missing output intent it silently
    // replaces with its own, and PDF/A-2 allows transparency, which is why the structural
    // test checks those itself.)
    let bytes = render(&sample_ascii_meta()).expect("render");
    let mut pdf = lopdf::Document::load_mem(&bytes).expect("lopdf parses the PDF");
    let mut changed = 0;
    for (_, obj) in pdf.objects.iter_mut() {
        if let lopdf::Object::Dictionary(d) = obj {
            if d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Link") {
                d.set("F", 0);
                changed += 1;
            }
        }
    }
    assert!(changed > 0, "the sample has links");
    let mut broken = Vec::new();
    pdf.save_to(&mut broken).expect("save");
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write(dir.path(), "broken.pdf", &broken);
    let said = ghostscript_pdfa(&path);
    assert!(
        said.contains("not permitted in PDF/A"),
        "Ghostscript should object to a non-printing annotation:\n{said}"
    );
}

fn sample_ascii_meta() -> Document {
    let mut doc = sample();
    doc.meta.title = "Review pack".into();
    doc.meta.keywords = vec!["review pack".into()];
    doc
}

fn dict<'a>(pdf: &'a lopdf::Document, obj: &'a lopdf::Object) -> &'a lopdf::Dictionary {
    match obj {
        lopdf::Object::Reference(r) => pdf
            .get_object(*r)
            .and_then(|o| o.as_dict())
            .expect("a dictionary"),
        o => o.as_dict().expect("a dictionary"),
    }
}

#[test]
fn the_pdfa_objects_are_there() {
    let bytes = render(&sample()).expect("render");
    assert!(bytes.starts_with(b"%PDF-1.7"), "PDF 1.7 header");
    let pdf = lopdf::Document::load_mem(&bytes).expect("lopdf parses the PDF");
    assert!(pdf.trailer.get(b"Encrypt").is_err(), "no encryption");
    let id = pdf
        .trailer
        .get(b"ID")
        .and_then(|o| o.as_array())
        .expect("a trailer /ID");
    assert_eq!(id.len(), 2);

    let catalog = pdf.catalog().expect("catalog");
    assert_eq!(
        catalog.get(b"Lang").and_then(|l| l.as_str()).ok(),
        Some(&b"en"[..])
    );
    // XMP: uncompressed, PDF/A-2b identification, the same title as the info dictionary.
    let meta_ref = catalog
        .get(b"Metadata")
        .and_then(|m| m.as_reference())
        .expect("/Metadata");
    let meta = pdf
        .get_object(meta_ref)
        .and_then(|o| o.as_stream())
        .expect("XMP stream");
    assert!(
        meta.dict.get(b"Filter").is_err(),
        "XMP must not be compressed"
    );
    let xmp = String::from_utf8(meta.content.clone()).expect("XMP is UTF-8");
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{xmp}"
    );
    assert!(
        xmp.contains("Review pack — Müller &amp; Söhne GmbH — 2026-Q4"),
        "{xmp}"
    );
    assert!(xmp.contains("<xmp:CreateDate>2027-01-04T09:30:00+01:00</xmp:CreateDate>"));

    // An sRGB output intent with its ICC profile.
    let intents = catalog
        .get(b"OutputIntents")
        .and_then(|o| o.as_array())
        .expect("intents");
    assert_eq!(intents.len(), 1);
    let intent = dict(&pdf, &intents[0]);
    assert_eq!(
        intent.get(b"S").and_then(|s| s.as_name()).ok(),
        Some(&b"GTS_PDFA1"[..])
    );
    let icc_ref = intent
        .get(b"DestOutputProfile")
        .and_then(|o| o.as_reference())
        .expect("ICC");
    let icc = pdf
        .get_object(icc_ref)
        .and_then(|o| o.as_stream())
        .expect("ICC stream");
    assert_eq!(icc.dict.get(b"N").and_then(|n| n.as_i64()).ok(), Some(3));
    let profile = icc.decompressed_content().expect("ICC inflates");
    assert_eq!(&profile[36..40], b"acsp", "an ICC profile");
    assert_eq!(&profile[16..20], b"RGB ", "an RGB profile");

    // Every annotation prints (/F 4), and there are links (the contents).
    let mut annots = 0;
    for (_, id) in pdf.get_pages() {
        for a in pdf.get_page_annotations(id).unwrap_or_default() {
            annots += 1;
            assert_eq!(a.get(b"F").and_then(|f| f.as_i64()).ok(), Some(4), "{a:?}");
        }
    }
    assert!(annots >= 9, "a link per contents line, got {annots}");

    // No transparency anywhere, every font embedded.
    for (_, obj) in pdf.objects.iter() {
        let d = match obj {
            lopdf::Object::Dictionary(d) => d,
            lopdf::Object::Stream(s) => &s.dict,
            _ => continue,
        };
        assert!(d.get(b"SMask").is_err(), "soft mask: {d:?}");
        assert!(d.get(b"Group").is_err(), "transparency group: {d:?}");
        for key in [&b"CA"[..], b"ca"] {
            if let Ok(v) = d.get(key).and_then(|v| v.as_float()) {
                assert!(v >= 1.0, "constant alpha {v}");
            }
        }
        assert!(d.get(b"JS").is_err() && d.get(b"JavaScript").is_err());
        if d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor") {
            assert!(d.get(b"FontFile2").is_ok(), "font not embedded: {d:?}");
        }
    }

    // Bookmarks: one per section, its headings under it.
    let outlines = dict(&pdf, catalog.get(b"Outlines").expect("/Outlines"));
    let first = dict(&pdf, outlines.get(b"First").expect("first bookmark"));
    let title = first.get(b"Title").and_then(|t| t.as_str()).expect("title");
    assert_eq!(title, b"Executive summary");
    assert!(
        first.get(b"First").is_ok(),
        "the heading under the first section"
    );
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let doc = sample();
    let a = render(&doc).expect("render");
    let b = render(&doc).expect("render");
    assert!(a == b, "two renders differ");
    let mut other = doc.clone();
    other.cover.customer = "Contoso Ltd".into();
    let c = render(&other).expect("render");
    assert_ne!(a, c);
    let id = |bytes: &[u8]| {
        let pdf = lopdf::Document::load_mem(bytes).expect("parse");
        format!("{:?}", pdf.trailer.get(b"ID").expect("ID"))
    };
    assert_ne!(id(&a), id(&c), "the /ID follows the content");
}

#[test]
fn long_tables_run_over_pages_with_their_header_repeated() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let short = write(
        dir.path(),
        "50.pdf",
        &render(&sample_with_findings(50)).expect("render"),
    );
    let long = write(
        dir.path(),
        "2000.pdf",
        &render(&sample_with_findings(2000)).expect("render"),
    );
    qpdf_check(&long);
    let (a, b) = (page_count(&short), page_count(&long));
    // About 18 rows a page: 1,950 more rows are roughly 110 more pages.
    assert!(
        b > a + 80 && b < a + 200,
        "50 rows: {a} pages, 2,000 rows: {b} pages"
    );

    let all = text(&long, None, false);
    assert!(all.contains("F-2000"));
    // Every page the table runs over starts with its header.
    let mut table_pages = 0;
    for p in 6..b - 6 {
        let t = text(&long, Some((p, p)), false);
        if t.contains("F-1") {
            table_pages += 1;
            assert!(
                t.contains("Severity") && t.contains("Owner"),
                "page {p} has rows without the header:\n{t}"
            );
        }
    }
    assert!(
        table_pages > 50,
        "the table should fill many pages, found {table_pages}"
    );
}

#[test]
fn hostile_text_neither_panics_nor_leaves_the_page() {
    let long = "x".repeat(6000);
    let ctl = "Contoso\u{0}\u{7}\u{1b}[31m\r\nLtd\u{202e}evil\u{feff}\t✓";
    let mut doc = sample_with_findings(3);
    doc.cover.customer = format!("{ctl}{long}");
    doc.meta.title = format!("{ctl} <x> & \"y\"");
    doc.branding.msp_name = long.clone();
    doc.branding.footer = long.clone();
    doc.cover.facts.push((long.clone(), long.clone()));
    let mut s = Section::new(long.clone());
    s.push(Block::Heading(long.clone()));
    s.push(Block::Paragraph(format!("{ctl} {long} end")));
    s.push(Block::Mono(long.repeat(3)));
    s.push(Block::Bullets(vec![long.clone(), String::new()]));
    s.push(Block::Callout {
        tone: Tone::Critical,
        text: long.repeat(2),
    });
    s.push(Block::Facts(vec![(long.clone(), long.repeat(4))]));
    s.push(Block::Stats(vec![Stat {
        label: long.clone(),
        value: long.clone(),
        note: long.clone(),
        tone: Tone::Good,
    }]));
    s.push(Block::Table(Table {
        columns: vec![
            Column::new(long.clone(), f32::NAN),
            Column::new("b", -3.0).right(),
        ],
        rows: vec![
            Row {
                cells: vec![
                    Cell::text(long.repeat(5)),
                    Cell::badge(long.clone(), Tone::Warning),
                ],
                detail: vec![long.repeat(10)],
            },
            Row::new(vec![]),
        ],
        empty: String::new(),
    }));
    s.push(Block::Table(Table {
        columns: vec![],
        rows: vec![],
        empty: String::new(),
    }));
    s.push(Block::Chart(Chart::Bars {
        title: long.clone(),
        bars: vec![Bar {
            label: long.clone(),
            value: f64::NAN,
            tone: Tone::Info,
        }],
        max: Some(-1.0),
        unit: long.clone(),
    }));
    s.push(Block::Chart(Chart::Lines {
        title: String::new(),
        x_labels: vec![long.clone(); 40],
        series: vec![Series {
            name: long.clone(),
            tone: Tone::Good,
            values: vec![Some(f64::INFINITY), None, Some(-5.0), Some(1e300)],
        }],
        y_max: None,
        unit: String::new(),
    }));
    s.push(Block::Chart(Chart::Score {
        label: long.clone(),
        value: Some(250.0),
        previous: Some(f64::NAN),
    }));
    doc.sections.push(s);

    let bytes = render(&doc).expect("hostile text renders");
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write(dir.path(), "hostile.pdf", &bytes);
    qpdf_check(&path);
    let all = text(&path, None, false);
    assert!(
        all.contains("Contoso[31m") && all.contains("Ltdevil ✓"),
        "control characters dropped, line breaks kept, the rest of the text kept"
    );

    // Every word pdftotext finds lies on the page.
    let out = tool(
        "pdftotext",
        "poppler-utils",
        &["-bbox", path.to_str().unwrap_or_default(), "-"],
    );
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        tag.split(&key)
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let mut words = 0;
    for tag in html.split("<word ").skip(1) {
        words += 1;
        let (x0, x1) = (attr(tag, "xMin"), attr(tag, "xMax"));
        let (y0, y1) = (attr(tag, "yMin"), attr(tag, "yMax"));
        assert!(
            x0 >= 0.0 && x1 <= 595.3 && y0 >= 0.0 && y1 <= 841.9,
            "a word off the page: {}",
            &tag[..tag.len().min(200)]
        );
    }
    assert!(words > 100);
}

#[test]
fn logos_decode_bounded_and_flattened_onto_white() {
    let png = |w: u32, h: u32, color: png::ColorType, data: &[u8]| -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("header");
        writer.write_image_data(data).expect("data");
        writer.finish().expect("finish");
        out
    };
    // Two RGBA pixels: opaque red, fully transparent black; then half-transparent blue.
    let bytes = png(
        3,
        1,
        png::ColorType::Rgba,
        &[255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 128],
    );
    let logo = Logo::from_png(&bytes).expect("decodes");
    assert_eq!((logo.width, logo.height), (3, 1));
    assert_eq!(logo.rgb, vec![255, 0, 0, 255, 255, 255, 127, 127, 255]);

    let grey = png(2, 1, png::ColorType::Grayscale, &[0, 200]);
    assert_eq!(
        Logo::from_png(&grey).expect("decodes").rgb,
        vec![0, 0, 0, 200, 200, 200]
    );

    let wide = png(5000, 1, png::ColorType::Grayscale, &vec![0; 5000]);
    assert_eq!(Logo::from_png(&wide), Err(LogoError::TooLarge(5000, 1)));
    assert!(matches!(
        Logo::from_png(&vec![0; 9 * 1024 * 1024]),
        Err(LogoError::TooManyBytes(_))
    ));
    assert!(matches!(
        Logo::from_png(b"not a png"),
        Err(LogoError::Decode(_))
    ));
    let msg = LogoError::TooLarge(5000, 1).to_string();
    assert!(!msg.contains('\n') && !msg.ends_with('.'), "{msg}");

    // A document with the logo renders, and a document without one too.
    let mut doc = sample_with_findings(1);
    doc.branding.logo = Some(logo);
    render(&doc).expect("render with a PNG logo");
    doc.branding.logo = None;
    render(&doc).expect("render without a logo");
}
