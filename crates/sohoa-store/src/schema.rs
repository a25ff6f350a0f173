//! Versioned migrations. Each runs in its own IMMEDIATE transaction and records itself in
//! `schema_migrations`, so a crash mid-upgrade leaves the database at the previous version, and two
//! processes opening the same fresh directory cannot both apply one migration.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::StoreError;
use crate::text::now_ts;

struct Migration {
    version: u32,
    name: &'static str,
    sql: &'static str,
}

const ZERO_HASH_SQL: &str = "'0000000000000000000000000000000000000000000000000000000000000000'";

/// Records, revisions, versions, audit chain. Versions and audit rows are protected by triggers: the only
/// way to remove a version is purging a trashed record, and audit rows cannot be changed at all.
const V1_CORE: &str = r#"
CREATE TABLE records (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    owner_id TEXT, owner_name TEXT, doc_type_code TEXT, storage_key TEXT,
    title TEXT NOT NULL,
    metadata TEXT NOT NULL,
    search_text TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    current_version INTEGER,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    revised_at TEXT NOT NULL,
    revised_by TEXT NOT NULL,
    revised_ws TEXT NOT NULL,
    trashed_at TEXT,
    trash_reason TEXT
) STRICT;
CREATE INDEX records_owner ON records(owner_id);
CREATE INDEX records_kind ON records(kind);
CREATE INDEX records_trashed ON records(trashed_at);
CREATE TRIGGER records_delete_only_trashed BEFORE DELETE ON records WHEN OLD.trashed_at IS NULL
BEGIN SELECT RAISE(ABORT, 'only trashed records can be purged'); END;

CREATE TABLE record_revisions (
    record_id TEXT NOT NULL REFERENCES records(id),
    revision INTEGER NOT NULL,
    owner_id TEXT, owner_name TEXT, doc_type_code TEXT, storage_key TEXT,
    title TEXT NOT NULL,
    metadata TEXT NOT NULL,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    workstation TEXT NOT NULL,
    PRIMARY KEY (record_id, revision)
) STRICT;

CREATE TABLE versions (
    record_id TEXT NOT NULL REFERENCES records(id),
    number INTEGER NOT NULL CHECK (number >= 1),
    created_at TEXT NOT NULL,
    user TEXT NOT NULL,
    workstation TEXT NOT NULL,
    reason TEXT NOT NULL,
    file_count INTEGER NOT NULL,
    total_bytes INTEGER NOT NULL,
    PRIMARY KEY (record_id, number)
) STRICT;
CREATE TRIGGER versions_immutable BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;
CREATE TRIGGER versions_delete_only_trashed BEFORE DELETE ON versions
WHEN (SELECT trashed_at FROM records WHERE id = OLD.record_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'versions of live records cannot be deleted'); END;

CREATE TABLE version_files (
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    ordinal INTEGER NOT NULL CHECK (ordinal >= 1),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    PRIMARY KEY (record_id, version, ordinal),
    FOREIGN KEY (record_id, version) REFERENCES versions(record_id, number)
) STRICT;
CREATE INDEX version_files_sha ON version_files(sha256);
CREATE TRIGGER version_files_immutable BEFORE UPDATE ON version_files
BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    workstation TEXT NOT NULL,
    action TEXT NOT NULL,
    record_id TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_record ON audit_log(record_id);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ZERO_HASH);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_extends_chain BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT seq + 1 FROM audit_head) OR NEW.prev_hash IS NOT (SELECT hash FROM audit_head)
