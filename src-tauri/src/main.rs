//! `sohoa-desk`: the desktop app. Everything lives in the library so tests can reach it.
// Without this a Windows release build would open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> anyhow::Result<()> {
    sohoa_desk_lib::run()
}
