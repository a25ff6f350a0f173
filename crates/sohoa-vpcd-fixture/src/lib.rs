//! Test fixtures for SoHoa Desk's signing code, used only by tests (`publish = false`).
//!
//! Everything here is the real protocol, not a mock of our own code: a PIV card application served to the
//! system's pcscd through the vsmartcard-vpcd socket protocol (so OpenSC's PIV driver and our PC/SC backend
//! both see a card in a reader), a private SoftHSM2 token directory, and a small PKI made with rcgen.
//! Fixture set-up failures panic with the reason: they are test failures, not conditions to handle.

mod keys;
pub mod pcscd;
pub mod piv;
pub mod pki;
pub mod softhsm;
mod tlv;
pub mod validate;
pub mod vpcd;

pub use keys::{SubjectKey, TestKey};
pub use piv::{PivCard, PivSlot, Reaction};
pub use pki::{TestPki, Usage, Validity};
pub use softhsm::{SoftHsm, TokenKey};
pub use validate::validate_signed_pdf;
pub use vpcd::VirtualCard;
