//! Setting one field from its flat key and typed-in value.

use super::keys::{field_def, order_of, suggestions};
use super::model::{HouseholdMember, InfoOnlyFields, Owner, PhysicalCondition};
use super::value::{parse_bool, parse_date, parse_year, text};
use super::{FieldError, RecordMeta};
use crate::catalog::Catalogs;
use crate::identity::{Cmnd, IdError, OwnerId, PersonalId, Sex, digits_only};

/// Upper bounds for free text without an Appendix VI length: long enough for any real
/// value, short enough to catch a paste of a whole page into a name field.
const NAME_MAX: usize = 100;
const LINE_MAX: usize = 300;
const LONG_MAX: usize = 500;
const STORAGE_MAX: usize = 50;

fn id_err(key: &str) -> impl Fn(IdError) -> FieldError + '_ {
    move |source| FieldError::Id {
        key: key.to_owned(),
        source,
    }
}

fn opt<T>(raw: &str, parse: impl FnOnce(&str) -> Result<T, FieldError>) -> Result<Option<T>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

/// `x.` followed by lower-case ASCII letters, digits, `_`, `-`, `.`: safe as a JSON key,
/// a column name in exports and a CLI argument.
pub(crate) fn is_extra_key(key: &str) -> bool {
    key.strip_prefix("x.").is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 40
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b))
    })
}

impl RecordMeta {
    /// Parses and validates one field. An empty value clears an optional field (and `member=`
    /// clears all members); `member` appends. Catalogue codes are checked here so a typo is
    /// caught while the officer is still at the field.
    pub fn set_field(&mut self, key: &str, value: &str, cat: &Catalogs) -> Result<(), FieldError> {
        let key = key.trim();
        let def = field_def(key).ok_or_else(|| FieldError::UnknownKey {
            key: key.to_owned(),
            suggestions: suggestions(key),
        })?;
        if !def.kinds.contains(&self.kind) {
            return Err(FieldError::NotForKind {
                key: key.to_owned(),
                kind: self.kind,
            });
        }
        self.set_known(key, value, cat)?;
        self.compact();
        Ok(())
    }

