//! The checks that concern this computer's files and settings: OCR data, data directory, trust anchors,
//! vault. Scanners and signing devices are in `devices`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use sohoa_ocr::{OcrConfig, OcrEngine};
use sohoa_vault::{VaultConfig, VaultError, VaultWire};

use super::{CheckStatus, DoctorOptions, Outcome, Spec, devices, spec};

/// Below this the desk warns: a day of colour scans at 300 dpi is a few GB.
const LOW_SPACE: u64 = 2 * 1024 * 1024 * 1024;
/// Below this scanning fails outright.
const NO_SPACE: u64 = 100 * 1024 * 1024;
const QUICK: Duration = Duration::from_secs(5);

pub(super) fn specs(o: &DoctorOptions, vault: Result<VaultConfig, VaultError>, training: bool) -> Vec<Spec> {
    let data = o.data_dir.clone();
    let data2 = o.data_dir.clone();
    let data3 = o.data_dir.clone();
    let trust = o.trust_dir.clone();
    let desk_trust = crate::desk_trust_dir(&o.data_dir);
    let worker = o.scan_worker.clone();
    let vault_timeout = o.vault_timeout;
    vec![
        spec(
            "ocr.tessdata",
            "Dữ liệu nhận dạng chữ (OCR)",
            "OCR language data",
            o.timeout,
            ocr,
        ),
        spec("scan.devices", "Máy quét", "Scanners", o.timeout, move || {
            devices::scanners(&data3, worker)
        }),
        spec(
            "pcsc.service",
            "Dịch vụ thẻ thông minh (pcscd)",
            "Smart-card service (pcscd)",
            QUICK,
            move || devices::pcsc(training),
        ),
        spec(
            "pkcs11.modules",
            "Trình điều khiển token ký số (PKCS#11)",
            "Signing token modules (PKCS#11)",
            o.timeout,
            move || devices::pkcs11(training),
        ),
        spec(
            "trust.anchors",
            "Chứng thư gốc tin cậy",
            "Trust anchors",
            QUICK,
            move || anchors(&trust, &desk_trust, training),
        ),
        spec(
            "data_dir.writable",
            "Thư mục dữ liệu ghi được",
            "Data directory writable",
            QUICK,
            move || writable(&data),
        ),
        spec(
            "data_dir.free_space",
            "Dung lượng trống",
            "Free disk space",
            QUICK,
            move || free_space(&data2),
        ),
        spec(
            "vault.reachable",
            "Kết nối kho dữ liệu Bộ",
            "Ministry vault reachable",
            vault_timeout + QUICK,
            move || vault_check(vault, vault_timeout),
        ),
    ]
}

const OCR_FIX_VI: &str = "Cài dữ liệu tiếng Việt cho Tesseract: trên Debian chạy `sudo apt install tesseract-ocr-vie tesseract-ocr-osd`; trên Windows cài lại SoHoa Desk (thư mục tessdata đi kèm). Nếu đã đặt TESSDATA_PREFIX hoặc SOHOA_TESSDATA, hãy trỏ tới thư mục chứa vie.traineddata.";
const OCR_FIX_EN: &str = "Install Tesseract's Vietnamese data: on Debian run `sudo apt install tesseract-ocr-vie tesseract-ocr-osd`; on Windows reinstall SoHoa Desk (it ships tessdata). If TESSDATA_PREFIX or SOHOA_TESSDATA is set, point it at the directory holding vie.traineddata.";

/// An explicitly configured directory is checked strictly: the Windows bundle sets it to the shipped
/// tessdata, and a desk silently running on some other copy is not the installation the officer made.
fn explicit_tessdata() -> Option<(String, PathBuf)> {
    ["SOHOA_TESSDATA", "TESSDATA_PREFIX"].iter().find_map(|k| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(|v| ((*k).to_owned(), PathBuf::from(v)))
    })
}

