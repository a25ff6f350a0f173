//! Shared by the page-operation tests: records with distinct page images, each page's OCR words and a
//! signed copy written through the store (as `ocr_record` and `sign_record` would leave them: Tesseract and
//! a signing token are not what these tests are about), and the current pages read back.
#![allow(dead_code)]

use sohoa_engine::{Caller, Engine, NewRecordRequest};
use sohoa_store::{Actor, BlobRef, Store, VersionFile};

pub fn actor() -> Actor {
    Actor {
        user: "huong".into(),
        workstation: "ws".into(),
    }
}

/// `n` distinct PNG page files called page-0001.png… (the names every scan gives) in a fresh folder.
pub fn page_files(dir: &std::path::Path, tag: u8, n: u8) -> Vec<std::path::PathBuf> {
    let folder = dir.join(format!("pages-{tag}"));
    std::fs::create_dir_all(&folder).unwrap();
    (1..=n)
        .map(|i| {
            let img = image::RgbImage::from_pixel(24, 32, image::Rgb([tag, i, 200]));
            let path = folder.join(format!("page-{i:04}.png"));
            img.save(&path).unwrap();
            path
        })
        .collect()
}

/// A record of `req` with `n` distinct pages imported; returns its id.
pub fn record_with_pages(
    engine: &Engine,
    caller: &Caller,
    dir: &std::path::Path,
    req: &NewRecordRequest,
    tag: u8,
    n: u8,
) -> String {
    let id = engine.acting(caller).create_record(req).unwrap().summary.id;
    engine.import_files(&id, &page_files(dir, tag, n)).unwrap();
    id
}

/// A new version with each page image followed by its words (which name the page's hash, so a test can
/// tell whose words they are) and the desk's signed copy at the end.
pub fn add_words_and_signature(dir: &std::path::Path, id: &str) {
    let store = Store::open(dir).unwrap();
    let version = store.get_record(id).unwrap().current_version.unwrap();
    let file = |name: &str, blob: BlobRef, media_type: &str| VersionFile {
        blob,
        name: name.to_owned(),
        media_type: media_type.to_owned(),
    };
    let mut files = Vec::new();
    for f in store.version_files(id, version).unwrap() {
        let blob = BlobRef {
            sha256: f.sha256.clone(),
            size: f.size,
        };
        files.push(file(&f.name, blob, &f.media_type));
        if f.media_type.starts_with("image/") {
            let words = format!("{{\"words_of\": \"{}\"}}", f.sha256);
            let stored = store.put_blob(&mut words.as_bytes()).unwrap();
            let name = sohoa_engine::ocr_file_name(&f.name);
            files.push(file(&name, stored.blob, sohoa_engine::OCR_MEDIA_TYPE));
        }
    }
    let pdf = store
        .put_blob(&mut b"%PDF-1.7\n%signed\n%%EOF\n".as_slice())
        .unwrap();
    files.push(file(sohoa_engine::SIGNED_COPY_NAME, pdf.blob, "application/pdf"));
    store.commit_version(&actor(), id, &files, "ocr + sign").unwrap();
}

/// A page of the current version: its hash and the hash its OCR words name (if it has words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSeen {
    pub sha256: String,
    pub words_of: Option<String>,
}

/// The current version's page images in order, with whose words each carries; also checks that no two
/// files share a name and returns whether a signed copy is there.
pub fn current_pages(dir: &std::path::Path, id: &str) -> (Vec<PageSeen>, bool) {
    let store = Store::open(dir).unwrap();
    let version = store.get_record(id).unwrap().current_version.unwrap();
    let files = store.version_files(id, version).unwrap();
    let mut names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), files.len(), "file names of a version are unique");
    let pages = files
        .iter()
        .filter(|f| f.media_type.starts_with("image/"))
        .map(|f| {
            let words = sohoa_engine::ocr_file_name(&f.name);
            let words_of = files.iter().find(|w| w.name == words).map(|w| {
                let text = std::fs::read_to_string(store.blob_path(&w.sha256).unwrap()).unwrap();
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                v["words_of"].as_str().unwrap().to_owned()
            });
            PageSeen {
                sha256: f.sha256.clone(),
                words_of,
            }
        })
        .collect();
    let signed = files.iter().any(|f| f.name == sohoa_engine::SIGNED_COPY_NAME);
    (pages, signed)
}

pub fn shas(pages: &[PageSeen]) -> Vec<String> {
    pages.iter().map(|p| p.sha256.clone()).collect()
}

/// Every page carries its own words.
pub fn assert_own_words(pages: &[PageSeen]) {
    for p in pages {
        assert_eq!(p.words_of.as_deref(), Some(p.sha256.as_str()), "{pages:?}");
    }
}

/// The vault's receipt for the record's current version, as the outbox driver stores it.
pub fn deliver(dir: &std::path::Path, id: &str) {
    let store = Store::open(dir).unwrap();
    let version = store.get_record(id).unwrap().current_version;
    let message = format!("msg-{}", &id[..8]);
    store
        .outbox_enqueue(
            &actor(),
            &message,
            id,
            version,
            &serde_json::json!({"test": true}),
        )
        .unwrap();
    store
        .outbox_acknowledge(&actor(), &message, "tx-1", &serde_json::json!({"ok": true}))
        .unwrap();
}

/// Queued for the vault, not yet delivered.
pub fn enqueue(dir: &std::path::Path, id: &str) {
    let store = Store::open(dir).unwrap();
    let version = store.get_record(id).unwrap().current_version;
    store
        .outbox_enqueue(
            &actor(),
            &format!("q-{}", &id[..8]),
            id,
            version,
            &serde_json::json!({}),
        )
        .unwrap();
}

/// Another writer (the CLI on the same data directory) appends one page to the current version; returns
/// its hash.
pub fn other_adds_a_page(dir: &std::path::Path, id: &str) -> String {
    let store = Store::open(dir).unwrap();
    let row = store.get_record(id).unwrap();
    let mut files: Vec<VersionFile> = store
        .version_files(id, row.current_version.unwrap())
        .unwrap()
        .into_iter()
        .map(|f| VersionFile {
            blob: sohoa_store::BlobRef {
                sha256: f.sha256,
                size: f.size,
            },
            name: f.name,
            media_type: f.media_type,
        })
        .collect();
    let png = &page_files(dir, 99, 1)[0];
    let stored = store.put_blob_from_path(png).unwrap();
    let sha = stored.blob.sha256.clone();
    files.push(VersionFile {
        blob: stored.blob,
        name: "tu-dong-lenh.png".to_owned(),
        media_type: "image/png".to_owned(),
    });
    let actor = Actor {
        user: "dong.lenh".to_owned(),
        workstation: "ws-2".to_owned(),
    };
    store
        .commit_version_if(&actor, id, row.current_version, &files, "nhập từ dòng lệnh")
        .unwrap();
    sha
}
