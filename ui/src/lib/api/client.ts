// The only module that talks to the shell. Components call these functions, never `invoke` directly, so the later
// features (reception, batches, review) add a function here and the IPC surface stays greppable in one place.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AppInfo,
  AuditReport,
  BatchEvent,
  BatchProfile,
  CardReading,
  FieldSuggestions,
  ExportReport,
  ImportMetadataReport,
  Statistics,
  BatchSummary,
  RescanReport,
  ReturnedRecord,
  ReviewFilter,
  ReviewQueueItem,
  ReviewRow,
  SampleDraw,
  DeskSettings,
  Preset,
  ScanPresets,
  SigningTokens,
  TrustCertificate,
  BatchReport,
  PendingDossier,
  SaveDossier,
  SavedDossier,
  SheetCheck,
  StorageStart,
  CreateRequest,
  DeskStatus,
  DoctorReport,
  DossierChecklist,
  DossierIntake,
  ReceivedDossier,
  ListQuery,
  MergeCandidate,
  MergeReport,
  OcrReport,
  OwnerIdCheck,
  PageEdit,
  RecordDetail,
  RecordForm,
  RecordSummary,
  ScannerChoices,
  ScanProgress,
  ScanReport,
  ScanRequest,
  SessionStatus,
  ShellError,
  SignedAndQueued,
  SplitReport,
  UserInfo,
  UserView,
} from "./types";

/** Rejection raised by every client call: carries the shell's error so the UI can show it in the chosen language. */
export class CommandError extends Error {
  readonly code: string;
  readonly messageVi: string;
  readonly messageEn: string;

  constructor(err: ShellError) {
    super(err.message_en);
    this.name = "CommandError";
    this.code = err.code;
    this.messageVi = err.message;
    this.messageEn = err.message_en;
  }
}

function isShellError(value: unknown): value is ShellError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string" && typeof v.message_en === "string";
}

/**
 * Turns whatever `invoke` rejected with into a CommandError. Tauri rejects with the command's serialized error,
 * but with a plain string when the IPC layer itself fails (unknown command, denied by the capability, no Tauri
 * runtime at all when the page is opened in an ordinary browser); those must still reach the user, not vanish.
 */
export function toCommandError(raw: unknown): CommandError {
  if (raw instanceof CommandError) return raw;
  if (isShellError(raw)) return new CommandError(raw);
  const text = raw instanceof Error ? raw.message : typeof raw === "string" ? raw : JSON.stringify(raw);
  return new CommandError({
    code: "ipc",
    message: `Không gọi được lõi ứng dụng: ${text}`,
    message_en: `Could not reach the application core: ${text}`,
  });
}

/** Codes with which the shell refuses a command because of the session, not the command itself. */
export const SESSION_CODES = ["auth.not_signed_in", "auth.session_locked"] as const;

type SessionListener = (error: CommandError) => void;
const sessionListeners = new Set<SessionListener>();

/**
 * Lets the app frame hear that the shell refused a call because the session ended or locked (the shell's idle
 * lock can fire while the page was busy elsewhere), so it shows the login or lock screen instead of an error.
 */
export function onSessionRefused(listener: SessionListener): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (raw) {
    const error = toCommandError(raw);
    if ((SESSION_CODES as readonly string[]).includes(error.code)) {
      for (const listener of sessionListeners) listener(error);
    }
    throw error;
  }
}

export function whoami(): Promise<SessionStatus> {
  return call<SessionStatus>("whoami");
}

export function login(login: string, password: string): Promise<SessionStatus> {
  return call<SessionStatus>("login", { login, password });
}

export function logout(): Promise<SessionStatus> {
  return call<SessionStatus>("logout");
}

export function lock(): Promise<SessionStatus> {
  return call<SessionStatus>("lock");
}

export function unlock(password: string): Promise<SessionStatus> {
  return call<SessionStatus>("unlock", { password });
}

export function auditVerify(): Promise<AuditReport> {
  return call<AuditReport>("audit_verify");
}

export function listUsers(): Promise<UserView[]> {
  return call<UserView[]>("list_users");
}

/** Whether the signed-in role may do `action` (the shell checks again; this only hides what would be refused). */
export function may(user: UserInfo | null, action: UserInfo["permissions"][number]): boolean {
  return user?.permissions.includes(action) ?? false;
}

export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>("app_info");
}

export function listRecords(query: ListQuery): Promise<RecordSummary[]> {
  return call<RecordSummary[]>("list_records", { query });
}

export function recordDetail(id: string): Promise<RecordDetail> {
  return call<RecordDetail>("record_detail", { id });
}

/** Whether this data folder has never finished the first-run check (the app then shows it before sign-in). */
export function firstRun(): Promise<boolean> {
  return call<boolean>("first_run");
}

/** Marks the first-run check as seen, so later starts go straight to sign-in. */
export function finishFirstRun(): Promise<void> {
  return call<void>("finish_first_run");
}

/** Runs every first-run check in the engine (several seconds at most: each check has its own deadline). */
export function runDoctor(): Promise<DoctorReport> {
  return call<DoctorReport>("run_doctor");
}

