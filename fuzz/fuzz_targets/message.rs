//! The vault's message parser takes bytes from any authenticated client: it must never panic, and what it
//! accepts must survive a round trip unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = sohoa_vault::parse_message(data) {
        let again = serde_json::to_vec(&msg).map(|b| sohoa_vault::parse_message(&b));
        assert!(matches!(again, Ok(Ok(ref m)) if *m == msg), "accepted message does not round-trip");
    }
});
