//! The audit chain: append-only triggers, and tampering with any byte of any entry found at that entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::{actor, new_record, other_actor, page, update_of};
use rusqlite::Connection;
use sohoa_store::{AUDIT_GENESIS_HASH, AuditReport, Store};

/// A data directory whose chain has every kind of entry, including ones without a record id.
fn pristine() -> (tempfile::TempDir, u64) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut new = new_record("001099012345", "Võ Thị Sáu", "Giấy khai sinh");
    let rec = store.create_record(&actor(), &new).unwrap();
    store
        .audit_append(
            &other_actor(),
            "app.start",
            None,
            &serde_json::json!({"version": "0.1.0"}),
        )
        .unwrap();
    new.title = "Giấy khai sinh (bản sao)".to_owned();
    store
        .update_record(&other_actor(), &rec.id, &update_of(&new), Some(1))
        .unwrap();
    let p = page(&store, b"scan", "trang-1.png");
    store.commit_version(&actor(), &rec.id, &[p], "scan").unwrap();
    store.trash(&actor(), &rec.id, "nhầm").unwrap();
    store.restore(&actor(), &rec.id).unwrap();
    store
        .audit_append(
            &actor(),
            "export",
            Some(&rec.id),
            &serde_json::json!({"format": "pdf", "pages": 1}),
        )
        .unwrap();
    store
        .audit_append(&actor(), "app.stop", None, &serde_json::json!({}))
        .unwrap();
    let report = store.audit_verify().unwrap();
    assert!(report.is_valid(), "{report:?}");
    (dir, report.entries)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn verify(dir: &Path) -> AuditReport {
    Store::open(dir).unwrap().audit_verify().unwrap()
}

