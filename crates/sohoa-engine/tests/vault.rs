//! The vault message the engine builds from a record: the six minimum fields, the storage key, the files
//! with their hashes and pages, the signature found in the PDF, the audit anchor; and queuing rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use sohoa_engine::{Engine, EngineConfig, NewRecordRequest, OutboxState, VaultConfig};

fn kv(k: &str, v: &str) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

fn config() -> VaultConfig {
    VaultConfig {
        agency_code: Some("000.00.00.H29".to_owned()),
        ..VaultConfig::default()
    }
}

fn engine(dir: &tempfile::TempDir) -> Engine {
    Engine::open(EngineConfig::with_data_dir(dir.path().join("data"))).unwrap()
}

#[test]
fn a_signed_id_card_copy_becomes_a_complete_message() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(&dir);
    let rec = e.create_record(&support::id_card()).unwrap();
    let pdf = dir.path().join("ban-sao.pdf");
    std::fs::write(&pdf, sohoa_vault::pdfsig::sample_signed_pdf("x")).unwrap();
    e.import_files(&rec.summary.id, &[pdf]).unwrap();
    let head_before = e.audit_verify().unwrap();
    let row = e.vault_enqueue(&rec.summary.id, &config()).unwrap();
    let m: sohoa_vault::VaultMessage = serde_json::from_value(row.message.clone()).unwrap();
    sohoa_vault::validate_message(&m).unwrap();
    assert_eq!(row.state, OutboxState::Pending);
    assert_eq!(m.envelope.message_id, row.message_id);
    assert!(m.envelope.created_at.ends_with("+07:00"));
    assert_eq!(m.envelope.sender.agency_code, "000.00.00.H29");
    let anchor = m.envelope.audit_anchor.unwrap();
    assert_eq!(
        (anchor.seq, anchor.hash),
        (head_before.entries, head_before.head_hash)
    );
    assert_eq!(m.owner.id_number.as_deref(), Some("079203001234"));
    assert_eq!(m.owner.name.as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(m.document.type_code, "CMND-TK");
    assert_eq!(m.document.storage_key.as_deref(), Some("079203001234.CMND-TK"));
    assert_eq!(m.document.details["id_card"]["cmnd_number"], "025123456");
    assert_eq!(m.files.len(), 1);
    assert_eq!(
        (m.files[0].page_count, m.files[0].media_type.as_str()),
        (Some(1), "application/pdf")
    );
    let sig = m.signature.unwrap();
    assert_eq!(sig.sub_filter.as_deref(), Some("ETSI.CAdES.detached"));
    assert_eq!(sig.signed_files, vec![1]);

    // One message per record version; a new version can be queued again.
    assert!(e.vault_enqueue(&rec.summary.id, &config()).is_err());
    assert!(e.vault_enqueue_ready(&config()).unwrap().queued.is_empty());
    let png = dir.path().join("trang-2.png");
    std::fs::write(
        &png,
        [
            0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', 0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae,
            0x42, 0x60, 0x82,
        ],
    )
    .unwrap();
    e.import_files(&rec.summary.id, &[png]).unwrap();
    assert_eq!(e.vault_enqueue_ready(&config()).unwrap().queued.len(), 1);
    let actions: Vec<String> = e
        .audit_log(Some(&rec.summary.id))
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "vault.enqueue").count(), 2);
}

/// What the app's reception does: page images, then the desk's signed copy made from them. The vault takes
/// signed PDFs only, so the copy goes alone; a page added afterwards drops the stale copy.
#[test]
fn the_desks_signed_copy_goes_alone_and_a_new_page_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(&dir);
    let rec = e.create_record(&support::id_card()).unwrap();
    let page = |name: &str| {
        let p = dir.path().join(name);
        image::RgbImage::from_pixel(40, 60, image::Rgb([240, 240, 240]))
            .save(&p)
            .unwrap();
        p
    };
    e.import_files(&rec.summary.id, &[page("trang-1.png"), page("trang-2.png")])
        .unwrap();
    let copy = dir.path().join(sohoa_engine::SIGNED_COPY_NAME);
    std::fs::write(&copy, sohoa_vault::pdfsig::sample_signed_pdf("x")).unwrap();
    e.import_files(&rec.summary.id, &[copy]).unwrap();
    let row = e.vault_enqueue(&rec.summary.id, &config()).unwrap();
    let m: sohoa_vault::VaultMessage = serde_json::from_value(row.message.clone()).unwrap();
    sohoa_vault::validate_message(&m).unwrap();
    let sent: Vec<(&str, u32)> = m.files.iter().map(|f| (f.name.as_str(), f.ordinal)).collect();
    assert_eq!(sent, vec![(sohoa_engine::SIGNED_COPY_NAME, 1)]);
    assert_eq!(m.signature.unwrap().signed_files, vec![1]);

    let added = e.import_files(&rec.summary.id, &[page("trang-3.png")]).unwrap();
    let detail = e.record_detail(&rec.summary.id).unwrap();
    let names: Vec<&str> = detail
        .versions
        .last()
        .unwrap()
        .files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["trang-1.png", "trang-2.png", "trang-3.png"],
        "version {}",
        added.version
    );
    assert_eq!(added.added.len(), 1);
}

