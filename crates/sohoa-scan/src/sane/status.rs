//! Every `SANE_Status` as a typed [`ScanError`]: a jam is never an empty page, a busy scanner never a crash.

use std::ffi::c_int;

use crate::ScanError;

/// Maps a non-GOOD, non-EOF status; `what` says which call failed, for the log and the error detail.
pub fn to_error(status: c_int, what: &str) -> ScanError {
    match status {
        1 => ScanError::Unsupported(format!("{what}: SANE_STATUS_UNSUPPORTED")),
        2 => ScanError::Cancelled,
        3 => ScanError::Busy,
        4 => ScanError::Protocol(format!("{what}: SANE_STATUS_INVAL")),
        5 => ScanError::Protocol(format!("{what}: unexpected SANE_STATUS_EOF")),
        6 => ScanError::Jammed,
        7 => ScanError::FeederEmpty,
        8 => ScanError::CoverOpen,
        9 => ScanError::Io(format!("{what}: SANE_STATUS_IO_ERROR")),
        10 => ScanError::Io(format!("{what}: out of memory (SANE_STATUS_NO_MEM)")),
        11 => ScanError::Io(format!("{what}: access denied (SANE_STATUS_ACCESS_DENIED)")),
        other => ScanError::Protocol(format!("{what}: unknown SANE status {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_path_statuses_are_typed() {
        assert_eq!(to_error(6, "read"), ScanError::Jammed);
        assert_eq!(to_error(7, "start"), ScanError::FeederEmpty);
        assert_eq!(to_error(8, "read"), ScanError::CoverOpen);
        assert_eq!(to_error(3, "open"), ScanError::Busy);
        assert_eq!(to_error(2, "read"), ScanError::Cancelled);
        assert!(matches!(to_error(9, "read"), ScanError::Io(_)));
        assert!(matches!(to_error(10, "read"), ScanError::Io(d) if d.contains("NO_MEM")));
        assert!(matches!(to_error(11, "open"), ScanError::Io(d) if d.contains("ACCESS_DENIED")));
        assert!(matches!(to_error(1, "x"), ScanError::Unsupported(_)));
        assert!(matches!(to_error(42, "x"), ScanError::Protocol(_)));
    }
}
