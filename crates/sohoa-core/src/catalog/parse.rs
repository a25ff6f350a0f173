//! TOML → catalogue entries, with the checks that make a hand-edited file safe to use.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::{
    CatalogError, DOCUMENT_TYPES_FILE, DocGroup, DocumentType, ExpectedPaper, MasterData, Procedure,
    ProcedureDomain, Province,
};
use crate::record::RecordKind;
use crate::text::clean_text;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvinceFile {
    #[serde(default)]
    province: Vec<Spanned<RawProvince>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvince {
    code: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocTypeFile {
    #[serde(default)]
    document_type: Vec<Spanned<RawDocType>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocType {
    code: String,
    name_vi: String,
    name_en: String,
    group: DocGroup,
    kinds: Vec<String>,
    #[serde(default)]
    official: bool,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcedureFile {
    #[serde(default)]
    procedure: Vec<Spanned<RawProcedure>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProcedure {
    code: String,
    official: bool,
    name_vi: String,
    name_en: String,
    domain: ProcedureDomain,
    result_doc_type: String,
    #[serde(default)]
    results_only: bool,
    #[serde(default)]
    papers_source: Option<String>,
    #[serde(default)]
    paper: Vec<RawPaper>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaper {
    /// Defaults to the first document type's name.
    #[serde(default)]
    name_vi: Option<String>,
    #[serde(default)]
    name_en: Option<String>,
    doc_types: Vec<String>,
    required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MasterDataFile {
    #[serde(default)]
    master_data: Vec<Spanned<RawMasterData>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMasterData {
    code: String,
    name_vi: String,
    name_en: String,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |head| head.matches('\n').count() + 1)
}

fn load<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, CatalogError> {
    toml::from_str(text).map_err(|e| CatalogError::Syntax {
        file: file.to_owned(),
        line: e.span().map_or(1, |s| line_of(text, s.start)),
        message: e.message().trim().to_owned(),
    })
}

/// Shared per-entry checks: code shape, uniqueness, non-empty names (cleaned to NFC).
struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    seen: HashMap<String, usize>,
}

impl<'a> Checker<'a> {
    fn new(file: &'a str, text: &'a str) -> Self {
        Self {
            file,
            text,
            seen: HashMap::new(),
        }
    }

    fn line<T>(&self, entry: &Spanned<T>) -> usize {
        line_of(self.text, entry.span().start)
    }

    /// Trims and upper-cases the code, checks its shape and that it is new.
    fn code(
        &mut self,
        line: usize,
        raw: &str,
        valid: impl Fn(&str) -> bool,
        expected: &'static str,
    ) -> Result<String, CatalogError> {
        let code = raw.trim().to_ascii_uppercase();
        if !valid(&code) {
            return Err(CatalogError::BadCode {
                file: self.file.to_owned(),
                line,
                code: raw.to_owned(),
                expected,
            });
        }
        if let Some(first_line) = self.seen.insert(code.clone(), line) {
            return Err(CatalogError::Duplicate {
                file: self.file.to_owned(),
                line,
                code,
                first_line,
            });
        }
        Ok(code)
    }

    fn name(&self, line: usize, code: &str, field: &'static str, raw: &str) -> Result<String, CatalogError> {
        let name = clean_text(raw);
        if name.is_empty() {
            return Err(CatalogError::EmptyName {
                file: self.file.to_owned(),
                line,
                code: code.to_owned(),
                field,
            });
        }
        Ok(name)
    }

    fn non_empty<T>(&self, items: Vec<T>) -> Result<Vec<T>, CatalogError> {
        if items.is_empty() {
            return Err(CatalogError::NoEntries {
                file: self.file.to_owned(),
            });
        }
        Ok(items)
    }
}

fn is_province_code(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())
}

fn is_doc_type_code(c: &str) -> bool {
    (2..=20).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !c.starts_with('-')
        && !c.ends_with('-')
}

/// National procedure database style: `1.004194`.
fn is_official_procedure_code(c: &str) -> bool {
    let b = c.as_bytes();
    b.len() == 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit)
}

fn is_own_procedure_code(c: &str) -> bool {
    c.strip_prefix("BCA-").is_some_and(|rest| {
        (1..=30).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && !rest.starts_with('-')
            && !rest.ends_with('-')
    })
}

fn is_master_data_code(c: &str) -> bool {
    c.len() == 6 && c.starts_with("DC") && c[2..].bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn provinces(file: &str, text: &str) -> Result<Vec<Province>, CatalogError> {
    let raw: ProvinceFile = load(file, text)?;
    let mut ck = Checker::new(file, text);
    let mut out = Vec::with_capacity(raw.province.len());
    for entry in &raw.province {
        let line = ck.line(entry);
        let p = entry.get_ref();
        let code = ck.code(line, &p.code, is_province_code, "3 digits, e.g. 079")?;
        let name = ck.name(line, &code, "name", &p.name)?;
        out.push(Province { code, name });
    }
    ck.non_empty(out)
}

pub(super) fn document_types(file: &str, text: &str) -> Result<Vec<DocumentType>, CatalogError> {
    let raw: DocTypeFile = load(file, text)?;
    let mut ck = Checker::new(file, text);
    let mut out = Vec::with_capacity(raw.document_type.len());
    for entry in &raw.document_type {
        let line = ck.line(entry);
        let d = entry.get_ref();
        let code = ck.code(
            line,
            &d.code,
            is_doc_type_code,
            "2-20 upper-case ASCII letters, digits or inner dashes, e.g. CT01",
        )?;
        let name_vi = ck.name(line, &code, "name_vi", &d.name_vi)?;
        let name_en = ck.name(line, &code, "name_en", &d.name_en)?;
        let mut kinds = Vec::with_capacity(d.kinds.len());
        for k in &d.kinds {
            let kind: RecordKind = k.parse().map_err(|_| CatalogError::UnknownKind {
                file: file.to_owned(),
                line,
                code: code.clone(),
                kind: k.clone(),
            })?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        if kinds.is_empty() {
            return Err(CatalogError::EmptyName {
                file: file.to_owned(),
                line,
                code,
                field: "kinds",
            });
        }
        let source = d.source.as_deref().map(clean_text).filter(|s| !s.is_empty());
        out.push(DocumentType {
            code,
            name_vi,
            name_en,
            group: d.group,
            kinds,
            official: d.official,
            source,
        });
    }
    ck.non_empty(out)
}

pub(super) fn procedures<'d>(
    file: &str,
    text: &str,
    doc_type: &dyn Fn(&str) -> Option<&'d DocumentType>,
) -> Result<Vec<Procedure>, CatalogError> {
    let raw: ProcedureFile = load(file, text)?;
    let mut ck = Checker::new(file, text);
    let mut out = Vec::with_capacity(raw.procedure.len());
    for entry in &raw.procedure {
        let line = ck.line(entry);
        let p = entry.get_ref();
        let code = if p.official {
            ck.code(
                line,
                &p.code,
                is_official_procedure_code,
                "an official code like 1.004194",
            )?
        } else {
            ck.code(
                line,
                &p.code,
                is_own_procedure_code,
                "BCA- followed by A-Z, 0-9 or dashes",
            )?
        };
        let name_vi = ck.name(line, &code, "name_vi", &p.name_vi)?;
        let name_en = ck.name(line, &code, "name_en", &p.name_en)?;
        let result_doc_type = p.result_doc_type.trim().to_ascii_uppercase();
        if doc_type(&result_doc_type).is_none() {
            return Err(CatalogError::UnknownReference {
                file: file.to_owned(),
                line,
                code,
                field: "result_doc_type",
                target: p.result_doc_type.clone(),
                target_file: DOCUMENT_TYPES_FILE,
            });
        }
        if p.results_only && !p.paper.is_empty() {
            return Err(CatalogError::PapersOfResultsOnly {
                file: file.to_owned(),
                line,
                code,
            });
        }
        let papers = p
            .paper
            .iter()
            .map(|raw| paper(&ck, line, &code, raw, doc_type))
            .collect::<Result<Vec<_>, _>>()?;
        let papers_source = p
            .papers_source
            .as_deref()
            .map(clean_text)
            .filter(|s| !s.is_empty());
        out.push(Procedure {
            code,
            official: p.official,
            name_vi,
            name_en,
            domain: p.domain,
            result_doc_type,
            results_only: p.results_only,
            papers,
            papers_source,
        });
    }
    ck.non_empty(out)
}

/// A paper's document types must exist and allow the `result` kind: reception makes one
/// result record per paper, and a type the record would refuse must not reach the desk.
fn paper<'d>(
    ck: &Checker<'_>,
    line: usize,
    code: &str,
    raw: &RawPaper,
    doc_type: &dyn Fn(&str) -> Option<&'d DocumentType>,
) -> Result<ExpectedPaper, CatalogError> {
    let mut types: Vec<&DocumentType> = Vec::with_capacity(raw.doc_types.len());
    for t in &raw.doc_types {
        let found =
            doc_type(&t.trim().to_ascii_uppercase()).ok_or_else(|| CatalogError::UnknownReference {
                file: ck.file.to_owned(),
                line,
                code: code.to_owned(),
                field: "paper.doc_types",
                target: t.clone(),
                target_file: DOCUMENT_TYPES_FILE,
            })?;
        if !found.allows(RecordKind::Result) {
            return Err(CatalogError::PaperNotResult {
                file: ck.file.to_owned(),
                line,
                code: code.to_owned(),
                doc_type: found.code.clone(),
            });
        }
        types.push(found);
    }
    let Some(first) = types.first() else {
        return Err(CatalogError::EmptyName {
            file: ck.file.to_owned(),
            line,
            code: code.to_owned(),
            field: "paper.doc_types",
        });
    };
    let name_vi = match &raw.name_vi {
        Some(n) => ck.name(line, code, "paper.name_vi", n)?,
        None => first.name_vi.clone(),
    };
    let name_en = match &raw.name_en {
        Some(n) => ck.name(line, code, "paper.name_en", n)?,
        None => first.name_en.clone(),
    };
    Ok(ExpectedPaper {
        name_vi,
        name_en,
        doc_types: types.iter().map(|t| t.code.clone()).collect(),
        required: raw.required,
    })
}

pub(super) fn master_data(file: &str, text: &str) -> Result<Vec<MasterData>, CatalogError> {
    let raw: MasterDataFile = load(file, text)?;
    let mut ck = Checker::new(file, text);
    let mut out = Vec::with_capacity(raw.master_data.len());
    for entry in &raw.master_data {
        let line = ck.line(entry);
        let m = entry.get_ref();
        let code = ck.code(line, &m.code, is_master_data_code, "DC followed by 4 digits")?;
        let name_vi = ck.name(line, &code, "name_vi", &m.name_vi)?;
        let name_en = ck.name(line, &code, "name_en", &m.name_en)?;
        out.push(MasterData {
            code,
            name_vi,
            name_en,
        });
    }
    ck.non_empty(out)
}
