//! The TenantAtlas domain: object kinds and where they live in Graph, how captured objects are
//! normalised and hashed, and the words of the product (tenant, snapshot, version, run).
//!
//! Two decisions a newcomer must know:
//! - This crate does no I/O and has no async: everything is a pure function over domain types, so
//!   it can be tested exhaustively and used by every other crate.
//! - [`kinds::REGISTRY`] describes what *we* capture and how we read it from Graph; the simulator has
//!   its own independent table of what *Microsoft* serves. The two must agree only through HTTP.

pub mod content;
pub mod csv;
pub mod diff;
pub mod evidence;
pub mod kinds;
pub mod labels;
pub mod permissions;
pub mod redact;
pub mod score;
pub mod severity;
pub mod templates;
pub mod text;

pub use content::{content_hash, normalise, CapturedObject};
pub use kinds::{ApiVersion, ObjectKind, REGISTRY};
