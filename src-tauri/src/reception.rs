//! The reception flow's commands (owner ID, form, create, scan, OCR) and the `page:` protocol that serves
//! page images to the webview. Images go through a protocol rather than base64 in IPC answers: a 300 dpi
//! page is megabytes, which as JSON would freeze the window while it is parsed.

use serde::{Deserialize, Serialize};
use sohoa_engine::{
    NewRecordRequest, OcrConfig, OwnerIdCheck, RecordDetail, RecordForm, RecordOcrReport, ScanRecordReport,
    ScannerChoices,
};
use tauri::http::{Request, Response, StatusCode, header};
use tauri::{AppHandle, Emitter, Manager, State, UriSchemeContext, UriSchemeResponder};

use crate::commands::{Shell, guarded};
use crate::error::ShellError;
use crate::status::{OcrProgress, StatusFeed, worker_command};

/// The scheme of page images: `page://localhost/<record>/<version>/<ordinal>[?max=<px>]` (Linux, macOS);
/// `http://page.localhost/…` on Windows, which `convertFileSrc` in the UI takes care of.
pub const PAGE_SCHEME: &str = "page";

#[tauri::command]
pub async fn check_owner_id(state: State<'_, Shell>, text: String) -> Result<OwnerIdCheck, ShellError> {
    guarded("check_owner_id", &state, move |e| Ok(e.check_owner_id(&text)?)).await
}

#[tauri::command]
pub async fn record_form(state: State<'_, Shell>, kind: String) -> Result<RecordForm, ShellError> {
    guarded("record_form", &state, move |e| Ok(e.record_form(&kind)?)).await
}

#[tauri::command]
pub async fn create_record(
    state: State<'_, Shell>,
    mut request: NewRecordRequest,
) -> Result<RecordDetail, ShellError> {
    // An empty box in the form means "not given".
    request.owner_id = request.owner_id.filter(|s| !s.trim().is_empty());
    request.doc_type_code = request.doc_type_code.filter(|s| !s.trim().is_empty());
    guarded("create_record", &state, move |e| Ok(e.create_record(&request)?)).await
}

