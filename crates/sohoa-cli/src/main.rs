//! The `sohoa` command.
fn main() {}
