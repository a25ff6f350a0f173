//! Shared helpers of the integration tests: every test works on a real data directory in a temp dir.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;

use sohoa_store::{Actor, NewRecord, RecordUpdate, Store, VersionFile};

pub fn actor() -> Actor {
    Actor {
        user: "can.bo.tiep.nhan".to_owned(),
        workstation: "PC-MOTCUA-01".to_owned(),
    }
}

pub fn other_actor() -> Actor {
    Actor {
        user: "can.bo.tang.thu".to_owned(),
        workstation: "PC-TANGTHU-02".to_owned(),
    }
}

pub fn new_record(owner_id: &str, owner_name: &str, title: &str) -> NewRecord {
    NewRecord {
        kind: "result".to_owned(),
        owner_id: Some(owner_id.to_owned()),
        owner_name: Some(owner_name.to_owned()),
        doc_type_code: Some("1.001234".to_owned()),
        storage_key: Some(format!("{owner_id}.1.001234")),
        title: title.to_owned(),
        metadata: serde_json::json!({"summary": title, "validity": "vô thời hạn"}),
        search_text: format!("{title} Phường Trúc Bạch"),
    }
}

pub fn update_of(new: &NewRecord) -> RecordUpdate {
    RecordUpdate {
        owner_id: new.owner_id.clone(),
        owner_name: new.owner_name.clone(),
        doc_type_code: new.doc_type_code.clone(),
        storage_key: new.storage_key.clone(),
        title: new.title.clone(),
        metadata: new.metadata.clone(),
        search_text: new.search_text.clone(),
    }
}

/// Stores `bytes` and describes it as page `name`.
pub fn page(store: &Store, bytes: &[u8], name: &str) -> VersionFile {
    let stored = store.put_blob(&mut Cursor::new(bytes)).unwrap();
    VersionFile {
        blob: stored.blob,
        name: name.to_owned(),
        media_type: "image/png".to_owned(),
    }
}

/// Every regular file under `dir`, relative, sorted.
pub fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

pub fn assert_healthy(store: &Store) {
    let integrity = store.integrity_check(true).unwrap();
    assert!(integrity.ok, "{integrity:#?}");
    let audit = store.audit_verify().unwrap();
    assert!(audit.is_valid(), "{audit:#?}");
}
