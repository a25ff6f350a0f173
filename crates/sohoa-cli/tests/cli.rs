//! The `sohoa` command as users and scripts see it: real binary, real data directory, real files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ID_CARD_OWNER: &str = "079203001234";

struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        Desk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn sohoa(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .arg("--data-dir")
            .arg(self.data())
            .args(args)
            .env("SOHOA_USER", "can-bo-test")
            .env_remove("SOHOA_LOG")
            .output()
            .unwrap()
    }

    /// Runs with `--json`, asserts success and parses stdout.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.sohoa(&all);
        assert!(
            out.status.success(),
            "sohoa {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn id_card(&self) -> String {
        let v = self.json(&[
            "record",
            "new",
            "--kind",
            "id-card",
            "--owner-id",
            ID_CARD_OWNER,
            "--field",
            "full_name=Nguyễn Văn An",
            "--field",
            "birth_date=05/04/2003",
            "--field",
            "sex=Nam",
            "--field",
            "cmnd_number=025123456",
            "--field",
            "father_name=Nguyễn Văn Bình",
            "--field",
            "mother_name=Trần Thị Cúc",
        ]);
        v["id"].as_str().unwrap().to_owned()
    }
}

/// A minimal valid PNG (1×1, white): signature, IHDR, IDAT, IEND with their real CRCs.
fn png_bytes(seed: u8) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3a, 0x7e, 0x9b, 0x55,
    ]);
    // An ancillary tEXt chunk makes each test file's content (and sha256) distinct; CRC is not checked here.
    v.extend_from_slice(&[0, 0, 0, 1, b't', b'E', b'X', b't', seed, 0, 0, 0, 0]);
    v.extend_from_slice(&[
        0, 0, 0, 10, b'I', b'D', b'A', b'T', 0x78, 0x9c, 0x63, 0xf8, 0x0f, 0, 1, 1, 1, 0, 0x1b, 0xb6, 0xee,
        0x56,
    ]);
    v.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]);
    v
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn field<'a>(detail: &'a Value, key: &str) -> Option<&'a str> {
    detail["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .and_then(|f| f["value"].as_str())
}

