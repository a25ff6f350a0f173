//! Supervisor reviews of record versions and per-batch sample draws.
//!
//! The store keeps what was decided and by whom; the engine derives a record's review state from it (never
//! a stored flag, which could drift from the versions). A review is bound to the digest of its version's page
//! images, so [`Store::review_index`] can tell whether the current version still shows the pages reviewed.

use std::collections::{BTreeMap, HashSet};

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::records::{check_full_id, load};
use crate::store::check_actor;
use crate::text::{nfc, now_ts};
use crate::types::Actor;
use crate::{Store, StoreError, audit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewVerdict {
    Approved,
    /// The record goes back to the officer who created it, for rescanning.
    Rejected,
}

impl ReviewVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewVerdict::Approved => "approved",
            ReviewVerdict::Rejected => "rejected",
        }
    }
}

/// A review as the supervisor gives it.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub record_id: String,
    /// Must be the record's current version when the review is written.
    pub version: u32,
    pub verdict: ReviewVerdict,
    /// Required (non-blank) for a reject.
    pub reason: Option<String>,
    /// File ordinals of page images of `version`; empty means the whole record.
    pub pages: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewRow {
    pub id: i64,
    pub record_id: String,
    pub version: u32,
    /// SHA-256 over the version's page-image hashes in order.
    pub pages_digest: String,
    pub verdict: ReviewVerdict,
    pub reason: Option<String>,
    pub pages: Vec<u32>,
    pub reviewer: String,
    pub workstation: String,
    pub at: String,
    /// The record was in its batch's sample draw when reviewed.
    pub sampled: bool,
}

/// A live record with page images, and the latest review that saw exactly those pages.
#[derive(Debug, Clone)]
pub struct ReviewIndexRow {
    pub record_id: String,
    pub current_version: u32,
    pub pages_digest: String,
    pub created_by: String,
    pub batch_id: Option<String>,
    pub sampled: bool,
    pub review: Option<ReviewRow>,
}

/// A stored sample draw of one batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleRow {
    pub batch_id: String,
    pub share: f64,
    pub seed: i64,
    /// Records of the batch that have pages to check (information-only records are not drawn).
    pub population: u32,
    pub drawn_at: String,
    pub drawn_by: String,
    /// Drawn records in feed order.
    pub records: Vec<String>,
}

const REVIEW_COLS: &str =
    "id, record_id, version, pages_digest, verdict, reason, pages, reviewer, workstation, at, sampled";

fn review_row(r: &Row<'_>) -> rusqlite::Result<ReviewRow> {
    let verdict: String = r.get(4)?;
    let pages: String = r.get(6)?;
    Ok(ReviewRow {
        id: r.get(0)?,
        record_id: r.get(1)?,
        version: r.get(2)?,
        pages_digest: r.get(3)?,
        verdict: if verdict == "approved" {
            ReviewVerdict::Approved
        } else {
            ReviewVerdict::Rejected
        },
        reason: r.get(5)?,
        pages: serde_json::from_str(&pages).unwrap_or_default(),
        reviewer: r.get(7)?,
        workstation: r.get(8)?,
        at: r.get(9)?,
        sampled: r.get(10)?,
    })
}

/// Digest of an ordered list of page-image hashes.
fn digest<'a>(shas: impl Iterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    for s in shas {
        h.update(s.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// `(ordinal, sha256)` of the page images of one version, in order.
fn version_images(
    conn: &Connection,
    record_id: &str,
    version: u32,
) -> Result<Vec<(u32, String)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT ordinal, sha256 FROM version_files
         WHERE record_id = ?1 AND version = ?2 AND media_type LIKE 'image/%' ORDER BY ordinal",
    )?;
    let rows = stmt.query_map(params![record_id, version], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn is_sampled(conn: &Connection, record_id: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM review_sample_records WHERE record_id = ?1)",
        [record_id],
        |r| r.get(0),
    )?)
}