/// Seconds long on a desk with network scanners (discovery waits for them), hence async.
#[tauri::command]
pub async fn list_scanners(state: State<'_, Shell>) -> Result<ScannerChoices, ShellError> {
    guarded("list_scanners", &state, |e| {
        Ok(sohoa_engine::scanner_choices(e.data_dir(), worker_command())?)
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct ScanRequest {
    pub record: String,
    pub device: String,
    pub preset: String,
    pub max_pages: Option<u32>,
    /// Where the scanned pages go among the record's page images (0-based); absent: after the last.
    #[serde(default)]
    pub insert_at: Option<u32>,
}

/// One acquired page, pushed while the scan goes on so the strip fills as paper moves.
#[derive(Debug, Clone, Serialize)]
pub struct ScanProgress {
    pub record: String,
    pub pages: usize,
    pub sheet: u32,
}

/// Set by `cancel_scan`, read by the scan under way after each page. One window, one scan at a time.
#[derive(Default)]
pub struct ScanStop(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl ScanStop {
    /// The flag for a new scan, cleared: a stop asked for before it started is not for it.
    pub(crate) fn flag(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        self.0.store(false, std::sync::atomic::Ordering::Relaxed);
        std::sync::Arc::clone(&self.0)
    }
}

/// Set by `cancel_ocr`, read by the OCR job under way.
#[derive(Default)]
pub struct OcrStop(std::sync::Arc<std::sync::atomic::AtomicBool>);

#[tauri::command]
pub async fn scan_record(
    app: AppHandle,
    state: State<'_, Shell>,
    stop: State<'_, ScanStop>,
    request: ScanRequest,
) -> Result<ScanRecordReport, ShellError> {
    let stop = stop.flag();
    guarded("scan_record", &state, move |e| {
        let (mut device, settings) = sohoa_engine::open_scanner(
            e.data_dir(),
            worker_command(),
            &request.device,
            &request.preset,
            request.max_pages,
        )?;
        let mut pages = 0;
        let record = request.record.clone();
        let report = e.scan_into_record_at(
            &request.record,
            request.insert_at,
            device.as_mut(),
            &settings,
            Some(&request.preset),
            &stop,
            |p| {
                pages += 1;
                let progress = ScanProgress {
                    record: record.clone(),
                    pages,
                    sheet: p.sheet,
                };
                if let Err(err) = app.emit("scan-progress", progress) {
                    tracing::warn!(error = %err, "scan progress not delivered to the window");
                }
            },
        )?;
        Ok(report)
    })
    .await
}

/// Scans the citizen's card and reads its QR code (or MRZ); the form is filled from it, nothing is stored.
#[tauri::command]
pub async fn read_id_card(
    state: State<'_, Shell>,
    stop: State<'_, ScanStop>,
    device: String,
    preset: String,
) -> Result<sohoa_engine::CardReading, ShellError> {
    let stop = stop.flag();
    guarded("read_id_card", &state, move |e| {
        let (mut scanner, settings) =
            sohoa_engine::open_scanner(e.data_dir(), worker_command(), &device, &preset, Some(1))?;
        Ok(e.read_id_card(scanner.as_mut(), &settings, &stop)?)
    })
    .await
}

/// Stops the scan under way after the page in hand; the pages scanned so far are stored.
#[tauri::command]
pub fn cancel_scan(stop: State<'_, ScanStop>) {
    stop.0.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Stops the OCR job under way; nothing of it is stored.
#[tauri::command]
pub fn cancel_ocr(stop: State<'_, OcrStop>) {
    stop.0.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Reads every page of the record's current version that has no words yet and stores the words as a new
/// version (the PDF's text layer and the field suggestions come from them).
#[tauri::command]
pub async fn ocr_record(
    app: AppHandle,
    state: State<'_, Shell>,
    feed: State<'_, std::sync::Arc<StatusFeed>>,
    stop: State<'_, OcrStop>,
    record: String,
) -> Result<RecordOcrReport, ShellError> {
    let feed = std::sync::Arc::clone(&feed);
    let stop = std::sync::Arc::clone(&stop.0);
    stop.store(false, std::sync::atomic::Ordering::Relaxed);
    guarded("ocr_record", &state, move |e| {
        let config = OcrConfig::default();
        let progress = |done: usize, total: usize| {
            let (done, total) = (done as u64, total as u64);
            feed.set_ocr(
                &app,
                OcrProgress {
                    queued: total - done,
                    done,
                    total,
                },
            );
        };
        let result = e.ocr_record(&record, &config, None, &stop, progress);
        feed.set_ocr(&app, OcrProgress::default());
        Ok(result?)
    })
    .await
}

/// Reorders, deletes or turns pages (a new version); returns the record as it now is.
#[tauri::command]
pub async fn edit_pages(
    state: State<'_, Shell>,
    record: String,
    edit: sohoa_engine::PageEdit,
) -> Result<RecordDetail, ShellError> {
    guarded("edit_pages", &state, move |e| {
        e.edit_pages(&record, &edit)?;
        Ok(e.record_detail(&record)?)
    })
    .await
}

/// The pages from position `at` on become a new record with the same owner and fields; `version` is the
/// one the officer chose `at` on (refused if another was committed since).
#[tauri::command]
pub async fn split_record(
    state: State<'_, Shell>,
    record: String,
    at: u32,
    version: Option<u32>,
) -> Result<sohoa_engine::SplitReport, ShellError> {
    guarded("split_record", &state, move |e| {
        Ok(e.split_record(&record, at, version)?)
    })
    .await
}

/// `source`'s pages are appended to `target`'s; `source` goes to the trash. `version`: the target's on screen.
#[tauri::command]
pub async fn merge_records(
    state: State<'_, Shell>,
    target: String,
    source: String,
    version: Option<u32>,
) -> Result<sohoa_engine::MergeReport, ShellError> {
    guarded("merge_records", &state, move |e| {
        Ok(e.merge_records(&target, &source, version)?)
    })
    .await
}

/// Records of the same owner and kind that could be merged into `record`.
#[tauri::command]
pub async fn merge_candidates(
    state: State<'_, Shell>,
    record: String,
) -> Result<Vec<sohoa_engine::MergeCandidate>, ShellError> {
    guarded("merge_candidates", &state, move |e| {
        Ok(e.merge_candidates(&record)?)
    })
    .await
}

/// What the stored OCR words of the record's pages suggest for its fields, each with its box on the page.
#[tauri::command]
pub async fn suggest_fields(
    state: State<'_, Shell>,
    record: String,
) -> Result<sohoa_engine::FieldSuggestions, ShellError> {
    guarded("suggest_fields", &state, move |e| Ok(e.suggest_fields(&record)?)).await
}

/// Field edits by the signed-in officer (accepted suggestions, corrections after scanning), validated
/// together and stored as one revision; `revision` refuses the edit if someone changed the record meanwhile.
#[tauri::command]
pub async fn update_record_fields(
    state: State<'_, Shell>,
    record: String,
    edits: Vec<(String, String)>,
    revision: Option<u32>,
) -> Result<RecordDetail, ShellError> {
    guarded("update_record_fields", &state, move |e| {
        Ok(e.edit_record(&record, &edits, revision)?)
    })
    .await
}

/// The key `sign_record` uses (`pkcs11:…`, `piv[:READER]`): `SOHOA_SIGN_KEY`, else the first PKCS#11
/// module and token that answer.
const SIGN_KEY_ENV: &str = "SOHOA_SIGN_KEY";
/// The copying agency printed in the "SAO Y" stamp.
const AGENCY_ENV: &str = "SOHOA_AGENCY";
/// Agency code of a training desk's vault messages (they never leave the desk).
const TRAINING_AGENCY_CODE: &str = "TAPHUAN";

#[derive(Debug, Serialize)]
pub struct SignedAndQueued {
    pub sign: sohoa_engine::SignRecordReport,
    /// The outbox message id (the vault's idempotency key).
    pub message_id: String,
}

/// Signs the record's legal copy with the officer's PIN and queues it for the vault in one step, which is
/// what "done" means at the counter. The PIN goes to the token and nowhere else (never logged, not kept).
#[tauri::command]
pub async fn sign_record(
    state: State<'_, Shell>,
    record: String,
    pin: String,
) -> Result<SignedAndQueued, ShellError> {
    let training = crate::api::training_mode();
    guarded("sign_record", &state, move |e| {
        // The environment (set on purpose by a deployment or support) wins over the administrator's settings.
        let settings = e.desk_settings()?;
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let key = env(SIGN_KEY_ENV)
            .or(settings.sign_key)
            .unwrap_or_else(|| "pkcs11:auto".to_owned());
        let agency = env(AGENCY_ENV)
            .or(settings.agency_name)
            .or_else(|| training.then(|| "Cơ quan tập huấn SoHoa".to_owned()))
            .ok_or_else(ShellError::no_agency)?;
        let mut signer = sohoa_engine::open_trusted_signer(e.data_dir(), &key, pin)?;
        let sign = e.sign_record(&record, signer.as_mut(), &sohoa_engine::sao_y_options(&agency))?;
        let mut config = e.vault_config()?;
        if training && config.agency_code.is_none() {
            config.agency_code = Some(TRAINING_AGENCY_CODE.to_owned());
        }
        let queued = e.vault_enqueue(&sign.record_id, &config)?;
        Ok(SignedAndQueued {
            sign,
            message_id: queued.message_id,
        })
    })
    .await
}

/// The `page:` protocol. Every request is checked against the session like a command: a locked window
/// shows no pages. Decoding and thumbnailing run on their own thread, never on the webview's.
pub fn serve_page(
    ctx: UriSchemeContext<'_, tauri::Wry>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let job: PageJob = Box::new(move || {
        let shell = app.state::<Shell>();
        responder.respond(page_response(&shell, request.uri()));
    });
    if let Err(err) = page_workers().send(job) {
        tracing::error!(error = %err, "page protocol workers gone");
    }
}

type PageJob = Box<dyn FnOnce() + Send>;

/// One decoding worker per core: a strip of hundreds of thumbnails must not decode hundreds of full 300 dpi
/// pages (25 MB each) at once; requests wait in the queue instead.
fn page_workers() -> &'static std::sync::mpsc::Sender<PageJob> {
    static QUEUE: std::sync::OnceLock<std::sync::mpsc::Sender<PageJob>> = std::sync::OnceLock::new();
    QUEUE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<PageJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        for i in 0..cores {
            let rx = std::sync::Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name(format!("page-protocol-{i}"))
                .spawn(move || {
                    loop {
                        let next = rx
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .recv();
                        match next {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "page protocol worker not started");
            }
        }
        tx
    })
}

fn page_response(shell: &Shell, uri: &tauri::http::Uri) -> Response<Vec<u8>> {
    let Some((record, version, ordinal)) = parse_page_path(uri.path()) else {
        return text(
            StatusCode::BAD_REQUEST,
            "expected /<record>/<version>/<page> or /dossier/<id>/<page>",
        );
    };
    let max = uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("max=")))
        .and_then(|v| v.parse::<u32>().ok());
    // A pending archive dossier has no record yet: `/dossier/<id>/<page>` (parsed as version 0).
    let image = shell.as_caller("page", |e| match record.strip_prefix(DOSSIER_PREFIX) {
        Some(dossier) => Ok(e.dossier_page_image(dossier, ordinal, max)?),
        None => Ok(e.page_image(&record, version, ordinal, max)?),
    });
    match image {
        Ok(img) => Response::builder()
            .header(header::CONTENT_TYPE, img.media_type)
            // Content-addressed underneath: a (record, version, page) never changes.
            .header(header::CACHE_CONTROL, "private, max-age=31536000, immutable")
            .body(img.bytes)
            .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "response")),
        Err(err) => {
            let status = match err.code.as_str() {
                "auth.not_signed_in" | "auth.session_locked" | "auth.forbidden" => StatusCode::FORBIDDEN,
                "record.no_such_page" | "store.not_found" | "store.invalid_id" | "batch.no_such_dossier" => {
                    StatusCode::NOT_FOUND
                }
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            text(status, &err.code)
        }
    }
}

