//! PKCS#11 tokens through `cryptoki`: the vendor modules of Vietnamese CAs, OpenSC, SoftHSM.

mod ffi;
mod inventory;
mod module;
mod signer;

pub use inventory::{Pkcs11Token, list_tokens};
pub use module::{
    OPENSC_MODULE, SOFTHSM_MODULE, candidate_modules, installed_modules, probe, resolve_alias, shared_module,
};
pub use signer::{ModuleChoice, Pkcs11Signer};
