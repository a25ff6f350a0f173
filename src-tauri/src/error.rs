//! The one error shape every command rejects with. The UI shows `message` (Vietnamese) or `message_en` by the
//! officer's language and keys behaviour on `code`, so the engine's stable codes pass through unchanged.

use serde::Serialize;
use sohoa_engine::EngineError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message_en}")]
pub struct ShellError {
    /// The engine's machine code (`store.not_found`, …) or a `shell.*` code for failures of the shell itself.
    pub code: String,
    /// Vietnamese, shown first.
    pub message: String,
    pub message_en: String,
}

impl From<EngineError> for ShellError {
    fn from(err: EngineError) -> Self {
        ShellError {
            code: err.code().to_owned(),
            message: err.message_vi(),
            message_en: err.to_string(),
        }
    }
}

/// The engine's stage errors (scan, OCR, PDF/signing) all carry a stable code and a Vietnamese message.
macro_rules! from_stage_error {
    ($($t:ty),+) => {$(
        impl From<$t> for ShellError {
            fn from(err: $t) -> Self {
                ShellError {
                    code: err.code().to_string(),
                    message: err.message_vi(),
                    message_en: err.to_string(),
                }
            }
        }
    )+};
}

from_stage_error!(
    sohoa_engine::ScanRecordError,
    sohoa_engine::RecordOcrError,
    sohoa_engine::RecordPdfError,
    sohoa_engine::BatchError
);

impl From<sohoa_engine::VaultError> for ShellError {
    fn from(err: sohoa_engine::VaultError) -> Self {
        ShellError::from(sohoa_engine::EngineError::from(err))
    }
}

impl ShellError {
    /// Outside training mode the stamp must name the real agency: refusing beats a wrong legal copy.
    pub(crate) fn no_agency() -> Self {
        ShellError {
            code: "sign.no_agency".to_owned(),
            message: "Chưa cấu hình tên cơ quan sao: quản trị viên nhập ở màn hình Cấu hình".to_owned(),
            message_en: "the copying agency is not configured: an administrator sets it in Settings"
                .to_owned(),
        }
    }

    /// A request the shell itself refuses before reaching the engine.
    pub(crate) fn invalid(code: &str, message: &str, message_en: &str) -> Self {
        ShellError {
            code: code.to_owned(),
            message: message.to_owned(),
            message_en: message_en.to_owned(),
        }
    }

    /// A file operation of the shell's own (not the engine's) that failed.
    pub(crate) fn io(code: &str, err: &std::io::Error) -> Self {
        ShellError {
            code: code.to_owned(),
            message: format!("Không ghi được vào thư mục dữ liệu: {err}"),
            message_en: format!("could not write to the data folder: {err}"),
        }
    }

    /// A blocking engine call that never returned (its worker thread panicked or was cancelled).
    pub(crate) fn worker_lost(detail: &str) -> Self {
        ShellError {
            code: "shell.worker_lost".to_owned(),
            message: format!("Tác vụ nền bị gián đoạn, hãy thử lại: {detail}"),
            message_en: format!("a background task was interrupted, try again: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_keep_their_code_and_both_languages() {
        let err = ShellError::from(EngineError::UnknownKind("vehicle".to_owned()));
        assert_eq!(err.code, "record.unknown_kind");
        assert!(err.message.contains("Loại hồ sơ 'vehicle'"), "{}", err.message);
        assert!(
            err.message_en.contains("unknown record kind 'vehicle'"),
            "{}",
            err.message_en
        );
    }

    /// The UI's `isShellError` checks exactly these three string members; a rename here would make every
    /// engine error show up as an opaque IPC failure.
    #[test]
    fn serialises_to_the_shape_the_ui_expects() {
        let err = ShellError::from(EngineError::NoDataDir);
        let json = serde_json::to_value(&err).unwrap();
        let obj = json.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "message", "message_en"]);
        assert_eq!(obj["code"], "engine.no_data_dir");
        assert!(
            obj["message"]
                .as_str()
                .unwrap()
                .starts_with("Không xác định được thư mục dữ liệu")
        );
    }
}