/** The status bar's current state; `null` until the shell's first pass (about a second after start). */
export function deskStatus(): Promise<DeskStatus | null> {
  return call<DeskStatus | null>("desk_status");
}

/** Every later change of the status bar's state, pushed by the shell (no polling from the page). */
export function onDeskStatus(handler: (status: DeskStatus) => void): Promise<UnlistenFn> {
  return listen<DeskStatus>("desk-status", (event) => handler(event.payload));
}

export function checkOwnerId(text: string): Promise<OwnerIdCheck> {
  return call<OwnerIdCheck>("check_owner_id", { text });
}

export function recordForm(kind: string): Promise<RecordForm> {
  return call<RecordForm>("record_form", { kind });
}

export function dossierChecklists(): Promise<DossierChecklist[]> {
  return call<DossierChecklist[]>("dossier_checklists");
}

/** One record per paper handed in; refused whole when a required paper is neither handed in nor held. */
export function receiveDossier(intake: DossierIntake): Promise<ReceivedDossier> {
  return call<ReceivedDossier>("receive_dossier", { intake });
}

/** The dossier `record` was received in, to go on with it at the counter; null for a record received alone. */
export function dossierOf(record: string): Promise<ReceivedDossier | null> {
  return call<ReceivedDossier | null>("dossier_of", { record });
}

export function createRecord(request: CreateRequest): Promise<RecordDetail> {
  return call<RecordDetail>("create_record", { request });
}

export function listScanners(): Promise<ScannerChoices> {
  return call<ScannerChoices>("list_scanners");
}

/** Resolves when the scan has ended and its pages are stored; pages arrive meanwhile as `scan-progress`. */
export function scanRecord(request: ScanRequest): Promise<ScanReport> {
  return call<ScanReport>("scan_record", { request });
}

export function onScanProgress(handler: (progress: ScanProgress) => void): Promise<UnlistenFn> {
  return listen<ScanProgress>("scan-progress", (event) => handler(event.payload));
}

export function ocrRecord(record: string): Promise<OcrReport> {
  return call<OcrReport>("ocr_record", { record });
}

/** Address of a page image in the shell's `page:` protocol (`max`: thumbnail long side in pixels). The
 * scheme's origin differs by platform: Windows' webview serves custom schemes as http://<scheme>.localhost. */
export function pageUrl(record: string, version: number, ordinal: number, max?: number): string {
  return pageAddress(`${encodeURIComponent(record)}/${version}/${ordinal}`, max);
}

function pageAddress(path: string, max?: number): string {
  const windows = typeof navigator !== "undefined" && navigator.userAgent.includes("Windows");
  const base = windows ? "http://page.localhost" : "page://localhost";
  const query = max ? `?max=${max}` : "";
  return `${base}/${path}${query}`;
}

/** Signs the record's legal copy with the token (the PIN goes to the shell once and is not kept) and queues it. */
export function signRecord(record: string, pin: string): Promise<SignedAndQueued> {
  return call<SignedAndQueued>("sign_record", { record, pin });
}

export function editPages(record: string, edit: PageEdit): Promise<RecordDetail> {
  return call<RecordDetail>("edit_pages", { record, edit });
}

export function suggestFields(record: string): Promise<FieldSuggestions> {
  return call<FieldSuggestions>("suggest_fields", { record });
}

/** Field edits validated together and stored as one revision; `revision` refuses a stale edit. */
export function updateRecordFields(record: string, edits: [string, string][], revision: number | null): Promise<RecordDetail> {
  return call<RecordDetail>("update_record_fields", { record, edits, revision });
}

/** The pages from position `at` (0-based among the page images) become a new record of the same owner and fields. */
/** `version`: the one `at` was chosen on; refused (store.version_conflict) if another was committed since. */
export function splitRecord(record: string, at: number, version: number | null): Promise<SplitReport> {
  return call<SplitReport>("split_record", { record, at, version });
}

/** Appends `source`'s pages after `target`'s as a new version of `target`; `source` goes to the trash. */
export function mergeRecords(target: string, source: string, version: number | null): Promise<MergeReport> {
  return call<MergeReport>("merge_records", { target, source, version });
}

/** Other live records of the same owner and kind as `record`, newest first: what may be merged into it. */
export function mergeCandidates(record: string): Promise<MergeCandidate[]> {
  return call<MergeCandidate[]>("merge_candidates", { record });
}

/** Stops the scan under way after the page in hand; `scanRecord` then resolves with the pages stored. */
export function cancelScan(): Promise<void> {
  return call<void>("cancel_scan");
}

/** Stops the OCR job under way; `ocrRecord` then rejects with `ocr.cancelled` and nothing is stored. */
export function cancelOcr(): Promise<void> {
  return call<void>("cancel_ocr");
}

export function batchProfiles(): Promise<BatchProfile[]> {
  return call<BatchProfile[]>("batch_profiles");
}

/** Runs the feeder for one box; dossiers form meanwhile as `batch-progress` events. `cancelScan` stops it. */
export function runBatch(profile: string, device: string, storage: StorageStart): Promise<BatchReport> {
  return call<BatchReport>("run_batch", { request: { profile, device, storage } });
}

