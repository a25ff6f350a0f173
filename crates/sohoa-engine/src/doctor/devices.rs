//! Checks of the devices a desk works with: scanners per driver, the PC/SC service and PKCS#11 modules.
//! Each reuses the drivers' own discovery (sohoa-scan's registry, sohoa-sign's module list), so the
//! doctor sees exactly what `sohoa devices` and `sohoa tokens` would.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;
use sohoa_scan::registry::{DEMO_ID, default_registry};
use sohoa_scan::worker::WorkerCommand;
use sohoa_sign::SignError;

use super::{CheckStatus, Outcome};

pub(super) fn scanners(data_dir: &std::path::Path, worker: Option<WorkerCommand>) -> Outcome {
    let profiles = match crate::scan_profiles(data_dir) {
        Ok(p) => p,
        Err(e) => {
            return Outcome::bad(
                CheckStatus::Fail,
                e.to_string(),
                "Tệp cấu hình máy quét (SOHOA_SCANNER_PROFILES hoặc mẫu quét của máy trong thư mục dữ liệu) bị lỗi: sửa theo thông báo ở màn hình Quản trị › Mẫu quét hoặc bỏ biến này",
                "The scanner profiles (SOHOA_SCANNER_PROFILES or the desk presets in the data directory) are broken: fix them in Administration › Scan presets or unset the variable",
            );
        }
    };
    let worker = crate::scan_presets::desk_worker(data_dir, worker);
    let found = default_registry(worker, Arc::new(profiles)).discover();
    let mut per_driver: BTreeMap<String, u32> = BTreeMap::new();
    for d in &found.devices {
        let key = if d.id == DEMO_ID {
            "demo".to_owned()
        } else {
            format!("{:?}", d.driver).to_lowercase()
        };
        *per_driver.entry(key).or_insert(0) += 1;
    }
    let failures: Vec<_> = found
        .failures
        .iter()
        .map(|(k, e)| json!({"driver": format!("{k:?}").to_lowercase(), "code": e.code(), "message": e.message_vi()}))
        .collect();
    let devices: Vec<_> = found
        .devices
        .iter()
        .map(|d| json!({"id": d.id, "driver": format!("{:?}", d.driver).to_lowercase(), "name": d.name}))
        .collect();
    let data = json!({"per_driver": per_driver, "devices": devices, "driver_errors": failures});
    let summary = if per_driver.is_empty() {
        "none".to_owned()
    } else {
        per_driver
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let real = found.devices.iter().filter(|d| d.id != DEMO_ID).count();
    let fix_vi = "Cắm và bật máy quét, cài trình điều khiển của hãng (Linux: gói SANE/sane-airscan; Windows: trình điều khiển TWAIN), rồi kiểm tra lại bằng `sohoa devices`";
    let fix_en = "Connect and switch on the scanner, install its driver (Linux: SANE/sane-airscan; Windows: the vendor's TWAIN driver), then check with `sohoa devices`";
    if found.devices.is_empty() {
        Outcome::bad(
            CheckStatus::Fail,
            format!("no scanner found ({} driver errors)", failures.len()),
            fix_vi,
            fix_en,
        )
        .with_data(data)
    } else if real == 0 {
        Outcome::bad(
            CheckStatus::Warn,
            format!("only the training demo scanner ({summary})"),
            &format!("Chỉ có máy quét mô phỏng để đào tạo. {fix_vi}"),
            &format!("Only the training demo scanner is present. {fix_en}"),
        )
        .with_data(data)
    } else {
        Outcome::ok(summary).with_data(data)
    }
}

pub(super) fn pcsc(training: bool) -> Outcome {
    match sohoa_sign::piv::list_readers() {
        Ok(readers) => {
            let names: Vec<_> = readers.iter().map(|r| r.reader.clone()).collect();
            let data = json!({"readers": readers.iter().map(|r| json!({"reader": r.reader, "card_present": r.card_present, "piv": r.piv})).collect::<Vec<_>>()});
            if names.is_empty() {
                Outcome::bad(
                    CheckStatus::Warn,
                    "pcscd answers; no card reader is connected",
                    "Dịch vụ thẻ chạy nhưng chưa có đầu đọc/token nào: cắm token ký số của cơ quan",
                    "The smart-card service runs but no reader or token is connected: plug in the agency's signing token",
                )
                .with_data(data)
            } else {
                Outcome::ok(format!("pcscd answers; readers: {}", names.join("; "))).with_data(data)
            }
        }
        Err(e) => Outcome::bad(
            if training {
                CheckStatus::Warn
            } else {
                CheckStatus::Fail
            },
            format!("{e} [{}]", e.code()),
            "Dịch vụ thẻ thông minh không chạy: trên Debian chạy `sudo apt install pcscd && sudo systemctl enable --now pcscd.socket`; trên Windows bật dịch vụ \"Smart Card\" (SCardSvr)",
            "The smart-card service is not running: on Debian run `sudo apt install pcscd && sudo systemctl enable --now pcscd.socket`; on Windows start the \"Smart Card\" service (SCardSvr)",
        ),
    }
}

pub(super) fn pkcs11(training: bool) -> Outcome {
    let status = if training {
        CheckStatus::Warn
    } else {
        CheckStatus::Fail
    };
    let fix_vi = "Cài phần mềm token của nhà cung cấp chứng thư (VNPT-CA, Viettel-CA, BKAV, FPT, SafeNet, ePass2003...) hoặc OpenSC (`sudo apt install opensc`), rồi kiểm tra bằng `sohoa tokens`";
    let fix_en = "Install the certificate provider's token middleware (VNPT-CA, Viettel-CA, BKAV, FPT, SafeNet, ePass2003 ...) or OpenSC (`sudo apt install opensc`), then check with `sohoa tokens`";
    let present: Vec<_> = sohoa_sign::pkcs11::installed_modules();
    if present.is_empty() {
        return Outcome::bad(status, "no known PKCS#11 module is installed", fix_vi, fix_en);
    }
    let mut modules = Vec::new();
    let mut loaded = 0;
    for path in &present {
        match sohoa_sign::pkcs11::list_tokens(path) {
            Ok(tokens) => {
                loaded += 1;
                modules.push(json!({"module": path, "loads": true, "tokens": tokens.len()}));
            }
            Err(e) => modules.push(module_error(path, &e)),
        }
    }
    let data = json!({"modules": modules});
    let names = present
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if loaded == 0 {
        Outcome::bad(
            status,
            format!("modules found but none loads: {names}"),
            fix_vi,
            fix_en,
        )
        .with_data(data)
    } else {
        Outcome::ok(format!("{loaded} of {} module(s) load: {names}", present.len())).with_data(data)
    }
}

fn module_error(path: &std::path::Path, e: &SignError) -> serde_json::Value {
    json!({"module": path, "loads": false, "code": e.code(), "message": e.message_vi()})
}
