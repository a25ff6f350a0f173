//! Record metadata: what the desk knows about one digitized (or described) document.
//!
//! [`RecordMeta`] is stored as JSON by the store. Officers, the CLI and the UI edit it
//! through one flat vocabulary of keys ([`field_keys`]) with [`RecordMeta::set_field`] and
//! read it back with [`RecordMeta::fields`]; [`RecordMeta::validate`] applies the rules of
//! seeds 002 and 004 before a record is accepted.

mod archival;
mod error;
mod keys;
mod kind;
mod model;
mod render;
mod set;
mod validate;
mod value;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::identity::OwnerId;

pub use archival::{ArchivalFieldDef, ArchivalFields, SUMMARY_EXCHANGE_NAME, archival_field_defs};
pub use error::FieldError;
pub use keys::{FieldDef, InputKind, UNIDENTIFIED_OWNER_KEYS, field_def, field_keys};
pub use kind::{RecordKind, UnknownKind};
pub use model::{
    HouseholdMember, IdCardFields, InfoOnlyFields, Owner, PhysicalCondition, ResidenceFields,
    StorageLocation, Validity,
};

/// The metadata of one record. Optional sections stay `None` until one of their fields is
/// set, and return to `None` when all are cleared, so the JSON holds only what is known.
///
/// `Debug` shows names and numbers in clear: log [`RecordMeta::storage_key`] masked or the
/// record id instead, never the whole struct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordMeta {
    pub kind: RecordKind,
    pub owner: Owner,
    /// Mã loại giấy tờ (seed 002 minimum field 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
    /// Tên giấy tờ (minimum field 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_name: Option<String>,
    /// Trích yếu nội dung (minimum field 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Thời hạn có hiệu lực (minimum field 5).
    #[serde(default)]
    pub validity: Validity,
    /// Phạm vi có hiệu lực (minimum field 6, "if any").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default)]
    pub archival: ArchivalFields,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_card: Option<IdCardFields>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<ResidenceFields>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info_only: Option<InfoOnlyFields>,
    /// Fields of the specialised law (vehicle frame number, plate, certificate code …);
    /// keys start with `x.`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl RecordMeta {
    pub fn new(kind: RecordKind, owner: Owner) -> RecordMeta {
        RecordMeta {
            kind,
            owner,
            doc_type_code: None,
            procedure_code: None,
            doc_name: None,
            summary: None,
            validity: Validity::default(),
            scope: None,
            archival: ArchivalFields::default(),
            id_card: None,
            residence: None,
            storage: None,
            info_only: None,
            extra: BTreeMap::new(),
        }
    }

    pub fn owner_id(&self) -> Option<&OwnerId> {
        self.owner.id()
    }

    /// The owner's name; for an ID-card record whose owner has no name yet, the full name
    /// from the card fields (it is the same person).
    pub fn owner_name(&self) -> Option<String> {
        self.owner
            .name()
            .or_else(|| self.id_card.as_ref().and_then(|c| c.full_name.as_deref()))
            // A household's residence dossier is known at the desk by its head of household.
            .or_else(|| self.residence.as_ref().and_then(|r| r.household_head.as_deref()))
            .map(str::to_owned)
    }

    /// Drops sections whose fields were all cleared.
    fn compact(&mut self) {
        if self.id_card.as_ref().is_some_and(IdCardFields::is_empty) {
            self.id_card = None;
        }
        if self.residence.as_ref().is_some_and(ResidenceFields::is_empty) {
            self.residence = None;
        }
        if self.storage.as_ref().is_some_and(StorageLocation::is_empty) {
            self.storage = None;
        }
    }
}
