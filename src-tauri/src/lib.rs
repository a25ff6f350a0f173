//! The SoHoa Desk desktop shell: opens the engine on the configured data directory and exposes it to the web
//! UI through a few commands, each on behalf of the signed-in account. Everything the app *does* lives in `sohoa-engine`; this crate only adapts.

mod admin;
pub mod api;
mod batch;
mod commands;
pub mod error;
mod first_run;
mod intake;
mod reception;
mod review;
pub mod session;
mod stats;
mod status;
pub mod updater;

use sohoa_engine::{Engine, EngineConfig};
use tracing_subscriber::EnvFilter;

use commands::Shell;
pub use error::ShellError;

/// Log filter variable, same syntax as `RUST_LOG` (e.g. `SOHOA_LOG=sohoa_desk_lib=debug`).
const LOG_ENV: &str = "SOHOA_LOG";

fn init_logging() {
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    // A second initialisation (tests) is harmless: keep the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Opens the engine from the environment (`SOHOA_DATA_DIR`, else the platform data directory).
fn open_engine() -> Result<Engine, ShellError> {
    let engine = Engine::open(EngineConfig::from_env()?)?;
    tracing::info!(data_dir = %engine.data_dir().display(), "engine opened");
    Ok(engine)
}

pub fn run() -> anyhow::Result<()> {
    init_logging();
    let engine = open_engine();
    if let Err(err) = &engine {
        tracing::error!(code = %err.code, "engine did not open; the window will show the reason");
    }
    let shell = Shell::new(engine);
    let feed = std::sync::Arc::new(status::StatusFeed::default());
    let feed_engine = shell.engine_handle();
    let setup_feed = std::sync::Arc::clone(&feed);
    updater::register(tauri::Builder::default())
        .register_asynchronous_uri_scheme_protocol(reception::PAGE_SCHEME, reception::serve_page)
        .manage(shell)
        .manage(reception::ScanStop::default())
        .manage(reception::OcrStop::default())
        .manage(feed)
        .setup(move |app| {
            if let Some(engine) = feed_engine {
                status::start(app.handle().clone(), engine, setup_feed, api::training_mode());
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_records,
            commands::record_detail,
            commands::whoami,
            commands::login,
            commands::logout,
            commands::lock,
            commands::unlock,
            commands::audit_verify,
            commands::list_users,
            commands::desk_status,
            commands::first_run,
            commands::finish_first_run,
            commands::run_doctor,
            reception::check_owner_id,
            reception::record_form,
            reception::create_record,
            reception::list_scanners,
            reception::scan_record,
            reception::ocr_record,
            reception::sign_record,
            reception::edit_pages,
            reception::cancel_scan,
            reception::cancel_ocr,
            batch::batch_profiles,
            batch::run_batch,
            batch::pending_dossiers,
            batch::dossier_sheet_check,
            batch::save_dossier,
            batch::discard_dossier,
            batch::add_info_only,
            admin::desk_settings,
            admin::save_settings,
            review::review_queue,
            review::draw_sample,
            review::approve_record,
            review::reject_record,
            review::returned_records,
            review::review_history,
            review::rescan_page,
            batch::list_batches,
            stats::statistics,
            stats::export_report,
            stats::import_report,
            reception::suggest_fields,
            reception::update_record_fields,
            reception::split_record,
            reception::merge_records,
            reception::merge_candidates,
            admin::trust_anchors,
            admin::inspect_certificate,
            admin::install_trust_anchor,
            admin::remove_trust_anchor,
            admin::signing_tokens,
            admin::scan_presets,
            admin::save_scan_presets,
            intake::dossier_checklists,
            intake::receive_dossier,
            intake::dossier_of,
            reception::read_id_card
        ])
        .run(tauri::generate_context!())?;
    Ok(())
}
