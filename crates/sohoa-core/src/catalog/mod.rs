//! Reference tables the domain checks against: province codes of birth registration,
//! document types, police procedures and master-data codes.
//!
//! They live as TOML files in `assets/catalogs/` so an administrator can correct or extend
//! them without a new build: [`Catalogs::load_dir`] reads a directory, and any of the four
//! files missing there falls back to the copy compiled into the binary
//! ([`Catalogs::embedded`]).

mod error;
mod parse;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::record::RecordKind;

pub use error::CatalogError;

pub const PROVINCES_FILE: &str = "provinces.toml";
pub const DOCUMENT_TYPES_FILE: &str = "document-types.toml";
pub const PROCEDURES_FILE: &str = "procedures.toml";
pub const MASTER_DATA_FILE: &str = "master-data.toml";

/// The four file names, in load order (procedures refer to document types).
pub const FILES: [&str; 4] = [
    PROVINCES_FILE,
    DOCUMENT_TYPES_FILE,
    PROCEDURES_FILE,
    MASTER_DATA_FILE,
];

const EMBEDDED: [(&str, &str); 4] = [
    (
        PROVINCES_FILE,
        include_str!("../../../../assets/catalogs/provinces.toml"),
    ),
    (
        DOCUMENT_TYPES_FILE,
        include_str!("../../../../assets/catalogs/document-types.toml"),
    ),
    (
        PROCEDURES_FILE,
        include_str!("../../../../assets/catalogs/procedures.toml"),
    ),
    (
        MASTER_DATA_FILE,
        include_str!("../../../../assets/catalogs/master-data.toml"),
    ),
];

/// A province code of birth registration (Circular 07/2016/TT-BCA, Annex I).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Province {
    pub code: String,
    pub name: String,
}

/// Broad family of a document type, used to group the picker in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocGroup {
    Residence,
    Identity,
    Result,
    Other,
}

/// A document type (mã loại giấy tờ): the second half of the storage key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentType {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub group: DocGroup,
    /// The record kinds whose records may carry this document type.
    pub kinds: Vec<RecordKind>,
    /// True when the code is the form symbol printed by a legal text; false for our own
    /// scheme (documented at the top of the file).
    pub official: bool,
    /// The legal text defining the form or document, when known.
    pub source: Option<String>,
}

impl DocumentType {
    pub fn allows(&self, kind: RecordKind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// The administrative domain a procedure belongs to (seed 001 lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProcedureDomain {
    Residence,
    Identity,
    Seal,
    ConditionalBusiness,
    Weapons,
    Traffic,
    Immigration,
    FireSafety,
}

/// A police administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Procedure {
    pub code: String,
    /// True only for codes of the national procedure database; our own `BCA-…` codes are
    /// false and must be replaced once the official codes are confirmed.
    pub official: bool,
    pub name_vi: String,
    pub name_en: String,
    pub domain: ProcedureDomain,
    /// Document type code of the procedure's result.
    pub result_doc_type: String,
    /// Seed 001: for seals, conditional business lines and weapons only the result is
    /// digitized, never the input papers.
    pub results_only: bool,
    /// The papers the citizen hands in (thành phần hồ sơ), in the order the law lists them;
    /// empty where no legal text was at hand to list them (the desk then offers the result
    /// and papers of any type, and says the list is not from the law).
    pub papers: Vec<ExpectedPaper>,
    /// The legal text the paper list follows, shown to the officer beside the checklist.
    pub papers_source: Option<String>,
}

/// One component of a procedure's dossier. Several document types may satisfy it (proof of
/// lawful residence is a land-use certificate, a lease or a confirmation of the commune),
/// so the officer records which one the citizen brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedPaper {
    pub name_vi: String,
    pub name_en: String,
    /// Codes of `document-types.toml` that satisfy the paper, the usual one first; each
    /// allows the `result` record kind, which is what reception makes of a paper.
    pub doc_types: Vec<String>,
    /// A dossier without it is incomplete and is not received (the officer guides the
    /// citizen to complete it), unless the desk already holds it electronically.
    pub required: bool,
}

/// A master-data code for people (mã dữ liệu chủ, seed 002).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MasterData {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// Where one catalogue file was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogSource {
    pub file: &'static str,
    /// A path, or `embedded:<file>` for the compiled-in copy.
    pub origin: String,
}