BEGIN SELECT RAISE(ABORT, 'an audit entry must extend the chain head'); END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN NEW.seq IS NOT OLD.seq + 1 OR NEW.hash IS NOT (SELECT hash FROM audit_log WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'the audit head only moves to the newest entry'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
"#;

/// Full-text search, accent-insensitive so "nguyen" finds "Nguyễn". The tokenizer folds combining marks
/// but not "đ" (a letter of its own in Unicode), so the triggers fold it to "d" before indexing, and
/// search terms are folded the same way. The index is contentless (the text lives in `records` only) with
/// row deletion enabled, and the triggers keep it in step inside the writing transaction.
const V2_FTS: &str = r#"
CREATE VIRTUAL TABLE records_fts USING fts5(
    title, owner_id, owner_name, storage_key, search_text,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
    INSERT INTO records_fts (rowid, title, owner_id, owner_name, storage_key, search_text)
    VALUES (
        NEW.rid,
        replace(replace(NEW.title, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(NEW.owner_id, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(NEW.owner_name, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(NEW.storage_key, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(NEW.search_text, 'đ', 'd'), 'Đ', 'D'));
END;
CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
    DELETE FROM records_fts WHERE rowid = OLD.rid;
END;
CREATE TRIGGER records_fts_update AFTER UPDATE OF title, owner_id, owner_name, storage_key, search_text
ON records BEGIN
    DELETE FROM records_fts WHERE rowid = OLD.rid;
    INSERT INTO records_fts (rowid, title, owner_id, owner_name, storage_key, search_text)
    VALUES (
        NEW.rid,
        replace(replace(NEW.title, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(NEW.owner_id, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(NEW.owner_name, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(NEW.storage_key, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(NEW.search_text, 'đ', 'd'), 'Đ', 'D'));
END;
INSERT INTO records_fts (rowid, title, owner_id, owner_name, storage_key, search_text)
SELECT
        rid,
        replace(replace(title, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(owner_id, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(owner_name, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(storage_key, 'đ', 'd'), 'Đ', 'D'),
        replace(replace(search_text, 'đ', 'd'), 'Đ', 'D') FROM records;
"#;

/// The vault outbox: one row per message (the idempotency key), the frozen message text, and where its
/// upload stands. States and their columns are enforced by CHECKs so that a bug in a driver cannot store
/// "acknowledged" without a receipt; an acknowledged row never changes again (trigger), because the
/// receipt is the ministry's proof that the record left the desk.
const V3_OUTBOX: &str = r#"
CREATE TABLE outbox (
    message_id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    record_version INTEGER,
    message TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN
        ('pending', 'uploading', 'uploaded', 'acknowledged', 'retry_wait', 'failed_permanent')),
    file_index INTEGER NOT NULL DEFAULT 0 CHECK (file_index >= 0),
    upload_url TEXT,
    upload_offset INTEGER NOT NULL DEFAULT 0 CHECK (upload_offset >= 0),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER,
    last_error TEXT,
    last_error_code TEXT,
    receipt TEXT,
    transaction_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    acknowledged_at TEXT,
    CHECK ((state = 'acknowledged') = (receipt IS NOT NULL AND transaction_id IS NOT NULL)),
    CHECK (state <> 'retry_wait' OR next_attempt_ms IS NOT NULL),
    CHECK (state <> 'failed_permanent' OR last_error IS NOT NULL)
) STRICT;
CREATE INDEX outbox_state ON outbox(state, next_attempt_ms);
CREATE INDEX outbox_record ON outbox(record_id);
CREATE UNIQUE INDEX outbox_record_version ON outbox(record_id, record_version)
    WHERE record_version IS NOT NULL;
CREATE TRIGGER outbox_acknowledged_final BEFORE UPDATE ON outbox WHEN OLD.state = 'acknowledged'
BEGIN SELECT RAISE(ABORT, 'an acknowledged outbox message never changes'); END;
CREATE TRIGGER outbox_no_delete_delivered BEFORE DELETE ON outbox WHEN OLD.state = 'acknowledged'
BEGIN SELECT RAISE(ABORT, 'an acknowledged outbox message cannot be deleted'); END;
"#;

/// Local accounts. `login` is the lookup key (NFC, lower-cased by the engine) and is unique; the hash is an
/// Argon2id PHC string, so the CHECK refuses anything that is not (a plain password written by a bug). The
/// lock-out columns live here, not in memory, so restarting the app does not reset a guessing attack.
const V4_USERS: &str = r#"
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 64),
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'archivist', 'supervisor', 'administrator')),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until_ms INTEGER,
    training INTEGER NOT NULL DEFAULT 0 CHECK (training IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
) STRICT;
"#;

/// Archive feeder batches and desk settings. A batch row outlives its run: the supervisor's sample is drawn
/// per batch and the dashboard counts sheets and separators per batch, so what the feeder did is kept even when
/// the run stopped half-way (`state`). `batch_records` ties each dossier's record to its batch in feed order;
/// a record belongs to at most one batch. Settings are plain key/value rows written by the administrator
/// (agency, vault endpoint, yearly target ...); the engine owns their meaning and validation.
const V5_BATCHES_SETTINGS: &str = r#"
CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    device TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'finished', 'stopped', 'failed')),
    started_at TEXT NOT NULL,
    started_by TEXT NOT NULL,
    workstation TEXT NOT NULL,
    finished_at TEXT,
    sheets INTEGER NOT NULL DEFAULT 0 CHECK (sheets >= 0),
    separators INTEGER NOT NULL DEFAULT 0 CHECK (separators >= 0),
    summary TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX batches_started ON batches(started_at);
CREATE TABLE batch_records (
    batch_id TEXT NOT NULL REFERENCES batches(id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    record_id TEXT NOT NULL UNIQUE REFERENCES records(id),
    PRIMARY KEY (batch_id, seq)
) STRICT;
CREATE TABLE settings (
    key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;
"#;

/// Supervisor reviews and sample draws. A review names the version it looked at and the digest of that
/// version's page images, so a later version that only adds OCR words or a signed copy keeps its verdict
/// while a rescanned or edited page makes the record wait for review again. Reviews are append-only (the
/// history of rejects is the officer's to-do list and the supervisor's accountability); they go only with a
/// purged record. A sample draw is stored with its seed so it can be redrawn and audited, once per batch.
const V6_REVIEWS: &str = r#"
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    version INTEGER NOT NULL,
    pages_digest TEXT NOT NULL CHECK (length(pages_digest) = 64),
    verdict TEXT NOT NULL CHECK (verdict IN ('approved', 'rejected')),
    reason TEXT,
    pages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(pages) AND json_type(pages) = 'array'),
    reviewer TEXT NOT NULL,
    workstation TEXT NOT NULL,
    at TEXT NOT NULL,
    sampled INTEGER NOT NULL DEFAULT 0 CHECK (sampled IN (0, 1)),
    CHECK (verdict = 'approved' OR length(trim(coalesce(reason, ''))) > 0),
    FOREIGN KEY (record_id, version) REFERENCES versions(record_id, number)
) STRICT;
CREATE INDEX reviews_record ON reviews(record_id, id);
CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER reviews_delete_only_trashed BEFORE DELETE ON reviews
WHEN (SELECT trashed_at FROM records WHERE id = OLD.record_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'reviews of live records cannot be deleted'); END;

CREATE TABLE review_samples (
    batch_id TEXT PRIMARY KEY REFERENCES batches(id),
    share REAL NOT NULL CHECK (share > 0 AND share <= 1),
    seed INTEGER NOT NULL,
    population INTEGER NOT NULL CHECK (population >= 1),
    drawn_at TEXT NOT NULL,
    drawn_by TEXT NOT NULL
) STRICT;
CREATE TRIGGER review_samples_final BEFORE UPDATE ON review_samples
BEGIN SELECT RAISE(ABORT, 'a sample draw never changes'); END;
CREATE TRIGGER review_samples_no_delete BEFORE DELETE ON review_samples
BEGIN SELECT RAISE(ABORT, 'a sample draw cannot be deleted'); END;
CREATE TABLE review_sample_records (
    batch_id TEXT NOT NULL REFERENCES review_samples(batch_id),
    record_id TEXT NOT NULL REFERENCES records(id),
    PRIMARY KEY (batch_id, record_id)
) STRICT;
CREATE INDEX review_sample_records_record ON review_sample_records(record_id);
CREATE TRIGGER review_sample_records_final BEFORE UPDATE ON review_sample_records
BEGIN SELECT RAISE(ABORT, 'a sample draw never changes'); END;
CREATE TRIGGER review_sample_records_delete_only_trashed BEFORE DELETE ON review_sample_records
WHEN (SELECT trashed_at FROM records WHERE id = OLD.record_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'a sample draw never changes'); END;
"#;

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "core: records, revisions, versions, audit chain",
        sql: V1_CORE,
    },
    Migration {
        version: 2,
        name: "full-text search over records",
        sql: V2_FTS,
    },
    Migration {
        version: 3,
        name: "vault outbox",
        sql: V3_OUTBOX,
    },
    Migration {
        version: 4,
        name: "local user accounts",
        sql: V4_USERS,
    },
    Migration {
        version: 5,
        name: "archive batches and desk settings",
        sql: V5_BATCHES_SETTINGS,
    },
    Migration {
        version: 6,
        name: "record reviews and sample draws",
        sql: V6_REVIEWS,
    },
];

/// The newest schema this build understands.
pub const SCHEMA_VERSION: u32 = 6;

/// Applied version of an open database (0 for an empty one).
pub(crate) fn current_version(conn: &Connection) -> Result<u32, StoreError> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    let (max, count): (Option<u32>, u32) =
        conn.query_row("SELECT max(version), count(*) FROM schema_migrations", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let max = max.unwrap_or(0);
    if max != count {
        return Err(StoreError::Corrupt {
            what: format!("schema_migrations has {count} rows but reaches version {max}"),
        });
    }
    Ok(max)
}

/// Brings the database up to `target` (≤ [`SCHEMA_VERSION`]); returns the resulting version. Refuses a
/// database written by a newer program rather than guessing at its schema.
pub(crate) fn migrate(conn: &mut Connection, target: u32) -> Result<u32, StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
    )?;
    let found = current_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > found && m.version <= target)
    {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done: Option<u32> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [m.version],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_some() {
            continue;
        }
        tx.execute_batch(&m.sql.replace("ZERO_HASH", ZERO_HASH_SQL))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, now_ts()],
        )?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
        tracing::info!(version = m.version, name = m.name, "schema migrated");
    }
    current_version(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one_up_to_the_supported_version() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }

    #[test]
    fn reapplying_is_a_no_op_and_each_step_is_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
        assert_eq!(migrate(&mut conn, 1).unwrap(), 1);
        assert_eq!(migrate(&mut conn, 1).unwrap(), 1);
        assert_eq!(migrate(&mut conn, SCHEMA_VERSION).unwrap(), SCHEMA_VERSION);
        assert_eq!(migrate(&mut conn, SCHEMA_VERSION).unwrap(), SCHEMA_VERSION);
        let uv: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(uv, SCHEMA_VERSION);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("t.db")).unwrap();
        migrate(&mut conn, SCHEMA_VERSION).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?1, 'from the future', '2030-01-01T00:00:00.000+07:00')",
            [SCHEMA_VERSION + 1],
        )
        .unwrap();
        let err = migrate(&mut conn, SCHEMA_VERSION).unwrap_err();
        assert!(
            matches!(err, StoreError::SchemaTooNew { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
            "{err:?}"
        );
    }
}
