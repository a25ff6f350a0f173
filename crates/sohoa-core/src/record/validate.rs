//! Whole-record rules: what must be present for each kind, and what must agree.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};

use super::keys::{field_def, field_keys};
use super::model::Owner;
use super::set::is_extra_key;
use super::{FieldError, RecordKind, RecordMeta};
use crate::catalog::{Catalogs, DocGroup};
use crate::identity::{Cmnd, IdError, OwnerId};
use crate::text::clean_text;

fn future(errs: &mut Vec<FieldError>, key: &str, date: Option<NaiveDate>, today: NaiveDate) {
    if date.is_some_and(|d| d > today) {
        errs.push(FieldError::InFuture { key: key.to_owned() });
    }
}

fn order(errs: &mut Vec<FieldError>, earlier: (&str, Option<NaiveDate>), later: (&str, Option<NaiveDate>)) {
    if let (Some(a), Some(b)) = (earlier.1, later.1)
        && a > b
    {
        errs.push(FieldError::DateOrder {
            earlier: earlier.0.to_owned(),
            later: later.0.to_owned(),
        });
    }
}

impl RecordMeta {
    /// Checks the record as a whole against the catalogues and `today` (the desk's local
    /// date). Returns every problem, not just the first, so a form can mark them all.
    pub fn validate(&self, cat: &Catalogs, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        self.check_keys(&mut errs);
        self.check_catalogue(cat, &mut errs);
        self.check_dates(today, &mut errs);
        self.check_owner(today, &mut errs);
        if self.kind == RecordKind::IdCard {
            self.check_id_card(&mut errs);
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// Required fields per kind, fields that do not belong to the kind, extra-key shape.
    fn check_keys(&self, errs: &mut Vec<FieldError>) {
        let fields = self.fields();
        let present: HashSet<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        let mut reported = HashSet::new();
        for (key, _) in &fields {
            let extra_ok = !key.starts_with("x.") || is_extra_key(key);
            match field_def(key) {
                Some(d) if !d.kinds.contains(&self.kind) => {
                    if reported.insert(key.as_str()) {
                        errs.push(FieldError::NotForKind {
                            key: key.clone(),
                            kind: self.kind,
                        });
                    }
                }
                Some(_) if extra_ok => {}
                _ => errs.push(FieldError::BadExtraKey { key: key.clone() }),
            }
        }
        for d in field_keys() {
            if d.required_for.contains(&self.kind) && !present.contains(d.key) {
                errs.push(FieldError::Required {
                    key: d.key.to_owned(),
                });
            }
        }
    }

    fn check_catalogue(&self, cat: &Catalogs, errs: &mut Vec<FieldError>) {
        if let Some(code) = &self.doc_type_code {
            match cat.document_type(code) {
                None => errs.push(FieldError::UnknownDocType { code: code.clone() }),
                Some(dt) if !dt.allows(self.kind) => errs.push(FieldError::DocTypeNotForKind {
                    code: code.clone(),
                    kind: self.kind,
                }),
                // Seed 002 minimum field 5: a result states how long it is valid.
                Some(dt) => {
                    if self.kind == RecordKind::Result
                        && dt.group == DocGroup::Result
                        && !self.validity.is_stated()
                    {
                        errs.push(FieldError::ValidityMissing);
                    }
                }
            }
        }
        if let Some(code) = &self.procedure_code {
            match cat.procedure(code) {
                None => errs.push(FieldError::UnknownProcedure { code: code.clone() }),
                Some(p) => {
                    let is_result = self.doc_type_code.as_deref() == Some(p.result_doc_type.as_str());
                    if p.results_only && self.doc_type_code.is_some() && !is_result {
                        errs.push(FieldError::ResultsOnly {
                            procedure: p.code.clone(),
                            result_doc_type: p.result_doc_type.clone(),
                        });
                    }
                }
            }
        }
    }

    fn check_dates(&self, today: NaiveDate, errs: &mut Vec<FieldError>) {
        let v = &self.validity;
        order(errs, ("valid_from", v.from), ("valid_to", v.to));
        if v.indefinite && v.to.is_some() {
            errs.push(FieldError::IndefiniteWithEnd);
        }
        if let Some(c) = &self.id_card {
            future(errs, "birth_date", c.birth_date, today);
        }
        if let Some(r) = &self.residence {
            for (i, m) in r.members.iter().enumerate() {
                let reg = format!("member[{}].registered", i + 1);
                let left = format!("member[{}].left", i + 1);
                future(errs, &reg, m.registered_on, today);
                future(errs, &left, m.left_on, today);
                order(errs, (&reg, m.registered_on), (&left, m.left_on));
            }
        }
        future(errs, "archival.issued_date", self.archival.issued_date, today);
        if self.archival.file_catalog.is_some_and(|y| y > today.year()) {
            errs.push(FieldError::InFuture {
                key: "archival.file_catalog".to_owned(),
            });
        }
    }

    fn check_owner(&self, today: NaiveDate, errs: &mut Vec<FieldError>) {
        match &self.owner {
            Owner::Identified {
                id: OwnerId::Personal(pid),
                ..
            } if pid.birth_year() > today.year() => errs.push(FieldError::Id {
                key: "owner_id".to_owned(),
                source: IdError::FutureBirthYear {
                    year: pid.birth_year(),
                },
            }),
            Owner::Identified { .. } => {}
            Owner::Unidentified {
                full_name,
                birth_year,
                id_issue_date,
                id_issuer,
            } => {
                for (key, value) in [("owner_name", full_name), ("id_issuer", id_issuer)] {
                    if clean_text(value).is_empty() {
                        errs.push(FieldError::Required { key: key.to_owned() });
                    }
                }
                if *birth_year > today.year() {
                    errs.push(FieldError::InFuture {
                        key: "birth_year".to_owned(),
                    });
                }
                future(errs, "id_issue_date", Some(*id_issue_date), today);
                if id_issue_date.year() < *birth_year {
                    errs.push(FieldError::DateOrder {
                        earlier: "birth_year".to_owned(),
                        later: "id_issue_date".to_owned(),
                    });
                }
            }
        }
    }

    /// The owner of an ID-card record is the person on the card: the number must be a
    /// person's, and what it encodes must match the six fields.
    fn check_id_card(&self, errs: &mut Vec<FieldError>) {
        let id = self.owner_id();
        if id.is_some_and(|id| !id.is_person()) {
            errs.push(FieldError::OwnerNotPerson);
        }
        let Some(card) = &self.id_card else { return };
        if let Some(n) = &card.cmnd_number
            && let Err(source) = Cmnd::parse(n)
        {
            errs.push(FieldError::Id {
                key: "cmnd_number".to_owned(),
                source,
            });
        }
        match id {
            Some(OwnerId::Personal(pid)) => {
                for e in pid.consistency_errors(card.birth_date, None, card.sex) {
                    let key = match e {
                        IdError::SexMismatch { .. } => "sex",
                        _ => "birth_date",
                    };
                    errs.push(FieldError::Id {
                        key: key.to_owned(),
                        source: e,
                    });
                }
            }
            Some(OwnerId::Cmnd(c)) if card.cmnd_number.as_deref().is_some_and(|n| n != c.as_str()) => {
                errs.push(FieldError::CmndMismatch);
            }
            _ => {}
        }
        let same = |a: &str, b: &str| clean_text(a).to_lowercase() == clean_text(b).to_lowercase();
        if let (Some(owner), Some(card_name)) = (self.owner.name(), &card.full_name)
            && !same(owner, card_name)
        {
            errs.push(FieldError::NameMismatch);
        }
    }
}