#[test]
fn information_only_and_unidentified_owners_and_missing_settings() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(&dir);
    let info = e
        .create_record(&NewRecordRequest {
            kind: "info-only".to_owned(),
            owner_id: Some("094187000321".to_owned()),
            doc_type_code: Some("CT01".to_owned()),
            fields: vec![
                kv("doc_name", "Bản khai nhân khẩu năm 1995"),
                kv("condition", "torn"),
            ],
        })
        .unwrap();
    let no_agency = VaultConfig::default();
    let err = e.vault_enqueue(&info.summary.id, &no_agency).unwrap_err();
    assert_eq!(err.code(), "vault.config");
    let row = e.vault_enqueue(&info.summary.id, &config()).unwrap();
    let m: sohoa_vault::VaultMessage = serde_json::from_value(row.message).unwrap();
    assert!(m.files.is_empty() && m.signature.is_none());
    assert_eq!(m.document.details["info_only"]["condition"], "torn");

    let unidentified = e
        .create_record(&NewRecordRequest {
            kind: "info-only".to_owned(),
            owner_id: None,
            doc_type_code: Some("CT01".to_owned()),
            fields: vec![
                kv("owner_name", "Lê Thị Hoa"),
                kv("birth_year", "1950"),
                kv("id_issue_date", "1980-05-01"),
                kv("id_issuer", "Công an tỉnh Sóc Trăng"),
                kv("doc_name", "Giấy khai sinh bản chính"),
                kv("condition", "torn"),
            ],
        })
        .unwrap();
    let row = e.vault_enqueue(&unidentified.summary.id, &config()).unwrap();
    let m: sohoa_vault::VaultMessage = serde_json::from_value(row.message).unwrap();
    assert_eq!(m.owner.id_number, None);
    assert_eq!(m.document.storage_key, None);
    assert_eq!(m.owner.birth_year, Some(1950));
    assert_eq!(e.vault_counts().unwrap().pending, 2);
}

/// Stands in for the ministry's non-public interface (nothing real can run here): a one-shot JSON adapter
/// that answers the scripted outcomes in order. It proves the outbox works unchanged behind another wire.
struct ScriptedWire {
    outcomes: std::sync::Mutex<Vec<Result<sohoa_vault::Receipt, sohoa_vault::WireError>>>,
    seen: std::sync::Mutex<Vec<String>>,
}

impl sohoa_vault::VaultWire for ScriptedWire {
    async fn deliver(
        &self,
        message: &sohoa_vault::VaultMessage,
        _files: &[sohoa_vault::LocalFile],
        _resume: &sohoa_vault::ResumePoint,
        checkpoint: &dyn sohoa_vault::Checkpoint,
    ) -> Result<sohoa_vault::Receipt, sohoa_vault::WireError> {
        self.seen
            .lock()
            .unwrap()
            .push(message.envelope.message_id.clone());
        checkpoint.uploaded()?;
        self.outcomes.lock().unwrap().remove(0)
    }

    async fn reachable(&self) -> bool {
        true
    }
}

