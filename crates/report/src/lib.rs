//! Review packs: what an MSP hands its customer and its auditor.
//!
//! - [`doc`] — a review pack as a document: sections of headings, paragraphs, tables and charts,
//!   with no notion of pages. The engine composes it from a workspace; nothing here reads one.
//! - [`pdf`] — typesets a [`doc::Document`] into a PDF/A-2b file: embedded subset fonts, wrapped
//!   text, tables that break across pages with their header repeated, a table of contents with
//!   page numbers, bookmarks, vector charts. The same document gives the same bytes.
//! - [`bundle`] — the evidence bundle beside the PDF: a deterministic ZIP with `SHA256SUMS` signed
//!   with Ed25519, and [`bundle::verify`], which checks one offline.
//!
//! Dependencies point downward: the engine uses this crate; this crate knows no workspace.

pub mod bundle;
pub mod doc;
pub mod pdf;