const DOSSIER_PREFIX: &str = "dossier:";

/// `(record, version, page)`; a pending dossier's page comes back as `("dossier:<id>", 0, page)`.
fn parse_page_path(path: &str) -> Option<(String, u32, u32)> {
    let mut parts = path.trim_start_matches('/').split('/');
    if let Some(rest) = path.trim_start_matches('/').strip_prefix("dossier/") {
        let mut parts = rest.split('/');
        let id = parts
            .next()
            .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))?;
        let ordinal = parts.next()?.parse().ok()?;
        return parts
            .next()
            .is_none()
            .then(|| (format!("{DOSSIER_PREFIX}{id}"), 0, ordinal));
    }
    let record = parts
        .next()
        .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))?;
    let version = parts.next()?.parse().ok()?;
    let ordinal = parts.next()?.parse().ok()?;
    parts
        .next()
        .is_none()
        .then(|| (record.to_owned(), version, ordinal))
}

fn text(status: StatusCode, body: &str) -> Response<Vec<u8>> {
    let mut r = Response::new(body.as_bytes().to_vec());
    *r.status_mut() = status;
    r
}

#[cfg(test)]
mod tests {
    use super::parse_page_path;

    #[test]
    fn page_paths_are_record_version_and_position_only() {
        assert_eq!(
            parse_page_path("/0192abcd-ef/3/2"),
            Some(("0192abcd-ef".to_owned(), 3, 2))
        );
        assert_eq!(parse_page_path("/abc/3"), None);
        assert_eq!(parse_page_path("/abc/x/2"), None);
        assert_eq!(parse_page_path("/abc/1/2/extra"), None);
        assert_eq!(parse_page_path("/../1/2"), None);
        assert_eq!(parse_page_path("//1/2"), None);
        assert_eq!(
            parse_page_path("/dossier/0192ab-cd/4"),
            Some(("dossier:0192ab-cd".to_owned(), 0, 4))
        );
        assert_eq!(parse_page_path("/dossier/../4"), None);
        assert_eq!(parse_page_path("/dossier/0192/4/5"), None);
    }
}

#[cfg(test)]
mod protocol_tests {
    use sohoa_engine::{Engine, EngineConfig};

    use super::page_response;
    use crate::commands::Shell;

    fn uri(s: &str) -> tauri::http::Uri {
        s.parse().unwrap()
    }

    #[test]
    fn pages_are_refused_without_a_session_and_bad_paths_are_bad_requests() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(EngineConfig::with_data_dir(dir.path())).unwrap();
        let shell = Shell::new(Ok(engine));
        let r = page_response(&shell, &uri("page://localhost/0192abcdef/1/1?max=200"));
        assert_eq!(r.status(), 403);
        assert_eq!(r.body(), b"auth.not_signed_in");
        let r = page_response(&shell, &uri("page://localhost/0192abcdef/1"));
        assert_eq!(r.status(), 400);
    }
}
