//! Blob files against database rows: start-up reconciliation and the integrity check.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::blob::{self, BlobDir, is_sha256_hex};
use crate::types::{BlobProblem, IntegrityReport, MissingBlob, ReconcileReport};
use crate::{Store, StoreError};

/// What the database says should exist: sha → (size, every version using it).
struct Referenced {
    blobs: BTreeMap<String, (u64, Vec<(String, u32)>)>,
}

fn referenced(conn: &Connection) -> Result<Referenced, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT sha256, size, record_id, version FROM version_files
         GROUP BY sha256, record_id, version ORDER BY sha256, record_id, version",
    )?;
    let mut blobs: BTreeMap<String, (u64, Vec<(String, u32)>)> = BTreeMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, u32>(3)?,
        ))
    })?;
    for row in rows {
        let (sha, size, record_id, version) = row?;
        blobs
            .entry(sha)
            .or_insert_with(|| (size, Vec::new()))
            .1
            .push((record_id, version));
    }
    Ok(Referenced { blobs })
}

/// The blob tree as found on disk.
#[derive(Default)]
struct Tree {
    blobs: Vec<(String, PathBuf)>,
    temps: Vec<PathBuf>,
    unexpected: Vec<PathBuf>,
}

fn scan(blobs: &BlobDir) -> Result<Tree, StoreError> {
    let mut tree = Tree::default();
    for entry in read_dir(blobs.tmp())? {
        tree.temps.push(entry);
    }
    for top in read_dir(blobs.root())? {
        let Some(a) = file_name(&top) else { continue };
        if top == blobs.tmp() {
            continue;
        }
        if !(top.is_dir() && a.len() == 2 && is_hex(&a)) {
            tree.unexpected.push(top);
            continue;
        }
        for mid in read_dir(&top)? {
            let Some(b) = file_name(&mid) else { continue };
            if !(mid.is_dir() && b.len() == 2 && is_hex(&b)) {
                tree.unexpected.push(mid);
                continue;
            }
            for file in read_dir(&mid)? {
                match file_name(&file) {
                    Some(name)
                        if is_sha256_hex(&name) && name.starts_with(&format!("{a}{b}")) && file.is_file() =>
                    {
                        tree.blobs.push((name, file));
                    }
                    _ => tree.unexpected.push(file),
                }
            }
        }
    }
    Ok(tree)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let entries = fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))?;
    let mut out = Vec::new();
    for entry in entries {
        out.push(entry.map_err(|e| StoreError::io(dir, e))?.path());
    }
    out.sort();
    Ok(out)
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name().and_then(|n| n.to_str()).map(str::to_owned)
}

fn is_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn missing(blobs: &BlobDir, refs: &Referenced) -> Result<Vec<MissingBlob>, StoreError> {
    let mut out = Vec::new();
    for (sha, (_, users)) in &refs.blobs {
        if !blobs.path_of(sha)?.is_file() {
            out.extend(users.iter().map(|(record_id, version)| MissingBlob {
                sha256: sha.clone(),
                record_id: record_id.clone(),
                version: *version,
            }));
        }
    }
    Ok(out)
}

/// Reports versions whose blobs are missing; with `exclusive` (no other live process), also deletes temp
/// files and blob files that no version references and this process is not about to reference.
pub(crate) fn run(
    conn: &Connection,
    blobs: &BlobDir,
    exclusive: bool,
    pending: &HashMap<String, u32>,
) -> Result<ReconcileReport, StoreError> {
    let refs = referenced(conn)?;
    let mut report = ReconcileReport {
        missing_blobs: missing(blobs, &refs)?,
        cleanup_skipped: !exclusive,
        ..ReconcileReport::default()
    };
    if !exclusive {
        return Ok(report);
    }
    let tree = scan(blobs)?;
    for tmp in &tree.temps {
        remove(tmp)?;
        report.temp_removed += 1;
    }
    if !tree.temps.is_empty() {
        blob::sync_dir(blobs.tmp())?;
    }
    let mut touched: HashSet<PathBuf> = HashSet::new();
    for (sha, path) in &tree.blobs {
        if refs.blobs.contains_key(sha) || pending.contains_key(sha) {
            continue;
        }
        remove(path)?;
        report.orphan_blobs_removed += 1;
        if let Some(parent) = path.parent() {
            touched.insert(parent.to_path_buf());
        }
    }
    for dir in touched {
        blob::sync_dir(&dir)?;
    }
    for path in &tree.unexpected {
        tracing::warn!(path = %path.display(), "unexpected file in the blob tree left in place");
    }
    Ok(report)
}

