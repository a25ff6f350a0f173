//! A desk with a known history for the statistics and Excel tests (see `Desk::build`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, Utc};
use sohoa_engine::{Engine, EngineConfig, NewRecordRequest, NewUserRequest, Role, VaultConfig};
use sohoa_store::{Actor, BatchEnd, BatchState, Store};

pub const PASSWORD: &str = "mat-khau-dai";
const TOKEN: &str = "stats-test-token";

pub fn kv(k: &str, v: &str) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

pub fn today_vn() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

pub fn actor(user: &str) -> Actor {
    Actor {
        user: user.to_owned(),
        workstation: "may-tram-1".to_owned(),
    }
}

/// The engine as `user` would open it from the CLI (the OS user is the actor of versions it stores).
pub fn open(data: &Path, user: &str) -> Engine {
    let mut config = EngineConfig::with_data_dir(data);
    config.actor = actor(user);
    Engine::open(config).unwrap()
}

/// The administrator, an officer, an archivist and a supervisor.
pub fn accounts(engine: &Engine) {
    let req = |login: &str, name: &str, role| NewUserRequest {
        login: login.to_owned(),
        display_name: name.to_owned(),
        role,
        password: PASSWORD.to_owned(),
    };
    engine
        .create_user(None, &req("admin", "Quản trị", Role::Administrator))
        .unwrap();
    let admin = engine.authenticate("admin", PASSWORD).unwrap();
    for (login, name, role) in [
        ("hoa", "Nguyễn Thị Hoa", Role::Officer),
        ("lan", "Trần Thị Lan", Role::Archivist),
        ("kiemsoat", "Lê Văn Kiểm", Role::Supervisor),
    ] {
        engine.create_user(Some(&admin), &req(login, name, role)).unwrap();
    }
}

pub fn png(dir: &Path, name: &str, shade: u8) -> PathBuf {
    let p = dir.join(name);
    image::RgbImage::from_pixel(120, 160, image::Rgb([shade, 250, 245]))
        .save(&p)
        .unwrap();
    p
}

pub fn residence(owner: &str, head: &str) -> NewRecordRequest {
    NewRecordRequest {
        kind: "residence".to_owned(),
        owner_id: Some(owner.to_owned()),
        doc_type_code: Some("CT01".to_owned()),
        fields: vec![
            kv("household_head", head),
            kv("address", "Số 12 đường Lê Lợi, phường Bến Thành"),
        ],
    }
}

pub struct Desk {
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub today: NaiveDate,
    /// A: residence by hoa, 3 pages then 1 more and the signed copy (4 pages), delivered to the vault.
    pub a: String,
    /// B: residence by hoa, 2 pages, queued only.
    pub b: String,
    /// C: id-card by the CLI user, 1 page, backdated to yesterday.
    pub c: String,
    /// D: an empty procedure-result record (never digitized).
    pub d: String,
    /// F: information-only record by the CLI user.
    pub f: String,
    _vault: sohoa_vault_server::RunningServer,
}

impl Desk {
    pub fn open(&self, user: &str) -> Engine {
        open(&self.data, user)
    }

    pub fn build() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let today = today_vn();
        accounts(&open(&data, "admin"));

        let mut vconfig = sohoa_vault_server::ServerConfig::new(dir.path().join("vault"));
        vconfig.tokens = vec![TOKEN.to_owned()];
        // The reference vault refuses a message whose files include page images unless told otherwise,
        // and the engine sends the pages beside the signed copy (`vault_files`); counting is what is
        // tested here, not the vault's signature policy.
        vconfig.allow_unsigned = true;
        let vault =
            sohoa_vault_server::RunningServer::start(vconfig, "127.0.0.1:0".parse().unwrap()).unwrap();
        let training = VaultConfig {
            agency_code: Some("000.00.00.H29".to_owned()),
            ..VaultConfig::default()
        };
        let live = VaultConfig {
            url: Some(vault.url()),
            bearer_token: Some(TOKEN.to_owned()),
            ..training.clone()
        };