/// Runs `sql` on a copy of `src` with the append-only triggers dropped, then verifies the copy.
fn tampered(src: &Path, work: &Path, sql: &str) -> AuditReport {
    let _ = std::fs::remove_dir_all(work);
    copy_dir(src, work);
    let conn = Connection::open(work.join("sohoa.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         DROP TRIGGER audit_head_forward; DROP TRIGGER audit_head_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    verify(work)
}

#[test]
fn the_log_refuses_updates_deletes_and_out_of_chain_inserts() {
    let (dir, n) = pristine();
    let conn = Connection::open(dir.path().join("sohoa.db")).unwrap();
    for sql in [
        "UPDATE audit_log SET user = 'x' WHERE seq = 1".to_owned(),
        "DELETE FROM audit_log WHERE seq = 1".to_owned(),
        format!("DELETE FROM audit_log WHERE seq = {n}"),
        "UPDATE audit_head SET seq = 1".to_owned(),
        "DELETE FROM audit_head".to_owned(),
        format!(
            "INSERT INTO audit_log VALUES ({}, 't', 'u', 'w', 'a', NULL, '{{}}', '{AUDIT_GENESIS_HASH}', 'h')",
            n + 1
        ),
        format!(
            "INSERT INTO audit_log VALUES ({}, 't', 'u', 'w', 'a', NULL, '{{}}', 'x', 'h')",
            n + 5
        ),
    ] {
        let err = conn.execute_batch(&sql).unwrap_err();
        assert!(err.to_string().contains("audit"), "{sql}: {err}");
    }
    drop(conn);
    assert!(verify(dir.path()).is_valid());
}

#[test]
fn changing_any_column_of_any_entry_is_reported_at_that_entry() {
    let (dir, n) = pristine();
    let work = tempfile::tempdir().unwrap();
    let work = work.path().join("copy");
    // A different value of the same type for each column; `details` also gets an equivalent JSON spelling.
    let flip_last = |col: &str| {
        format!(
            "{col} = substr({col}, 1, length({col}) - 1) || CASE WHEN substr({col}, -1) = 'x' THEN 'y' ELSE 'x' END"
        )
    };
    let mut checked = 0;
    for seq in 1..=n {
        let edits = [
            ("seq", "seq = seq + 1000".to_owned()),
            ("at", flip_last("at")),
            ("at (same instant, other spelling)", "at = replace(at, '+07:00', '+0700')".to_owned()),
            ("user", flip_last("user")),
            ("workstation", flip_last("workstation")),
            ("action", flip_last("action")),
            ("record_id", "record_id = CASE WHEN record_id IS NULL THEN '0193a1b2-0000-7000-8000-000000000001' ELSE NULL END".to_owned()),
            ("details", flip_last("details")),
            ("details (equivalent JSON)", "details = ' ' || details".to_owned()),
            ("prev_hash", flip_last("prev_hash")),
            ("hash", flip_last("hash")),
            ("user (type)", "user = CAST(42 AS INTEGER)".to_owned()),
        ];
        for (what, set) in edits {
            let report = tampered(
                dir.path(),
                &work,
                &format!("UPDATE audit_log SET {set} WHERE seq = {seq};"),
            );
            let broken = report
                .first_broken
                .unwrap_or_else(|| panic!("{what} of entry {seq} not detected"));
            assert_eq!(broken.seq, seq, "{what} of entry {seq}: {}", broken.reason);
            checked += 1;
        }
    }
    println!("{checked} single-column tamperings over {n} entries, all reported at the tampered entry");
}

#[test]
fn removed_entries_and_a_cut_tail_are_reported() {
    let (dir, n) = pristine();
    let work = tempfile::tempdir().unwrap();
    let work = work.path().join("copy");
    let r = tampered(dir.path(), &work, "DELETE FROM audit_log WHERE seq = 3;");
    assert_eq!(r.first_broken.unwrap().seq, 3);
    let r = tampered(
        dir.path(),
        &work,
        &format!("DELETE FROM audit_log WHERE seq >= {};", n - 1),
    );
    let b = r.first_broken.unwrap();
    assert_eq!(b.seq, n - 1, "{}", b.reason);
    assert!(b.reason.contains("truncated"), "{}", b.reason);
    let r = tampered(dir.path(), &work, "DELETE FROM audit_head;");
    assert!(r.first_broken.unwrap().reason.contains("head"));
    let r = tampered(
        dir.path(),
        &work,
        "UPDATE audit_head SET hash = lower(hex(randomblob(32)));",
    );
    assert_eq!(r.first_broken.unwrap().seq, n);
    // Renumbering consistently still breaks every moved entry's hash, reported at the first one.
    let r = tampered(
        dir.path(),
        &work,
        &format!(
            "DELETE FROM audit_log WHERE seq = 2; UPDATE audit_log SET seq = seq - 1 WHERE seq > 2; UPDATE audit_head SET seq = {};",
            n - 1
        ),
    );
    assert_eq!(r.first_broken.unwrap().seq, 2);
}

/// SQLite varint, as in the record format.
fn varint(v: u64) -> Vec<u8> {
    let mut groups = Vec::new();
    let mut x = v;
    loop {
        groups.push((x & 0x7f) as u8);
        x >>= 7;
        if x == 0 {
            break;
        }
    }
    groups.reverse();
    let last = groups.len() - 1;
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| if i < last { g | 0x80 } else { *g })
        .collect()
}

/// The exact bytes of the b-tree cell holding audit entry `seq` (table leaf cell: payload size, rowid,
/// record header, record body).
fn entry_cell(db: &Path, seq: u64) -> Vec<u8> {
    let conn = Connection::open(db).unwrap();
    let cols: Vec<Option<String>> = conn
        .query_row(
            "SELECT at, user, workstation, action, record_id, details, prev_hash, hash FROM audit_log WHERE seq = ?1",
            [seq],
            |r| (0..8).map(|i| r.get(i)).collect(),
        )
        .unwrap();
    let mut types = vec![0u8]; // seq is the rowid: stored as NULL in the record
    let mut body = Vec::new();
    for c in &cols {
        match c {
            None => types.push(0),
            Some(s) => {
                types.extend(varint(2 * s.len() as u64 + 13));
                body.extend_from_slice(s.as_bytes());
            }
        }
    }
    let mut payload = varint(types.len() as u64 + 1);
    assert_eq!(payload.len(), 1);
    payload.extend(types);
    payload.extend(body);
    let mut cell = varint(payload.len() as u64);
    cell.extend(varint(seq));
    cell.extend(payload);
    cell
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What a check of a damaged copy said: `Some(true)` pinpointed by the audit verifier at `seq`,
/// `Some(false)` caught otherwise (integrity check or a refused open), `None` missed.
fn judge(work: &Path, seq: u64) -> Option<bool> {
    let store = match Store::open(work) {
        Ok(s) => s,
        Err(_) => return Some(false),
    };
    let audit = store.audit_verify();
    if let Ok(AuditReport {
        first_broken: Some(b),
        ..
    }) = &audit
        && b.seq == seq
    {
        return Some(true);
    }
    let integrity_bad = store
        .integrity_check(false)
        .map(|r| !r.sqlite_errors.is_empty())
        .unwrap_or(true);
    if integrity_bad || audit.is_err() || audit.is_ok_and(|a| !a.is_valid()) {
        Some(false)
    } else {
        None
    }
}

#[test]
fn flipping_any_byte_of_an_entry_in_the_database_file_is_detected() {
    let (dir, n) = pristine();
    let db = dir.path().join("sohoa.db");
    assert!(
        !dir.path().join("sohoa.db-wal").exists()
            || std::fs::metadata(dir.path().join("sohoa.db-wal")).unwrap().len() == 0
    );
    let bytes = std::fs::read(&db).unwrap();
    let work = tempfile::tempdir().unwrap();
    let work: PathBuf = work.path().join("copy");
    copy_dir(dir.path(), &work);
    let (mut pinpointed, mut caught, mut flips) = (0, 0, 0);
    // An entry with a record id, one without, and the last one.
    for seq in [1, 2, n] {
        let cell = entry_cell(&db, seq);
        let at = find(&bytes, &cell).unwrap_or_else(|| panic!("cell of entry {seq} not found in the file"));
        assert!(find(&bytes[at + 1..], &cell).is_none(), "cell must be unique");
        for (offset, mask) in (at..at + cell.len()).flat_map(|o| [(o, 0x01u8), (o, 0x80u8)]) {
            let mut damaged = bytes.clone();
            damaged[offset] ^= mask;
            std::fs::write(work.join("sohoa.db"), &damaged).unwrap();
            match judge(&work, seq) {
                Some(true) => pinpointed += 1,
                Some(false) => caught += 1,
                None => panic!(
                    "flipping byte {} of entry {seq}'s cell with {mask:#x} went unnoticed",
                    offset - at
                ),
            }
            flips += 1;
        }
    }
    println!(
        "{flips} single-bit flips (low and high bit of every byte) in 3 entries' cells: {pinpointed} pinpointed by audit_verify, {caught} by integrity_check/open"
    );
    assert!(
        pinpointed > flips / 2,
        "most flips land in the entry's text and must be pinpointed"
    );
}
