//! Catalogue load failures, each naming the file and, where there is one, the line.

use std::path::PathBuf;

use crate::localized::Localized;

/// `file` is the path read, or `embedded:<name>` for the compiled-in copy; `line` is 1-based.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalogue directory {dir} does not exist or is not a directory")]
    NotADirectory { dir: PathBuf },
    #[error("cannot read catalogue file {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}:{line}: code {code} is already defined on line {first_line}")]
    Duplicate {
        file: String,
        line: usize,
        code: String,
        first_line: usize,
    },
    #[error("{file}:{line}: entry {code} has an empty {field}")]
    EmptyName {
        file: String,
        line: usize,
        code: String,
        field: &'static str,
    },
    #[error("{file}:{line}: code {code:?} is malformed; expected {expected}")]
    BadCode {
        file: String,
        line: usize,
        code: String,
        expected: &'static str,
    },
    #[error(
        "{file}:{line}: entry {code} names unknown record kind {kind:?}; expected result, residence, id-card or info-only"
    )]
    UnknownKind {
        file: String,
        line: usize,
        code: String,
        kind: String,
    },
    #[error("{file}:{line}: entry {code}: {field} {target} is not in {target_file}")]
    UnknownReference {
        file: String,
        line: usize,
        code: String,
        field: &'static str,
        target: String,
        target_file: &'static str,
    },
    #[error("{file}: the catalogue has no entries")]
    NoEntries { file: String },
    #[error("{file}:{line}: procedure {code} digitizes only its result, so it lists no input papers")]
    PapersOfResultsOnly { file: String, line: usize, code: String },
    #[error("{file}:{line}: procedure {code}: paper type {doc_type} does not allow the result record kind")]
    PaperNotResult {
        file: String,
        line: usize,
        code: String,
        doc_type: String,
    },
}

impl Localized for CatalogError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotADirectory { .. } => "catalog.not_a_directory",
            Self::Io { .. } => "catalog.io",
            Self::Syntax { .. } => "catalog.syntax",
            Self::Duplicate { .. } => "catalog.duplicate_code",
            Self::EmptyName { .. } => "catalog.empty_name",
            Self::BadCode { .. } => "catalog.bad_code",
            Self::UnknownKind { .. } => "catalog.unknown_kind",
            Self::UnknownReference { .. } => "catalog.unknown_reference",
            Self::NoEntries { .. } => "catalog.no_entries",
            Self::PapersOfResultsOnly { .. } => "catalog.papers_of_results_only",
            Self::PaperNotResult { .. } => "catalog.paper_not_result",
        }
    }

    fn message_vi(&self) -> String {
        match self {
            Self::NotADirectory { dir } => format!(
                "Thư mục danh mục {} không tồn tại hoặc không phải là thư mục.",
                dir.display()
            ),
            Self::Io { file, source } => format!("Không đọc được tệp danh mục {file}: {source}."),
            Self::Syntax { file, line, message } => {
                format!("{file}, dòng {line}: sai cú pháp hoặc sai trường dữ liệu ({message}).")
            }
            Self::Duplicate {
                file,
                line,
                code,
                first_line,
            } => format!("{file}, dòng {line}: mã {code} bị trùng (đã khai báo ở dòng {first_line})."),
            Self::EmptyName {
                file,
                line,
                code,
                field,
            } => format!("{file}, dòng {line}: mục {code} để trống trường {field}."),
            Self::BadCode {
                file,
                line,
                code,
                expected,
            } => format!("{file}, dòng {line}: mã «{code}» sai định dạng; cần {expected}."),
            Self::UnknownKind {
                file,
                line,
                code,
                kind,
            } => format!(
                "{file}, dòng {line}: mục {code} ghi loại hồ sơ «{kind}» không tồn tại; \
                 cần result, residence, id-card hoặc info-only."
            ),
            Self::UnknownReference {
                file,
                line,
                code,
                field,
                target,
                target_file,
            } => {
                format!("{file}, dòng {line}: mục {code} có {field} = {target} không có trong {target_file}.")
            }
            Self::NoEntries { file } => format!("{file}: danh mục không có mục nào."),
            Self::PapersOfResultsOnly { file, line, code } => format!(
                "{file}, dòng {line}: thủ tục {code} chỉ số hóa kết quả giải quyết nên không được liệt kê \
                 thành phần hồ sơ."
            ),
            Self::PaperNotResult {
                file,
                line,
                code,
                doc_type,
            } => format!(
                "{file}, dòng {line}: thủ tục {code}: loại giấy tờ {doc_type} không dùng được cho hồ sơ \
                 loại result (kinds phải có \"result\")."
            ),
        }
    }
}