export function onBatchProgress(handler: (event: BatchEvent) => void): Promise<UnlistenFn> {
  return listen<BatchEvent>("batch-progress", (event) => handler(event.payload));
}

export function pendingDossiers(batch: string | null): Promise<PendingDossier[]> {
  return call<PendingDossier[]>("pending_dossiers", { batch });
}

export function dossierSheetCheck(dossier: string, declared: number): Promise<SheetCheck> {
  return call<SheetCheck>("dossier_sheet_check", { dossier, declared });
}

export function saveDossier(dossier: string, request: SaveDossier): Promise<SavedDossier> {
  return call<SavedDossier>("save_dossier", { dossier, request });
}

export function discardDossier(dossier: string): Promise<void> {
  return call<void>("discard_dossier", { dossier });
}

export function addInfoOnly(batch: string, request: CreateRequest): Promise<SavedDossier> {
  return call<SavedDossier>("add_info_only", { batch, request });
}

/** A pending dossier's page in the `page:` protocol (it has no record yet). */
export function dossierPageUrl(dossier: string, ordinal: number, max?: number): string {
  return pageAddress(`dossier/${encodeURIComponent(dossier)}/${ordinal}`, max);
}

export function deskSettings(): Promise<DeskSettings> {
  return call<DeskSettings>("desk_settings");
}

export function saveSettings(settings: DeskSettings): Promise<DeskSettings> {
  return call<DeskSettings>("save_settings", { settings });
}

export function reviewQueue(filter: ReviewFilter): Promise<ReviewQueueItem[]> {
  return call<ReviewQueueItem[]>("review_queue", { filter });
}

export function listBatches(): Promise<BatchSummary[]> {
  return call<BatchSummary[]>("list_batches");
}

/** Draws (or returns the stored) sample of a batch; `share` null = the desk's setting. */
export function drawSample(batch: string, share: number | null): Promise<SampleDraw> {
  return call<SampleDraw>("draw_sample", { batch, share });
}

export function approveRecord(record: string, version: number): Promise<ReviewRow> {
  return call<ReviewRow>("approve_record", { record, version });
}

/** `pages`: ordinals of the rejected pages; empty rejects the whole record. */
export function rejectRecord(record: string, version: number, reason: string, pages: number[]): Promise<ReviewRow> {
  return call<ReviewRow>("reject_record", { record, version, reason, pages });
}

export function returnedRecords(): Promise<ReturnedRecord[]> {
  return call<ReturnedRecord[]>("returned_records");
}

/** `version` is the one on screen: the ordinal means that version's page, so a record changed since is refused. */
export function rescanPage(
  record: string,
  ordinal: number,
  version: number,
  device: string,
  preset: string,
): Promise<RescanReport> {
  return call<RescanReport>("rescan_page", { record, ordinal, version, device, preset });
}

/** Dates as YYYY-MM-DD, Vietnam days, both included. */
export function statistics(from: string, to: string): Promise<Statistics> {
  return call<Statistics>("statistics", { from, to });
}

/** Writes the Excel report into the data folder's exports/ and says where. */
export function exportReport(from: string, to: string): Promise<ExportReport> {
  return call<ExportReport>("export_report", { from, to });
}

/** Imports corrections from a workbook of exports/ (by file name). */
export function importReport(name: string): Promise<ImportMetadataReport> {
  return call<ImportMetadataReport>("import_report", { name });
}

/** Scans the citizen's card with `device` and reads its QR code or MRZ; nothing is stored. */
export function readIdCard(device: string, preset: string): Promise<CardReading> {
  return call<CardReading>("read_id_card", { device, preset });
}

/** Every certificate of the installed and the desk trust directories (administrator). */
export function trustAnchors(): Promise<TrustCertificate[]> {
  return call<TrustCertificate[]>("trust_anchors");
}

/** The certificates of a file before it is installed; refused for a non-certificate, an end-entity or expired one. */
export function inspectCertificate(path: string): Promise<TrustCertificate[]> {
  return call<TrustCertificate[]>("inspect_certificate", { path });
}

/** Installs the certificate of `path` whose SHA-256 is `fingerprint` (the value the administrator confirmed). */
export function installTrustAnchor(path: string, fingerprint: string): Promise<TrustCertificate> {
  return call<TrustCertificate>("install_trust_anchor", { path, fingerprint });
}

/** Removes a desk-installed certificate (the installation's own are refused). */
export function removeTrustAnchor(fingerprint: string): Promise<void> {
  return call<void>("remove_trust_anchor", { fingerprint });
}

/** The PKCS#11 tokens and PIV readers this desk can sign with now. */
export function signingTokens(): Promise<SigningTokens> {
  return call<SigningTokens>("signing_tokens");
}

export function scanPresets(): Promise<ScanPresets> {
  return call<ScanPresets>("scan_presets");
}

/** Validated whole by the engine (Decree 30 for legal copies); returns the table as saved. */
export function saveScanPresets(presets: Preset[]): Promise<ScanPresets> {
  return call<ScanPresets>("save_scan_presets", { presets });
}
