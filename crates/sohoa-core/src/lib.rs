//! Domain model of SoHoa Desk: identity numbers, catalogues, record metadata and the rules
//! that make a record acceptable to the ministry vault.
//!
//! No I/O happens here except reading catalogue files, so the engine, the CLI and the
//! desktop shell all apply exactly the same rules.

pub mod catalog;
pub mod identity;
pub mod localized;
pub mod media;
pub mod record;
pub mod text;

pub use catalog::Catalogs;
pub use identity::{IdError, OwnerId, OwnerIdKind, PersonalId, Sex};
pub use localized::Localized;
pub use record::RecordKind;
