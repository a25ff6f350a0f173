//! Why a dossier was not received; each message tells the officer what to do at the counter.

use crate::ErrorClass;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("procedure {0} is not in the catalogue")]
    UnknownProcedure(String),
    #[error("the checklist of {procedure} has no paper {slot}")]
    UnknownSlot { procedure: String, slot: u32 },
    #[error("paper {slot} is listed twice")]
    DuplicateSlot { slot: u32 },
    /// The type the officer picked is not one that satisfies the paper (the list is the law's).
    #[error("paper {slot} ({paper}) cannot be a {doc_type}; expected one of {expected:?}")]
    DocTypeNotExpected {
        slot: u32,
        paper: String,
        doc_type: String,
        expected: Vec<String>,
    },
    /// One-stop practice: an incomplete dossier is not received; the citizen is told what to bring.
    #[error("required papers missing: {}", names.join("; "))]
    RequiredMissing { names: Vec<String> },
    /// Seed 001: only the result of these procedures is digitized.
    #[error("procedure {procedure} digitizes only its result; other papers are not received")]
    ResultsOnly { procedure: String },
    #[error("no paper is marked to be scanned")]
    NothingToScan,
    #[error("paper {slot}: {sheets} sheets is outside 1–1000")]
    Sheets { slot: u32, sheets: u32 },
}

impl IntakeError {
    pub fn code(&self) -> &'static str {
        match self {
            IntakeError::UnknownProcedure(_) => "intake.unknown_procedure",
            IntakeError::UnknownSlot { .. } => "intake.unknown_paper",
            IntakeError::DuplicateSlot { .. } => "intake.duplicate_paper",
            IntakeError::DocTypeNotExpected { .. } => "intake.doc_type_not_expected",
            IntakeError::RequiredMissing { .. } => "intake.required_missing",
            IntakeError::ResultsOnly { .. } => "intake.results_only",
            IntakeError::NothingToScan => "intake.nothing_to_scan",
            IntakeError::Sheets { .. } => "intake.sheets",
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            IntakeError::UnknownProcedure(_) => ErrorClass::NotFound,
            _ => ErrorClass::Invalid,
        }
    }

    pub fn message_vi(&self) -> String {
        match self {
            IntakeError::UnknownProcedure(code) => {
                format!("Thủ tục {code} không có trong danh mục thủ tục của máy.")
            }
            IntakeError::UnknownSlot { procedure, slot } => {
                format!("Danh mục thành phần hồ sơ của thủ tục {procedure} không có mục số {slot}.")
            }
            IntakeError::DuplicateSlot { slot } => {
                format!("Thành phần hồ sơ số {slot} được khai hai lần.")
            }
            IntakeError::DocTypeNotExpected {
                slot,
                paper,
                doc_type,
                expected,
            } => format!(
                "Thành phần {slot} («{paper}») không nhận loại giấy tờ {doc_type}; chọn một trong: {}.",
                expected.join(", ")
            ),
            IntakeError::RequiredMissing { names } => format!(
                "Hồ sơ còn thiếu thành phần bắt buộc: {}. Hướng dẫn công dân bổ sung, hoặc đánh dấu \
                 «đã có bản điện tử» nếu cơ quan đã có giấy tờ đó.",
                names.join("; ")
            ),
            IntakeError::ResultsOnly { procedure } => format!(
                "Thủ tục {procedure} chỉ số hóa kết quả giải quyết, không tiếp nhận bản quét giấy tờ đầu vào."
            ),
            IntakeError::NothingToScan => {
                "Chưa có giấy tờ nào được đánh dấu «bản giấy — quét»: không có gì để số hóa.".to_owned()
            }
            IntakeError::Sheets { slot, sheets } => {
                format!("Thành phần {slot}: số tờ {sheets} không hợp lệ (1–1000).")
            }
        }
    }
}