#[test]
fn another_wire_adapter_plugs_into_the_same_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(&dir);
    let mut ids = Vec::new();
    for n in 0..3 {
        let rec = e
            .create_record(&NewRecordRequest {
                kind: "info-only".to_owned(),
                owner_id: Some("094187000321".to_owned()),
                doc_type_code: Some("CT01".to_owned()),
                fields: vec![
                    kv("doc_name", &format!("Bản khai số {n}")),
                    kv("condition", "torn"),
                ],
            })
            .unwrap();
        ids.push(e.vault_enqueue(&rec.summary.id, &config()).unwrap().message_id);
    }
    let receipt = |id: &str| sohoa_vault::Receipt {
        result_code: "0".to_owned(),
        transaction_id: format!("MA-GIAO-DICH-{}", &id[..8]),
        message_id: id.to_owned(),
        received_at: "2026-11-21T09:15:02.000+07:00".to_owned(),
        message: "OK".to_owned(),
    };
    let wire = ScriptedWire {
        outcomes: std::sync::Mutex::new(vec![
            Ok(receipt(&ids[0])),
            Err(sohoa_vault::WireError::Transient {
                code: "server_error",
                detail: "HTTP 503".to_owned(),
                retry_after: None,
            }),
            Err(sohoa_vault::WireError::Rejected {
                code: "MaKetQua-07".to_owned(),
                reason: "Sai mã loại giấy tờ".to_owned(),
            }),
        ]),
        seen: std::sync::Mutex::new(Vec::new()),
    };
    let pass = e.vault_sync_once_with(wire, &config()).unwrap();
    let states: Vec<OutboxState> = pass.deliveries.iter().map(|d| d.state).collect();
    assert_eq!(
        states,
        [
            OutboxState::Acknowledged,
            OutboxState::RetryWait,
            OutboxState::FailedPermanent
        ]
    );
    let queue = e.vault_queue().unwrap();
    assert_eq!(
        queue[0].transaction_id.as_deref(),
        Some(format!("MA-GIAO-DICH-{}", &ids[0][..8]).as_str())
    );
    assert_eq!(
        queue[2].last_error_code.as_deref(),
        Some("vault.rejected.MaKetQua-07")
    );
    assert!(
        queue[2]
            .last_error
            .as_deref()
            .unwrap()
            .contains("Sai mã loại giấy tờ")
    );
}

#[test]
fn reachability_is_reported_for_the_connectivity_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(&dir);
    let mut down = config();
    down.url = Some("http://127.0.0.1:9/".to_owned());
    down.connect_timeout = std::time::Duration::from_millis(300);
    assert!(!e.vault_reachable(&down).unwrap());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // A minimal HTTP answer is enough to count as reachable.
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf).unwrap();
        s.write_all(b"HTTP/1.1 204 No Content\r\nTus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n")
            .unwrap();
    });
    let mut up = config();
    up.url = Some(format!("http://{addr}/"));
    assert!(e.vault_reachable(&up).unwrap());
    server.join().unwrap();
}

#[test]
fn a_trashed_record_is_held_back_until_restored() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(&dir);
    let rec = e
        .create_record(&NewRecordRequest {
            kind: "info-only".to_owned(),
            owner_id: Some("094187000321".to_owned()),
            doc_type_code: Some("CT01".to_owned()),
            fields: vec![kv("doc_name", "Bản khai"), kv("condition", "torn")],
        })
        .unwrap();
    let id = e.vault_enqueue(&rec.summary.id, &config()).unwrap().message_id;
    e.trash_record(&rec.summary.id, "nhập nhầm").unwrap();
    let wire = || ScriptedWire {
        outcomes: std::sync::Mutex::new(vec![Ok(sohoa_vault::Receipt {
            result_code: "0".to_owned(),
            transaction_id: "MA-1".to_owned(),
            message_id: id.clone(),
            received_at: "2026-11-21T09:15:02.000+07:00".to_owned(),
            message: "OK".to_owned(),
        })]),
        seen: std::sync::Mutex::new(Vec::new()),
    };
    let pass = e.vault_sync_once_with(wire(), &config()).unwrap();
    assert_eq!(pass.deliveries[0].state, OutboxState::Pending);
    assert_eq!(
        pass.deliveries[0].error_code.as_deref(),
        Some("vault.record_in_trash")
    );
    e.restore_record(&rec.summary.id).unwrap();
    let pass = e.vault_sync_once_with(wire(), &config()).unwrap();
    assert_eq!(pass.deliveries[0].state, OutboxState::Acknowledged);
}

#[test]
fn status_bar_counts_queued_messages_and_shows_why_they_wait() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(&dir);
    let empty = e.vault_status(true).unwrap();
    assert!(empty.training);
    assert_eq!((empty.queued, empty.failed, empty.delivered), (0, 0, 0));
    let rec = e
        .create_record(&NewRecordRequest {
            kind: "info-only".to_owned(),
            owner_id: Some("079203001234".to_owned()),
            doc_type_code: Some("CT01".to_owned()),
            fields: vec![kv("doc_name", "Sổ hộ khẩu năm 1998"), kv("condition", "torn")],
        })
        .unwrap();
    e.vault_enqueue(&rec.summary.id, &config()).unwrap();
    assert_eq!(e.vault_status(false).unwrap().queued, 1);
    // Nothing listens on the discard port: the pass fails, the message waits to retry, the reason is shown.
    let closed = VaultConfig {
        url: Some("http://127.0.0.1:9/vault".to_owned()),
        connect_timeout: std::time::Duration::from_millis(500),
        ..config()
    };
    e.vault_sync_once(&closed).unwrap();
    let v = e.vault_status(false).unwrap();
    assert_eq!((v.training, v.queued, v.failed, v.delivered), (false, 1, 0, 0));
    assert!(v.last_error.is_some(), "{v:?}");
}
