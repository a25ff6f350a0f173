//! Record metadata.

mod kind;

pub use kind::{RecordKind, UnknownKind};