#[test]
fn create_show_edit_list_round_trip() {
    let desk = Desk::new();
    let id = desk.id_card();
    let detail = desk.json(&["record", "show", &id]);
    assert_eq!(detail["summary"]["kind"], "id-card");
    assert_eq!(detail["summary"]["owner_id"], ID_CARD_OWNER);
    assert_eq!(field(&detail, "full_name"), Some("Nguyễn Văn An"));
    assert_eq!(field(&detail, "birth_date"), Some("2003-04-05"));

    let edited = desk.json(&[
        "record",
        "edit",
        &id[..8],
        "--field",
        "mother_name=Trần Thị Cúc Hoa",
    ]);
    assert_eq!(field(&edited, "mother_name"), Some("Trần Thị Cúc Hoa"));
    assert_eq!(edited["summary"]["revision"].as_u64(), Some(2));

    // Search without diacritics finds the Vietnamese name.
    let found = desk.json(&["record", "list", "--search", "nguyen van an"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    let none = desk.json(&["record", "list", "--search", "Lê Thị Hồng"]);
    assert_eq!(none.as_array().unwrap().len(), 0);
}

#[test]
fn invalid_owner_ids_are_refused_with_the_reason_and_exit_3() {
    let desk = Desk::new();
    for (id, reason_fragment) in [
        ("099203001234", "099"), // province code not in Circular 07/2016 Annex I
        ("07920300123", "12"),   // 11 digits
        ("0792030012a4", "a"),   // a letter inside
    ] {
        let out = desk.sohoa(&[
            "record",
            "new",
            "--kind",
            "result",
            "--owner-id",
            id,
            "--type",
            "CT01",
        ]);
        assert_eq!(out.status.code(), Some(3), "{id}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains(reason_fragment), "{id}: {err}");
        assert!(!err.contains("panicked") && !err.contains("stack backtrace"));
    }
    // Sex digit says female (1 → 1900s, female) while the form says male.
    let out = desk.sohoa(&[
        "record",
        "new",
        "--kind",
        "id-card",
        "--owner-id",
        "001190001234",
        "--field",
        "full_name=Lê Văn Cường",
        "--field",
        "birth_date=1990-01-01",
        "--field",
        "sex=nam",
        "--field",
        "cmnd_number=012345678",
        "--field",
        "father_name=Lê Văn Dũng",
        "--field",
        "mother_name=Phạm Thị Em",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let list = desk.json(&["record", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing half-written");
}

#[test]
fn nfd_input_is_stored_as_nfc() {
    let desk = Desk::new();
    let nfd_name = "Nguye\u{302}\u{303}n Thi\u{323} Hoa"; // "Nguyễn Thị Hoa" decomposed
    let v = desk.json(&[
        "record",
        "new",
        "--kind",
        "id-card",
        "--owner-id",
        "001303001234",
        "--field",
        &format!("full_name={nfd_name}"),
        "--field",
        "birth_date=2003-01-02",
        "--field",
        "sex=Nữ",
        "--field",
        "cmnd_number=012345679",
        "--field",
        "father_name=Nguye\u{302}\u{303}n Va\u{306}n Ba",
        "--field",
        "mother_name=Tra\u{302}\u{300}n Thi\u{323} Tư",
    ]);
    let id = v["id"].as_str().unwrap();
    let detail = desk.json(&["record", "show", id]);
    assert_eq!(field(&detail, "full_name"), Some("Nguyễn Thị Hoa"));
    assert_eq!(field(&detail, "father_name"), Some("Nguyễn Văn Ba"));
    let file = desk.file("Ba\u{309}n khai.png", &png_bytes(1));
    let report = desk.json(&["import", file.to_str().unwrap(), "--record", id]);
    assert_eq!(report["added"][0]["name"], "Bản khai.png");
}

#[test]
fn import_makes_versions_and_keeps_history() {
    let desk = Desk::new();
    let id = desk.id_card();
    let a = desk.file("trang-1.png", &png_bytes(1));
    let b = desk.file("trang-2.png", &png_bytes(2));
    let r1 = desk.json(&["import", a.to_str().unwrap(), "--record", &id]);
    assert_eq!(r1["version"], 1);
    let r2 = desk.json(&[
        "import",
        b.to_str().unwrap(),
        a.to_str().unwrap(),
        "--record",
        &id,
    ]);
    assert_eq!(r2["version"], 2);
    assert_eq!(r2["deduplicated"], 1, "same content stored once");
    let detail = desk.json(&["record", "show", &id]);
    let versions = detail["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["files"].as_array().unwrap().len(), 1);
    assert_eq!(versions[1]["files"].as_array().unwrap().len(), 3);
    assert_eq!(detail["summary"]["page_count"], 3);
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["record.create", "version.commit", "version.commit"]);
}

#[test]
fn bad_files_are_refused_and_nothing_is_written() {
    let desk = Desk::new();
    let id = desk.id_card();
    let good = desk.file("good.png", &png_bytes(3));
    let mut truncated = png_bytes(4);
    truncated.truncate(truncated.len() - 12);
    let truncated = desk.file("cut.png", &truncated);
    let text = desk.file("notes.txt", b"not an image");
    let empty = desk.file("empty.pdf", b"");
    let missing = desk.dir.path().join("missing.png");
    let dir = desk.dir.path().to_path_buf();
    for (bad, code, exit) in [
        (&truncated, "file.corrupt", 6),
        (&text, "file.unsupported_type", 6),
        (&empty, "file.empty", 6),
        (&missing, "file.unreadable", 6),
        (&dir, "file.not_a_file", 6),
    ] {
        let out = desk.sohoa(&[
            "import",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--record",
            &id,
        ]);
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{}: {}",
            bad.display(),
            stderr(&out)
        );
        assert!(stderr(&out).contains(code), "{}", stderr(&out));
    }
    let detail = desk.json(&["record", "show", &id]);
    assert!(
        detail["versions"].as_array().unwrap().is_empty(),
        "no version from a failed import"
    );
    let verify = desk.json(&["audit", "verify", "--deep"]);
    assert_eq!(verify["ok"], true, "{verify}");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::new();
    let id = desk.id_card();
    let p = desk.file("locked.png", &png_bytes(5));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        eprintln!(
            "running as root: permission bits do not stop reads; checked via a dangling symlink instead"
        );
        std::fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink(desk.dir.path().join("nowhere.png"), &p).unwrap();
    }
    let out = desk.sohoa(&["import", p.to_str().unwrap(), "--record", &id]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("file.unreadable"), "{}", stderr(&out));
}

#[test]
fn path_like_and_control_character_names_are_reduced_to_safe_base_names() {
    let desk = Desk::new();
    let id = desk.id_card();
    let sub = desk.dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    let weird = sub.join("..\u{7}trang\u{1b}.png");
    std::fs::write(&weird, png_bytes(6)).unwrap();
    let traversal = format!("{}/../b/../b/..\u{7}trang\u{1b}.png", sub.display());
    let report = desk.json(&["import", &traversal, "--record", &id]);
    let name = report["added"][0]["name"].as_str().unwrap();
    assert!(
        !name.contains('/') && !name.chars().any(char::is_control),
        "{name:?}"
    );
    assert_eq!(name, "..trang.png");
}

#[test]
fn trash_restore_purge() {
    let desk = Desk::new();
    let id = desk.id_card();
    desk.json(&["record", "delete", &id, "--reason", "tạo nhầm"]);
    assert_eq!(desk.json(&["record", "list"]).as_array().unwrap().len(), 0);
    assert_eq!(
        desk.json(&["record", "list", "--trash"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let out = desk.sohoa(&["record", "edit", &id, "--field", "mother_name=X Y"]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "editing a trashed record is refused: {}",
        stderr(&out)
    );
    desk.json(&["record", "restore", &id]);
    assert_eq!(desk.json(&["record", "list"]).as_array().unwrap().len(), 1);
    let out = desk.sohoa(&["record", "purge", &id, "--yes"]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "purge needs the record in the trash first: {}",
        stderr(&out)
    );
    desk.json(&["record", "delete", &id]);
    desk.json(&["record", "purge", &id, "--yes"]);
    let out = desk.sohoa(&["record", "show", &id]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(desk.json(&["audit", "verify", "--deep"])["ok"], true);
}

#[test]
fn info_only_records_have_no_files() {
    let desk = Desk::new();
    let v = desk.json(&[
        "record",
        "new",
        "--kind",
        "info-only",
        "--owner-id",
        "094187000321",
        "--type",
        "CT01",
        "--field",
        "doc_name=Bản khai nhân khẩu năm 1995",
        "--field",
        "condition=torn",
    ]);
    let id = v["id"].as_str().unwrap();
    let f = desk.file("x.png", &png_bytes(7));
    let out = desk.sohoa(&["import", f.to_str().unwrap(), "--record", id]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("record.info_only_has_no_files"));
}

#[test]
fn audit_verify_reports_the_first_broken_entry() {
    let desk = Desk::new();
    let id = desk.id_card();
    desk.json(&["record", "edit", &id, "--field", "father_name=Nguyễn Văn Bính"]);
    let ok = desk.json(&["audit", "verify"]);
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["audit"]["entries"], 2);
    tamper_second_audit_entry(&desk.data().join("sohoa.db"));
    let out = desk.sohoa(&["audit", "verify", "--json"]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["audit"]["first_broken"]["seq"], 2, "{v}");
}

/// Rewrites the action text of audit entry 2 with the sqlite3 shell, dropping the append-only triggers first,
/// as an attacker with file access could.
fn tamper_second_audit_entry(db: &Path) {
    let conn = Command::new("sqlite3")
        .arg(db)
        .arg(
            "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log';",
        )
        .output()
        .expect("sqlite3 shell (installed by installer/install-deps.sh)");
    let drops = String::from_utf8(conn.stdout).unwrap();
    let sql = format!("{drops} UPDATE audit_log SET user = 'ke-gian' WHERE seq = 2;");
    let out = Command::new("sqlite3").arg(db).arg(sql).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn usage_errors_and_missing_records() {
    let desk = Desk::new();
    let out = desk.sohoa(&["record", "show", "0190aaaa-0000-7000-8000-000000000000"]);
    assert_eq!(out.status.code(), Some(4));
    let out = desk.sohoa(&[
        "record",
        "new",
        "--kind",
        "spaceship",
        "--owner-id",
        ID_CARD_OWNER,
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("record.unknown_kind"));
    let out = desk.sohoa(&["record", "new", "--kind", "result", "--field", "novalue"]);
    assert_eq!(out.status.code(), Some(2), "clap usage error");
}