fn ocr() -> Outcome {
    let dir = match explicit_tessdata() {
        Some((var, prefix)) => {
            let candidates = [prefix.clone(), prefix.join("tessdata")];
            match candidates
                .into_iter()
                .find(|d| d.join("vie.traineddata").is_file())
            {
                Some(d) => d,
                None => {
                    return Outcome::bad(
                        CheckStatus::Fail,
                        format!("{var}={} holds no vie.traineddata", prefix.display()),
                        OCR_FIX_VI,
                        OCR_FIX_EN,
                    );
                }
            }
        }
        None => match sohoa_ocr::find_tessdata("vie") {
            Ok(t) => t.dir,
            Err(e) => return Outcome::bad(CheckStatus::Fail, e.to_string(), OCR_FIX_VI, OCR_FIX_EN),
        },
    };
    let load = |lang: &str| {
        OcrEngine::new(&OcrConfig {
            lang: lang.to_owned(),
            tessdata: Some(dir.clone()),
        })
        .map(drop)
    };
    if let Err(e) = load("vie") {
        return Outcome::bad(
            CheckStatus::Fail,
            format!("vie.traineddata in {} does not load: {e}", dir.display()),
            OCR_FIX_VI,
            OCR_FIX_EN,
        );
    }
    let data = json!({"tessdata": dir, "vie": true, "osd": dir.join("osd.traineddata").is_file()});
    if !dir.join("osd.traineddata").is_file() {
        return Outcome::bad(
            CheckStatus::Warn,
            format!("vie loads from {}; osd.traineddata is missing", dir.display()),
            "Thiếu dữ liệu nhận hướng trang (osd): cài gói tesseract-ocr-osd (Windows: cài lại SoHoa Desk)",
            "Page-orientation data (osd) is missing: install tesseract-ocr-osd (Windows: reinstall SoHoa Desk)",
        )
        .with_data(data);
    }
    if let Err(e) = load("osd") {
        return Outcome::bad(
            CheckStatus::Warn,
            format!("osd.traineddata in {} does not load: {e}", dir.display()),
            "Dữ liệu nhận hướng trang (osd) bị hỏng: cài lại gói tesseract-ocr-osd",
            "The page-orientation data (osd) is damaged: reinstall tesseract-ocr-osd",
        )
        .with_data(data);
    }
    Outcome::ok(format!("vie and osd load from {}", dir.display())).with_data(data)
}

/// The installed directory and the desk's own (`<data>/trust`, managed from the administrator's screen).
fn anchors(dir: &Path, desk: &Path, training: bool) -> Outcome {
    let status = if training {
        CheckStatus::Warn
    } else {
        CheckStatus::Fail
    };
    let fix_vi = format!(
        "Cài chứng thư gốc của Ban Cơ yếu Chính phủ (RootCA chuyên dùng Chính phủ G2) và Vietnam National Root CA vào {} \
         (xem assets/trust/README.md) hoặc từ màn hình Quản trị › Chứng thư tin cậy, đối chiếu dấu vân tay SHA-256 với trang của nơi phát hành; hoặc đặt SOHOA_TRUST_DIR",
        dir.display()
    );
    let fix_en = format!(
        "Install the Government Cipher Committee root (RootCA chuyên dùng Chính phủ G2) and the Vietnam National Root CA \
         into {} (see assets/trust/README.md) or from Administration › Trust anchors, checking each SHA-256 fingerprint against the issuer; or set SOHOA_TRUST_DIR",
        dir.display()
    );
    match crate::trust_admin::trust_store_from(dir, desk) {
        Ok(store) if store.anchor_count() > 0 => Outcome::ok(format!(
            "{} trust anchor(s) loaded from {} and {}",
            store.anchor_count(),
            dir.display(),
            desk.display()
        ))
        .with_data(json!({"dir": dir, "desk_dir": desk, "anchors": store.anchor_count()})),
        Ok(_) => Outcome::bad(
            status,
            format!("no self-signed anchor in {} or {}", dir.display(), desk.display()),
            &fix_vi,
            &fix_en,
        ),
        Err(e) => Outcome::bad(status, format!("{}: {e}", dir.display()), &fix_vi, &fix_en),
    }
}

fn writable(dir: &Path) -> Outcome {
    let fix_vi = format!(
        "Không ghi được vào thư mục dữ liệu {}: cấp quyền ghi cho tài khoản đang dùng, giải phóng ổ đĩa, hoặc chọn thư mục khác bằng SOHOA_DATA_DIR",
        dir.display()
    );
    let fix_en = format!(
        "Cannot write to the data directory {}: give this account write access, free the disk, or choose another directory with SOHOA_DATA_DIR",
        dir.display()
    );
    let probe = dir.join(format!(".doctor-probe-{}", uuid::Uuid::now_v7()));
    let result = fs::create_dir_all(dir).and_then(|()| {
        let mut f = fs::File::create_new(&probe)?;
        f.write_all(b"sohoa doctor")?;
        f.sync_all()?;
        drop(f);
        fs::remove_file(&probe)
    });
    match result {
        Ok(()) => Outcome::ok(format!("{} is writable (create, fsync, remove)", dir.display())),
        Err(e) => {
            let _ = fs::remove_file(&probe);
            Outcome::bad(
                CheckStatus::Fail,
                format!("{}: {e}", dir.display()),
                &fix_vi,
                &fix_en,
            )
        }
    }
}