    /// Applies several fields at once, in the canonical key order whatever the order given
    /// (so `note` may precede `condition` on a command line), and only if every one is
    /// valid: on error the record is unchanged and every bad field is reported.
    pub fn set_fields<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        pairs: &[(K, V)],
        cat: &Catalogs,
    ) -> Result<(), Vec<FieldError>> {
        let mut ordered: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_ref().trim(), v.as_ref()))
            .collect();
        ordered.sort_by_key(|(k, _)| order_of(k));
        let mut draft = self.clone();
        let errors: Vec<FieldError> = ordered
            .into_iter()
            .filter_map(|(k, v)| draft.set_field(k, v, cat).err())
            .collect();
        if errors.is_empty() {
            *self = draft;
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn set_known(&mut self, key: &str, raw: &str, cat: &Catalogs) -> Result<(), FieldError> {
        match key {
            "owner_id" | "owner_name" | "birth_year" | "id_issue_date" | "id_issuer" => {
                self.set_owner_field(key, raw, cat)?;
            }
            "doc_type" => {
                self.doc_type_code = opt(raw, |v| {
                    let dt = cat.document_type(v).ok_or_else(|| FieldError::UnknownDocType {
                        code: v.trim().to_owned(),
                    })?;
                    if !dt.allows(self.kind) {
                        return Err(FieldError::DocTypeNotForKind {
                            code: dt.code.clone(),
                            kind: self.kind,
                        });
                    }
                    Ok(dt.code.clone())
                })?;
            }
            "procedure" => {
                self.procedure_code = opt(raw, |v| {
                    cat.procedure(v)
                        .map(|p| p.code.clone())
                        .ok_or_else(|| FieldError::UnknownProcedure {
                            code: v.trim().to_owned(),
                        })
                })?;
            }
            "doc_name" => self.doc_name = text(key, raw, LINE_MAX)?,
            "summary" => self.summary = text(key, raw, LONG_MAX)?,
            "valid_from" => self.validity.from = opt(raw, |v| parse_date(key, v))?,
            "valid_to" => self.validity.to = opt(raw, |v| parse_date(key, v))?,
            "valid_indefinite" => {
                self.validity.indefinite = opt(raw, |v| parse_bool(key, v))?.unwrap_or(false);
            }
            "scope" => self.scope = text(key, raw, LINE_MAX)?,
            "full_name" | "birth_date" | "sex" | "cmnd_number" | "father_name" | "mother_name" => {
                self.set_id_card_field(key, raw)?;
            }
            "household_head" => {
                self.residence.get_or_insert_default().household_head = text(key, raw, NAME_MAX)?;
            }
            "address" => self.residence.get_or_insert_default().address = text(key, raw, LINE_MAX)?,
            "member" => {
                let residence = self.residence.get_or_insert_default();
                match opt(raw, |v| parse_member(v, cat))? {
                    Some(m) => residence.members.push(m),
                    None => residence.members.clear(),
                }
            }
            "storage.warehouse" | "storage.shelf" | "storage.box" | "storage.file" => {
                let value = text(key, raw, STORAGE_MAX)?;
                let s = self.storage.get_or_insert_default();
                match key {
                    "storage.warehouse" => s.warehouse = value,
                    "storage.shelf" => s.shelf = value,
                    "storage.box" => s.box_no = value,
                    _ => s.file_no = value,
                }
            }
            "condition" => {
                let parsed = opt(raw, |v| {
                    PhysicalCondition::parse(v).ok_or(FieldError::BadChoice {
                        key: key.to_owned(),
                        expected: "good, worn, torn, faded, damaged, missing",
                    })
                })?;
                self.info_only = parsed.map(|condition| InfoOnlyFields {
                    condition,
                    note: self.info_only.take().and_then(|i| i.note),
                });
            }
            "note" => {
                let note = text(key, raw, LONG_MAX)?;
                match (&mut self.info_only, note) {
                    (Some(info), note) => info.note = note,
                    (None, None) => {}
                    (None, Some(_)) => {
                        return Err(FieldError::Requires {
                            key: key.to_owned(),
                            needs: "condition",
                        });
                    }
                }
            }
            k if k.starts_with("archival.") => {
                let name = &k["archival.".len()..];
                self.archival.set(name, key, raw).unwrap_or_else(|| {
                    Err(FieldError::UnknownKey {
                        key: key.to_owned(),
                        suggestions: suggestions(key),
                    })
                })?;
            }
            k if k.starts_with("x.") => {
                if !is_extra_key(k) {
                    return Err(FieldError::BadExtraKey { key: k.to_owned() });
                }
                match text(key, raw, LONG_MAX)? {
                    Some(v) => self.extra.insert(k.to_owned(), v),
                    None => self.extra.remove(k),
                };
            }
            _ => {
                return Err(FieldError::UnknownKey {
                    key: key.to_owned(),
                    suggestions: suggestions(key),
                });
            }
        }
        Ok(())
    }

    fn set_owner_field(&mut self, key: &str, raw: &str, cat: &Catalogs) -> Result<(), FieldError> {
        let required = || FieldError::Required { key: key.to_owned() };
        if key == "owner_id" {
            if raw.trim().is_empty() {
                return Err(required());
            }
            let id = OwnerId::parse(raw, cat).map_err(id_err(key))?;
            let name = self.owner.name().map(str::to_owned);
            self.owner = Owner::Identified { id, name };
            return Ok(());
        }
        match (&mut self.owner, key) {
            (Owner::Identified { name, .. }, "owner_name") => *name = text(key, raw, 200)?,
            (Owner::Identified { .. }, _) => {
                return Err(FieldError::NotForOwner { key: key.to_owned() });
            }
            (
                Owner::Unidentified {
                    full_name,
                    birth_year,
                    id_issue_date,
                    id_issuer,
                },
                _,
            ) => match key {
                "owner_name" => *full_name = text(key, raw, 200)?.ok_or_else(required)?,
                "birth_year" => *birth_year = opt(raw, |v| parse_year(key, v))?.ok_or_else(required)?,
                "id_issue_date" => {
                    *id_issue_date = opt(raw, |v| parse_date(key, v))?.ok_or_else(required)?;
                }
                _ => *id_issuer = text(key, raw, 200)?.ok_or_else(required)?,
            },
        }
        Ok(())
    }

    fn set_id_card_field(&mut self, key: &str, raw: &str) -> Result<(), FieldError> {
        let card = self.id_card.get_or_insert_default();
        match key {
            "full_name" => card.full_name = text(key, raw, NAME_MAX)?,
            "birth_date" => card.birth_date = opt(raw, |v| parse_date(key, v))?,
            "sex" => card.sex = opt(raw, |v| Sex::parse(v).map_err(id_err(key)))?,
            "cmnd_number" => {
                card.cmnd_number = opt(raw, |v| {
                    Cmnd::parse(v).map(|c| c.as_str().to_owned()).map_err(id_err(key))
                })?;
            }
            "father_name" => card.father_name = text(key, raw, NAME_MAX)?,
            _ => card.mother_name = text(key, raw, NAME_MAX)?,
        }
        Ok(())
    }
}

/// `name;id;relation;registered;left`; only the name is required, trailing parts may be
/// omitted. A member's number is a 12-digit personal ID or a 9-digit CMND: only citizens
/// are registered in a household.
fn parse_member(raw: &str, cat: &Catalogs) -> Result<HouseholdMember, FieldError> {
    let parts: Vec<&str> = raw.split(';').collect();
    if parts.len() > 5 {
        return Err(FieldError::BadMember { parts: parts.len() });
    }
    let part = |i: usize| parts.get(i).copied().unwrap_or("");
    let full_name = text("member.name", part(0), NAME_MAX)?.ok_or_else(|| FieldError::Required {
        key: "member.name".to_owned(),
    })?;
    let id = opt(part(1), |v| {
        let key = "member.id";
        let digits = digits_only(v).map_err(id_err(key))?;
        match digits.len() {
            12 => PersonalId::parse(v, cat)
                .map(|p| p.as_str().to_owned())
                .map_err(id_err(key)),
            9 => Ok(digits),
            len => Err(id_err(key)(IdError::BadLength {
                len,
                expected: "9/12",
            })),
        }
    })?;
    Ok(HouseholdMember {
        full_name,
        id,
        relation: text("member.relation", part(2), NAME_MAX)?,
        registered_on: opt(part(3), |v| parse_date("member.registered", v))?,
        left_on: opt(part(4), |v| parse_date("member.left", v))?,
    })
}
