//! The PIN lives only in memory, is wiped when dropped and never reaches a log, file or error message.

use zeroize::Zeroizing;

use crate::SignError;

/// A token PIN. `Debug` prints a placeholder; the buffer is zeroized on drop.
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    pub fn new(pin: String) -> Self {
        Pin(Zeroizing::new(pin))
    }

    /// Reads the PIN from an environment variable (`--pin-env VAR`), so it never appears on a command line.
    pub fn from_env(var: &str) -> Result<Self, SignError> {
        match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Pin::new(v)),
            _ => Err(SignError::PinMissing(var.to_owned())),
        }
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// PIV encodes the PIN as ASCII padded with 0xFF to 8 bytes.
    pub(crate) fn piv_block(&self) -> Result<Zeroizing<[u8; 8]>, SignError> {
        let b = self.0.as_bytes();
        if b.is_empty() || b.len() > 8 {
            return Err(SignError::WrongPin { retries_left: None });
        }
        let mut out = Zeroizing::new([0xFFu8; 8]);
        out[..b.len()].copy_from_slice(b);
        Ok(out)
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(***)")
    }
}