fn free_space(dir: &Path) -> Outcome {
    // The data directory may not exist yet on a first run: measure the disk it will be created on.
    let Some(existing) = dir.ancestors().find(|p| p.exists()) else {
        return Outcome::ok("no existing parent to measure");
    };
    let avail = match super::space::available_bytes(existing) {
        Ok(b) => b,
        Err(e) => {
            return Outcome::bad(
                CheckStatus::Warn,
                format!("free space of {} unknown: {e}", existing.display()),
                "Không đo được dung lượng trống: kiểm tra ổ đĩa chứa thư mục dữ liệu",
                "Free space could not be measured: check the disk holding the data directory",
            );
        }
    };
    let gib = avail as f64 / (1024.0 * 1024.0 * 1024.0);
    let detail = format!("{gib:.1} GiB free on the disk of {}", existing.display());
    let data = json!({"available_bytes": avail});
    let fix_vi = "Ổ đĩa sắp đầy: xóa tệp không cần, chuyển bản sao lưu cũ sang ổ khác (sohoa backup), hoặc chọn thư mục dữ liệu trên ổ lớn hơn";
    let fix_en = "The disk is nearly full: delete unneeded files, move old backups elsewhere (sohoa backup), or put the data directory on a larger disk";
    if avail < NO_SPACE {
        Outcome::bad(CheckStatus::Fail, detail, fix_vi, fix_en).with_data(data)
    } else if avail < LOW_SPACE {
        Outcome::bad(CheckStatus::Warn, detail, fix_vi, fix_en).with_data(data)
    } else {
        Outcome::ok(detail).with_data(data)
    }
}

fn vault_check(vault: Result<VaultConfig, VaultError>, timeout: Duration) -> Outcome {
    let mut config = match vault {
        Ok(c) => c,
        Err(e) => {
            return Outcome::bad(
                CheckStatus::Fail,
                e.to_string(),
                "Cấu hình kho (vault.toml hoặc biến SOHOA_VAULT_*) không đọc được: sửa theo thông báo",
                "The vault settings (vault.toml or SOHOA_VAULT_* variables) cannot be read: fix them as the message says",
            );
        }
    };
    let Some(url) = config.url.clone() else {
        return Outcome::ok(
            "training mode: no vault URL is set; records are queued locally and nothing leaves the desk",
        )
        .with_data(json!({"training_mode": true}));
    };
    let fix_vi = format!(
        "Không kết nối được kho dữ liệu tại {url}: kiểm tra mạng nội bộ, tường lửa/proxy (SOHOA_VAULT_PROXY) và địa chỉ kho; hồ sơ vẫn được xếp hàng và gửi khi có mạng"
    );
    let fix_en = format!(
        "The vault at {url} is not reachable: check the network, firewall/proxy (SOHOA_VAULT_PROXY) and the URL; records stay queued and are sent once it answers"
    );
    config.connect_timeout = timeout;
    config.request_timeout = timeout;
    let wire = match sohoa_vault::TusWire::new(&config) {
        Ok(w) => w,
        Err(e) => return Outcome::bad(CheckStatus::Fail, e.to_string(), &fix_vi, &fix_en),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return Outcome::bad(CheckStatus::Warn, e.to_string(), &fix_vi, &fix_en),
    };
    let reachable = runtime.block_on(async { tokio::time::timeout(timeout, wire.reachable()).await });
    let data = json!({"url": url, "training_mode": false});
    match reachable {
        Ok(true) => Outcome::ok(format!("{url} answers")).with_data(data),
        Ok(false) => Outcome::bad(
            CheckStatus::Warn,
            format!("{url} does not answer"),
            &fix_vi,
            &fix_en,
        )
        .with_data(data),
        Err(_) => Outcome::bad(
            CheckStatus::Warn,
            format!("{url} gave no answer within {} s", timeout.as_secs()),
            &fix_vi,
            &fix_en,
        )
        .with_data(data),
    }
}
