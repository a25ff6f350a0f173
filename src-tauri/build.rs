//! Embeds the built web UI and generates the permissions of the app's own commands.

use std::path::PathBuf;

/// The commands `generate_handler!` registers. Declaring them here makes tauri-build generate `allow-<command>`
/// permissions, and makes every command *denied* unless a capability grants it (no implicit IPC surface).
const COMMANDS: &[&str] = &[
    "app_info",
    "list_records",
    "record_detail",
    "whoami",
    "login",
    "logout",
    "lock",
    "unlock",
    "audit_verify",
    "list_users",
    "desk_status",
    "first_run",
    "finish_first_run",
    "run_doctor",
    "check_owner_id",
    "record_form",
    "create_record",
    "list_scanners",
    "scan_record",
    "ocr_record",
    "sign_record",
    "edit_pages",
    "cancel_scan",
    "cancel_ocr",
    "batch_profiles",
    "run_batch",
    "pending_dossiers",
    "dossier_sheet_check",
    "save_dossier",
    "discard_dossier",
    "add_info_only",
    "desk_settings",
    "save_settings",
    "review_queue",
    "draw_sample",
    "approve_record",
    "reject_record",
    "returned_records",
    "review_history",
    "rescan_page",
    "list_batches",
    "statistics",
    "export_report",
    "import_report",
    "read_id_card",
    "suggest_fields",
    "update_record_fields",
    "split_record",
    "merge_records",
    "merge_candidates",
    "trust_anchors",
    "inspect_certificate",
    "install_trust_anchor",
    "remove_trust_anchor",
    "signing_tokens",
    "scan_presets",
    "save_scan_presets",
    "dossier_checklists",
    "receive_dossier",
    "dossier_of",
];

fn main() {
    // With `custom-protocol` (the default feature) Tauri compiles ui/dist into the binary. Without it, the
    // error from tauri's macro is an opaque path message deep in a macro expansion; say what to run instead.
    if std::env::var_os("CARGO_FEATURE_CUSTOM_PROTOCOL").is_some() {
        let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
        let root = manifest_dir
            .parent()
            .map_or_else(|| manifest_dir.join(".."), PathBuf::from);
        let dist = root.join("ui").join("dist");
        println!("cargo::rerun-if-changed={}", dist.display());
        if !dist.join("index.html").is_file() {
            println!(
                "cargo::error=the web UI is not built: {} has no index.html. Run `npm --prefix ui ci && npm --prefix ui run build` at the repository root first (or build with --no-default-features for a dev build that loads http://localhost:5173).",
                dist.display()
            );
            return;
        }
    }
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        println!("cargo::error=tauri-build failed: {err:#}");
    }
}