        let (a, b) = {
            let e = open(&data, "hoa");
            let a = e
                .create_record(&residence("036090004567", "Phạm Đức Thắng"))
                .unwrap()
                .summary
                .id;
            let pages: Vec<PathBuf> = (1..=3)
                .map(|i| png(dir.path(), &format!("a-{i}.png"), i * 10))
                .collect();
            e.import_files(&a, &pages).unwrap();
            let pdf = dir.path().join("ban-sao-y.pdf");
            std::fs::write(&pdf, sohoa_vault::pdfsig::sample_signed_pdf("ban sao")).unwrap();
            e.import_files(&a, &[png(dir.path(), "a-4.png", 40), pdf])
                .unwrap();
            e.vault_enqueue(&a, &live).unwrap();
            let pass = e.vault_sync_once(&live).unwrap();
            assert_eq!(
                pass.deliveries[0].state,
                sohoa_engine::OutboxState::Acknowledged,
                "{pass:?}"
            );
            let b = e
                .create_record(&residence("036090004567", "Phạm Văn Bảy"))
                .unwrap()
                .summary
                .id;
            let pages: Vec<PathBuf> = (1..=2)
                .map(|i| png(dir.path(), &format!("b-{i}.png"), 100 + i))
                .collect();
            e.import_files(&b, &pages).unwrap();
            e.vault_enqueue(&b, &training).unwrap();
            (a, b)
        };

        let (c, d, f) = {
            let e = open(&data, "can-bo-cli");
            let c = e.create_record(&crate::support::id_card()).unwrap().summary.id;
            e.import_files(&c, &[png(dir.path(), "c-1.png", 200)]).unwrap();
            let d = e
                .create_record(&NewRecordRequest {
                    kind: "result".to_owned(),
                    owner_id: Some("036090004567".to_owned()),
                    doc_type_code: Some("CT01".to_owned()),
                    fields: vec![kv("doc_name", "Tờ khai"), kv("summary", "Đăng ký thường trú")],
                })
                .unwrap()
                .summary
                .id;
            let f = e
                .create_record(&NewRecordRequest {
                    kind: "info-only".to_owned(),
                    owner_id: Some("094187000321".to_owned()),
                    doc_type_code: Some("CT01".to_owned()),
                    fields: vec![kv("doc_name", "Bản khai cũ"), kv("condition", "torn")],
                })
                .unwrap()
                .summary
                .id;
            let g = e
                .create_record(&residence("036090004567", "Hồ sơ nhập nhầm"))
                .unwrap()
                .summary
                .id;
            e.import_files(&g, &[png(dir.path(), "g-1.png", 7)]).unwrap();
            e.trash_record(&g, "nhập nhầm").unwrap();
            (c, d, f)
        };

        let store = Store::open(&data).unwrap();
        let lan = actor("lan");
        let batch = "0195f3a2-7c4e-7a10-8b3c-00000000b001";
        store
            .start_batch(&lan, batch, "residence-bank", "test:0")
            .unwrap();
        store.link_batch_record(&lan, batch, &a).unwrap();
        store.link_batch_record(&lan, batch, &b).unwrap();
        store
            .finish_batch(
                &lan,
                batch,
                &BatchEnd {
                    state: BatchState::Finished,
                    sheets: 5,
                    separators: 1,
                    summary: serde_json::json!({}),
                },
            )
            .unwrap();
        store
            .set_settings(
                &actor("admin"),
                &[(sohoa_engine::YEARLY_TARGET_SETTING.to_owned(), "40".to_owned())],
            )
            .unwrap();
        drop(store);
        backdate(&data, &c, today - Duration::days(1));
        Desk {
            dir,
            data,
            today,
            a,
            b,
            c,
            d,
            f,
            _vault: vault,
        }
    }
}

/// Moves a record's creation and versions to the evening of `day`. The store never rewrites a version, so
/// the test lifts the immutability trigger for this one statement and puts it back: the only way to have a
/// multi-day history without waiting a day.
fn backdate(data: &Path, id: &str, day: NaiveDate) {
    let ts = format!("{}T16:30:00.000+07:00", day.format("%Y-%m-%d"));
    let conn = rusqlite::Connection::open(data.join("sohoa.db")).unwrap();
    conn.execute_batch("DROP TRIGGER versions_immutable").unwrap();
    conn.execute(
        "UPDATE versions SET created_at = ?1 WHERE record_id = ?2",
        [&ts, id],
    )
    .unwrap();
    conn.execute("UPDATE records SET created_at = ?1 WHERE id = ?2", [&ts, id])
        .unwrap();
    conn.execute_batch(
        "CREATE TRIGGER versions_immutable BEFORE UPDATE ON versions
         BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;",
    )
    .unwrap();
}
