//! Reading a record back: flat fields, storage key, title, search text.

use super::RecordMeta;
use super::archival::archival_field_defs;
use super::model::{HouseholdMember, Owner};
use super::value::render_date;
use crate::text::{fold_accents, nfc};

fn member_value(m: &HouseholdMember) -> String {
    [
        m.full_name.clone(),
        m.id.clone().unwrap_or_default(),
        m.relation.clone().unwrap_or_default(),
        m.registered_on.map(render_date).unwrap_or_default(),
        m.left_on.map(render_date).unwrap_or_default(),
    ]
    .join(";")
}

impl RecordMeta {
    /// Every set field as `(key, value)` in the canonical order, in the format
    /// [`RecordMeta::set_field`] accepts (dates `YYYY-MM-DD`), so applying them to
    /// `RecordMeta::new(kind, owner)` rebuilds this record. `member` repeats.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut push = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                out.push((key.to_owned(), v));
            }
        };
        match &self.owner {
            Owner::Identified { id, name } => {
                push("owner_id", Some(id.as_str().to_owned()));
                push("owner_name", name.clone());
            }
            Owner::Unidentified {
                full_name,
                birth_year,
                id_issue_date,
                id_issuer,
            } => {
                push("owner_name", Some(full_name.clone()));
                push("birth_year", Some(birth_year.to_string()));
                push("id_issue_date", Some(render_date(*id_issue_date)));
                push("id_issuer", Some(id_issuer.clone()));
            }
        }
        push("doc_type", self.doc_type_code.clone());
        push("procedure", self.procedure_code.clone());
        push("doc_name", self.doc_name.clone());
        push("summary", self.summary.clone());
        push("valid_from", self.validity.from.map(render_date));
        push("valid_to", self.validity.to.map(render_date));
        push(
            "valid_indefinite",
            self.validity.indefinite.then(|| "true".to_owned()),
        );
        push("scope", self.scope.clone());
        if let Some(c) = &self.id_card {
            push("full_name", c.full_name.clone());
            push("birth_date", c.birth_date.map(render_date));
            push("sex", c.sex.map(|s| s.as_str().to_owned()));
            push("cmnd_number", c.cmnd_number.clone());
            push("father_name", c.father_name.clone());
            push("mother_name", c.mother_name.clone());
        }
        if let Some(r) = &self.residence {
            push("household_head", r.household_head.clone());
            push("address", r.address.clone());
            for m in &r.members {
                push("member", Some(member_value(m)));
            }
        }
        if let Some(s) = &self.storage {
            push("storage.warehouse", s.warehouse.clone());
            push("storage.shelf", s.shelf.clone());
            push("storage.box", s.box_no.clone());
            push("storage.file", s.file_no.clone());
        }
        if let Some(i) = &self.info_only {
            push("condition", Some(i.condition.as_str().to_owned()));
            push("note", i.note.clone());
        }
        for d in archival_field_defs() {
            push(d.key, self.archival.get(d.name()));
        }
        for (k, v) in &self.extra {
            push(k, Some(v.clone()));
        }
        out
    }

    /// `<owner identification number>.<document type code>` (seed 002), when both are known.
    pub fn storage_key(&self) -> Option<String> {
        let id = self.owner_id()?;
        let code = self.doc_type_code.as_deref()?;
        Some(format!("{}.{code}", id.as_str()))
    }

    /// One line for lists: the document name, or the kind label, followed by whose it is.
    pub fn title(&self) -> String {
        let base = self.doc_name.as_deref().unwrap_or(self.kind.label_vi());
        let who = self
            .owner_name()
            .or_else(|| self.residence.as_ref().and_then(|r| r.household_head.clone()));
        match who {
            Some(name) => format!("{base} – {name}"),
            None => base.to_owned(),
        }
    }

    /// Every textual value joined for full-text search, followed by an accent-folded copy
    /// (`Nguyễn Văn Đức` also as `Nguyen Van Duc`) so a search typed without diacritics
    /// still matches. NFC throughout.
    pub fn search_text(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        for (key, value) in self.fields() {
            match key.as_str() {
                "valid_indefinite" => {}
                "member" => words.extend(value.split(';').filter(|p| !p.is_empty()).map(str::to_owned)),
                "condition" => {
                    if let Some(i) = &self.info_only {
                        words.push(i.condition.label_vi().to_owned());
                    }
                    words.push(value);
                }
                _ => words.push(value),
            }
        }
        let text = nfc(&words.join(" "));
        let folded = fold_accents(&text);
        if folded == text {
            text
        } else {
            format!("{text}\n{folded}")
        }
    }
}
