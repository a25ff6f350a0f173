//! Errors shown to officers in Vietnamese first.

/// Every error type of the domain implements this so the UI can show a Vietnamese message
/// and the CLI can print both, while scripts and tests match on a stable machine code that
/// does not change when a message is reworded.
pub trait Localized {
    /// Stable machine code such as `"id.province_unknown"`.
    fn code(&self) -> &'static str;
    /// Vietnamese message with diacritics, NFC, saying why the value was rejected.
    fn message_vi(&self) -> String;
}