fn remove(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io(path, e)),
    }
}

/// Deletes blob files of `candidates` that nothing references any more, inside a write transaction so no
/// commit can start referencing one while it goes. Returns (files removed, bytes freed).
pub(crate) fn remove_unreferenced(store: &Store, candidates: &[String]) -> Result<(u32, u64), StoreError> {
    let pending = store.pending_snapshot();
    store.write_tx(|tx| {
        let mut removed = 0u32;
        let mut bytes = 0u64;
        for sha in candidates {
            let used: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM version_files WHERE sha256 = ?1)",
                [sha],
                |r| r.get(0),
            )?;
            if used || pending.contains_key(sha) {
                continue;
            }
            let path = store.blobs.path_of(sha)?;
            if let Ok(meta) = fs::metadata(&path) {
                remove(&path)?;
                if let Some(parent) = path.parent() {
                    blob::sync_dir(parent)?;
                }
                removed += 1;
                bytes += meta.len();
            }
        }
        Ok((removed, bytes))
    })
}

/// The index is contentless, so FTS5's own check only covers its internal structure; that every record
/// is indexed exactly once is checked through the per-row size table FTS5 keeps.
fn fts_problem(conn: &Connection) -> Result<Option<String>, StoreError> {
    if let Err(e) = conn.execute(
        "INSERT INTO records_fts (records_fts) VALUES ('integrity-check')",
        [],
    ) {
        return Ok(Some(e.to_string()));
    }
    let (unindexed, stale): (u64, u64) = conn.query_row(
        "SELECT (SELECT count(*) FROM records WHERE rid NOT IN (SELECT id FROM records_fts_docsize)),
                (SELECT count(*) FROM records_fts_docsize WHERE id NOT IN (SELECT rid FROM records))",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((unindexed + stale > 0)
        .then(|| format!("{unindexed} records not indexed, {stale} index rows without a record")))
}

pub(crate) fn integrity(
    conn: &Connection,
    blobs: &BlobDir,
    deep: bool,
    pending: &HashMap<String, u32>,
) -> Result<IntegrityReport, StoreError> {
    let mut report = IntegrityReport {
        deep,
        ..IntegrityReport::default()
    };
    {
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        report.sqlite_errors = lines.into_iter().filter(|l| l != "ok").collect();
    }
    {
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "{} row {:?} references {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?
            ))
        })?;
        report.foreign_key_violations = rows.collect::<Result<Vec<_>, _>>()?;
    }
    report.fts_error = fts_problem(conn)?;
    let refs = referenced(conn)?;
    report.missing_blobs = missing(blobs, &refs)?;
    for (sha, (size, _)) in &refs.blobs {
        let path = blobs.path_of(sha)?;
        let Ok(meta) = fs::metadata(&path) else { continue };
        report.blobs_checked += 1;
        if meta.len() != *size {
            report.damaged_blobs.push(BlobProblem {
                sha256: sha.clone(),
                problem: format!("size {} on disk, {} recorded", meta.len(), size),
            });
        } else if deep {
            let (actual, _) = blob::hash_file(&path)?;
            if &actual != sha {
                report.damaged_blobs.push(BlobProblem {
                    sha256: sha.clone(),
                    problem: format!("content hashes to {actual}"),
                });
            }
        }
    }
    let tree = scan(blobs)?;
    report.temp_files = tree.temps.len() as u64;
    report.orphan_blobs = tree
        .blobs
        .into_iter()
        .map(|(sha, _)| sha)
        .filter(|sha| !refs.blobs.contains_key(sha) && !pending.contains_key(sha))
        .collect();
    report.unexpected_files = tree.unexpected.iter().map(|p| p.display().to_string()).collect();
    report.ok = report.sqlite_errors.is_empty()
        && report.foreign_key_violations.is_empty()
        && report.fts_error.is_none()
        && report.missing_blobs.is_empty()
        && report.damaged_blobs.is_empty()
        && report.orphan_blobs.is_empty();
    Ok(report)
}