fn load_sample(conn: &Connection, batch_id: &str) -> Result<Option<SampleRow>, StoreError> {
    let head = conn
        .query_row(
            "SELECT share, seed, population, drawn_at, drawn_by FROM review_samples WHERE batch_id = ?1",
            [batch_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((share, seed, population, drawn_at, drawn_by)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(
        "SELECT s.record_id FROM review_sample_records s
         LEFT JOIN batch_records b ON b.record_id = s.record_id AND b.batch_id = s.batch_id
         WHERE s.batch_id = ?1 ORDER BY b.seq, s.record_id",
    )?;
    let records = stmt
        .query_map([batch_id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(Some(SampleRow {
        batch_id: batch_id.to_owned(),
        share,
        seed,
        population,
        drawn_at,
        drawn_by,
        records,
    }))
}

impl Store {
    /// Writes a review with its audit entry. Refused (nothing written) when `version` is no longer the
    /// record's current one (`Conflict`: someone rescanned meanwhile), when a reject has no reason, or when
    /// a page ordinal is not a page image of that version.
    pub fn add_review(&self, actor: &Actor, new: &NewReview) -> Result<ReviewRow, StoreError> {
        check_actor(actor)?;
        check_full_id(&new.record_id)?;
        let reason = new
            .reason
            .as_deref()
            .map(|r| nfc(r.trim()))
            .filter(|r| !r.is_empty());
        if new.verdict == ReviewVerdict::Rejected && reason.is_none() {
            return Err(StoreError::InvalidInput {
                field: "reason",
                reason: "a reject needs a reason".to_owned(),
            });
        }
        let mut pages = new.pages.clone();
        pages.sort_unstable();
        pages.dedup();
        self.write_tx(|tx| {
            let record = load(tx, &new.record_id)?;
            if record.trashed_at.is_some() {
                return Err(StoreError::InTrash {
                    id: new.record_id.clone(),
                });
            }
            if record.current_version != Some(new.version) {
                return Err(StoreError::Conflict {
                    expected: new.version,
                    actual: record.current_version.unwrap_or(0),
                });
            }
            let images = version_images(tx, &new.record_id, new.version)?;
            if images.is_empty() {
                return Err(StoreError::InvalidInput {
                    field: "version",
                    reason: "the version has no page images to review".to_owned(),
                });
            }
            if let Some(bad) = pages.iter().find(|p| !images.iter().any(|(o, _)| o == *p)) {
                return Err(StoreError::InvalidInput {
                    field: "pages",
                    reason: format!("version {} has no page image at ordinal {bad}", new.version),
                });
            }
            let pages_digest = digest(images.iter().map(|(_, s)| s.as_str()));
            let sampled = is_sampled(tx, &new.record_id)?;
            let at = now_ts();
            tx.execute(
                "INSERT INTO reviews (record_id, version, pages_digest, verdict, reason, pages, reviewer,
                    workstation, at, sampled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    new.record_id,
                    new.version,
                    pages_digest,
                    new.verdict.as_str(),
                    reason,
                    serde_json::to_string(&pages).unwrap_or_else(|_| "[]".to_owned()),
                    actor.user,
                    actor.workstation,
                    at,
                    sampled
                ],
            )?;
            let id = tx.last_insert_rowid();
            // The reason is free text that may name the citizen: it stays in the review row, like a
            // version's reason; the audit entry binds the decision.
            audit::append(
                tx,
                actor,
                &format!("review.{}", new.verdict.as_str()),
                Some(&new.record_id),
                &json!({"review": id, "version": new.version, "pages_digest": pages_digest,
                        "pages": pages, "sampled": sampled}),
            )?;
            tx.query_row(
                &format!("SELECT {REVIEW_COLS} FROM reviews WHERE id = ?1"),
                [id],
                review_row,
            )
            .map_err(StoreError::from)
        })
    }

    /// Every review of a record, oldest first.
    pub fn reviews(&self, record_id: &str) -> Result<Vec<ReviewRow>, StoreError> {
        check_full_id(record_id)?;
        self.with_conn(|conn| {
            load(conn, record_id)?;
            let mut stmt = conn.prepare(&format!(
                "SELECT {REVIEW_COLS} FROM reviews WHERE record_id = ?1 ORDER BY id"
            ))?;
            let rows = stmt.query_map([record_id], review_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Every live record whose current version has page images, with the latest review of those exact
    /// pages. Three queries whatever the number of records, so a queue of thousands stays quick.
    pub fn review_index(&self) -> Result<Vec<ReviewIndexRow>, StoreError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare(
                "SELECT r.id, r.current_version, r.created_by, f.sha256,
                    (SELECT batch_id FROM batch_records b WHERE b.record_id = r.id),
                    EXISTS (SELECT 1 FROM review_sample_records s WHERE s.record_id = r.id)
                 FROM records r JOIN version_files f ON f.record_id = r.id AND f.version = r.current_version
                 WHERE r.trashed_at IS NULL AND f.media_type LIKE 'image/%'
                 ORDER BY r.created_at, r.id, f.ordinal",
            )?;
            let mut rows = stmt.query([])?;
            let mut out: Vec<ReviewIndexRow> = Vec::new();
            let mut shas: Vec<Vec<String>> = Vec::new();
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                if out.last().is_none_or(|last| last.record_id != id) {
                    out.push(ReviewIndexRow {
                        record_id: id,
                        current_version: r.get(1)?,
                        pages_digest: String::new(),
                        created_by: r.get(2)?,
                        batch_id: r.get(4)?,
                        sampled: r.get(5)?,
                        review: None,
                    });
                    shas.push(Vec::new());
                }
                if let Some(list) = shas.last_mut() {
                    list.push(r.get(3)?);
                }
            }
            let mut at: BTreeMap<(String, String), usize> = BTreeMap::new();
            for (i, (row, list)) in out.iter_mut().zip(&shas).enumerate() {
                row.pages_digest = digest(list.iter().map(String::as_str));
                at.insert((row.record_id.clone(), row.pages_digest.clone()), i);
            }
            let mut stmt = conn.prepare(&format!("SELECT {REVIEW_COLS} FROM reviews ORDER BY id"))?;
            for review in stmt.query_map([], review_row)? {
                let review = review?;
                if let Some(&i) = at.get(&(review.record_id.clone(), review.pages_digest.clone())) {
                    out[i].review = Some(review);
                }
            }
            Ok(out)
        })
    }

    /// The stored sample draw of a batch, if one was drawn.
    pub fn review_sample(&self, batch_id: &str) -> Result<Option<SampleRow>, StoreError> {
        self.with_conn(|conn| load_sample(conn, batch_id))
    }

    /// Stores a batch's sample draw, or returns the one already stored (the first draw is the one that
    /// counts: drawing again until a convenient sample comes up is exactly what the seed must prevent).
    /// The flag says whether this call stored it.
    pub fn save_review_sample(
        &self,
        actor: &Actor,
        draw: &SampleRow,
    ) -> Result<(SampleRow, bool), StoreError> {
        check_actor(actor)?;
        if !(draw.share > 0.0 && draw.share <= 1.0) || draw.records.is_empty() {
            return Err(StoreError::InvalidInput {
                field: "sample",
                reason: "the share must be in (0, 1] and at least one record drawn".to_owned(),
            });
        }
        self.write_tx(|tx| {
            if let Some(existing) = load_sample(tx, &draw.batch_id)? {
                return Ok((existing, false));
            }
            let members: HashSet<String> = {
                let mut stmt = tx.prepare("SELECT record_id FROM batch_records WHERE batch_id = ?1")?;
                let rows = stmt.query_map([&draw.batch_id], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            if let Some(stranger) = draw.records.iter().find(|r| !members.contains(*r)) {
                return Err(StoreError::InvalidInput {
                    field: "sample",
                    reason: format!("record {stranger} is not in batch {}", draw.batch_id),
                });
            }
            tx.execute(
                "INSERT INTO review_samples (batch_id, share, seed, population, drawn_at, drawn_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    draw.batch_id,
                    draw.share,
                    draw.seed,
                    draw.population,
                    now_ts(),
                    actor.user
                ],
            )?;
            for record in &draw.records {
                tx.execute(
                    "INSERT INTO review_sample_records (batch_id, record_id) VALUES (?1, ?2)",
                    params![draw.batch_id, record],
                )?;
            }
            audit::append(
                tx,
                actor,
                "review.sample",
                None,
                &json!({"batch": draw.batch_id, "share": draw.share, "seed": draw.seed,
                        "population": draw.population, "records": draw.records}),
            )?;
            let stored = load_sample(tx, &draw.batch_id)?.ok_or_else(|| StoreError::Corrupt {
                what: format!("sample of batch {} vanished", draw.batch_id),
            })?;
            Ok((stored, true))
        })
    }
}

#[cfg(test)]
#[path = "reviews_tests.rs"]
mod tests;
