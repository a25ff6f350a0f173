//! Tests that need the crate's internals (building an old-schema database by hand).

use rusqlite::Connection;

use crate::{ListFilter, SCHEMA_VERSION, Store, schema};

#[test]
fn a_version_1_database_is_migrated_on_open_and_its_records_become_searchable() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut conn = Connection::open(dir.path().join("sohoa.db")).unwrap();
        assert_eq!(schema::migrate(&mut conn, 1).unwrap(), 1);
        conn.execute(
            "INSERT INTO records (id, kind, owner_id, owner_name, title, metadata, search_text, revision,
                created_at, created_by, updated_at, revised_at, revised_by, revised_ws)
             VALUES ('0193a1b2-0000-7000-8000-000000000001', 'result', '001099012345', 'Trần Thị Bích',
                'Giấy khai sinh', '{}', 'Quận Hoàn Kiếm', 1, 't', 'u', 't', 't', 'u', 'w')",
            [],
        )
        .unwrap();
        let has_fts: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'records_fts')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!has_fts);
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let found = store.search("hoan kiem", &ListFilter::default()).unwrap();
    assert_eq!(
        found.len(),
        1,
        "the FTS backfill indexes rows written before the migration"
    );
    assert_eq!(found[0].owner_name.as_deref(), Some("Trần Thị Bích"));
    assert!(store.integrity_check(true).unwrap().ok);
    drop(store);
    // Re-opening a current database applies nothing and changes nothing.
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn connections_run_with_wal_full_sync_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (mode, sync, fk, busy): (String, i64, i64, i64) = store
        .with_conn(|c| {
            Ok((
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                c.query_row("PRAGMA synchronous", [], |r| r.get(0))?,
                c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
                c.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk, busy), ("wal", 2, 1, 5000));
}

#[test]
fn opening_a_database_from_a_newer_program_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let conn = Connection::open(dir.path().join("sohoa.db")).unwrap();
    conn.execute(
        "INSERT INTO schema_migrations VALUES (?1, 'future', '2030-01-01T00:00:00.000+07:00')",
        [SCHEMA_VERSION + 1],
    )
    .unwrap();
    drop(conn);
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code(), "store.schema_too_new");
    assert!(
        err.to_string().contains("newer than this program supports"),
        "{err}"
    );
}