/// Entries in file order plus an index by code.
#[derive(Debug, Clone)]
struct Table<T> {
    items: Vec<T>,
    index: HashMap<String, usize>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T> Table<T> {
    fn new(items: Vec<T>, code: impl Fn(&T) -> &str) -> Self {
        let index = items
            .iter()
            .enumerate()
            .map(|(i, t)| (code(t).to_owned(), i))
            .collect();
        Self { items, index }
    }

    fn get(&self, code: &str) -> Option<&T> {
        self.index.get(code).and_then(|i| self.items.get(*i))
    }
}

/// All reference tables, validated as a whole (no duplicate codes, no empty names, every
/// procedure's result type defined).
#[derive(Debug, Clone, Default)]
pub struct Catalogs {
    provinces: Table<Province>,
    document_types: Table<DocumentType>,
    procedures: Table<Procedure>,
    master_data: Table<MasterData>,
    sources: Vec<CatalogSource>,
}

impl Catalogs {
    /// Reads the four files from `dir`; a file absent from `dir` is taken from the embedded
    /// copy, so a directory holding only a corrected `procedures.toml` is enough.
    pub fn load_dir(dir: &Path) -> Result<Catalogs, CatalogError> {
        if !dir.is_dir() {
            return Err(CatalogError::NotADirectory {
                dir: dir.to_path_buf(),
            });
        }
        let mut texts = Vec::with_capacity(FILES.len());
        for (name, embedded) in EMBEDDED {
            let path = dir.join(name);
            if path.exists() {
                let origin = path.display().to_string();
                let text = std::fs::read_to_string(&path).map_err(|source| CatalogError::Io {
                    file: origin.clone(),
                    source,
                })?;
                texts.push((name, origin, text));
            } else {
                texts.push((name, format!("embedded:{name}"), embedded.to_owned()));
            }
        }
        let catalogs = Self::from_texts(&texts)?;
        tracing::debug!(sources = ?catalogs.sources, "catalogues loaded");
        Ok(catalogs)
    }

    /// The compiled-in catalogues, parsed once. A test parses the same text, so this cannot
    /// fail in a released build; if it ever did, the error is logged and an empty catalogue
    /// is returned, which rejects every personal ID as having an unknown province rather
    /// than accepting unchecked data.
    pub fn embedded() -> Catalogs {
        static CACHE: OnceLock<Catalogs> = OnceLock::new();
        CACHE
            .get_or_init(|| match Self::try_embedded() {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "embedded catalogue is invalid");
                    Catalogs::default()
                }
            })
            .clone()
    }

    /// The compiled-in catalogues, with the parse error if they are broken.
    pub fn try_embedded() -> Result<Catalogs, CatalogError> {
        let texts: Vec<_> = EMBEDDED
            .iter()
            .map(|(name, text)| (*name, format!("embedded:{name}"), (*text).to_owned()))
            .collect();
        Self::from_texts(&texts)
    }

    /// The embedded text of one catalogue file, e.g. for `sohoa` to write out a starting
    /// point an administrator can edit.
    pub fn embedded_text(file: &str) -> Option<&'static str> {
        EMBEDDED.iter().find(|(n, _)| *n == file).map(|(_, t)| *t)
    }

    fn from_texts(texts: &[(&'static str, String, String)]) -> Result<Catalogs, CatalogError> {
        let text_of = |file: &str| {
            texts
                .iter()
                .find(|(n, _, _)| *n == file)
                .map(|(_, origin, text)| (origin.as_str(), text.as_str()))
                .unwrap_or(("", ""))
        };
        let (o, t) = text_of(PROVINCES_FILE);
        let provinces = parse::provinces(o, t)?;
        let (o, t) = text_of(DOCUMENT_TYPES_FILE);
        let document_types = Table::new(parse::document_types(o, t)?, |d| &d.code);
        let (o, t) = text_of(PROCEDURES_FILE);
        let procedures = parse::procedures(o, t, &|code| document_types.get(code))?;
        let (o, t) = text_of(MASTER_DATA_FILE);
        let master_data = parse::master_data(o, t)?;
        Ok(Catalogs {
            provinces: Table::new(provinces, |p| &p.code),
            document_types,
            procedures: Table::new(procedures, |p| &p.code),
            master_data: Table::new(master_data, |m| &m.code),
            sources: texts
                .iter()
                .map(|(file, origin, _)| CatalogSource {
                    file,
                    origin: origin.clone(),
                })
                .collect(),
        })
    }

    /// Exact 3-digit code, as it appears in a personal ID.
    pub fn province(&self, code: &str) -> Option<&Province> {
        self.provinces.get(code)
    }

    /// Case-insensitive, surrounding spaces ignored (codes are typed by hand).
    pub fn document_type(&self, code: &str) -> Option<&DocumentType> {
        self.document_types.get(&code.trim().to_ascii_uppercase())
    }

    /// Case-insensitive, surrounding spaces ignored.
    pub fn procedure(&self, code: &str) -> Option<&Procedure> {
        self.procedures.get(&code.trim().to_ascii_uppercase())
    }

    pub fn master_data(&self, code: &str) -> Option<&MasterData> {
        self.master_data.get(&code.trim().to_ascii_uppercase())
    }

    pub fn provinces(&self) -> impl Iterator<Item = &Province> {
        self.provinces.items.iter()
    }

    pub fn document_types(&self) -> impl Iterator<Item = &DocumentType> {
        self.document_types.items.iter()
    }

    /// Document types a record of `kind` may carry, in file order.
    pub fn document_types_for(&self, kind: RecordKind) -> impl Iterator<Item = &DocumentType> {
        self.document_types().filter(move |d| d.allows(kind))
    }

    pub fn procedures(&self) -> impl Iterator<Item = &Procedure> {
        self.procedures.items.iter()
    }

    pub fn master_data_entries(&self) -> impl Iterator<Item = &MasterData> {
        self.master_data.items.iter()
    }

    /// Where each file came from (a path or the embedded copy), for `sohoa doctor`.
    pub fn sources(&self) -> &[CatalogSource] {
        &self.sources
    }
}
