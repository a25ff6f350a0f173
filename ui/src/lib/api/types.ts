// Wire types of the shell's commands. They mirror the serde DTOs of `sohoa-engine` field for field (snake_case),
// so a rename in the engine shows up here as a type error in every component that reads the field.

/** Record kinds the engine knows; the UI keeps unknown future kinds displayable instead of failing. */
export const RECORD_KINDS = ["result", "residence", "id-card", "info-only"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface AppInfo {
  version: string;
  data_dir: string;
  record_count: number;
  training_mode: boolean;
}

export interface RecordSummary {
  id: string;
  kind: string;
  kind_label_vi: string;
  title: string;
  owner_id: string | null;
  owner_name: string | null;
  doc_type_code: string | null;
  storage_key: string | null;
  revision: number;
  current_version: number | null;
  page_count: number;
  created_at: string;
  updated_at: string;
  trashed: boolean;
}

export interface FieldView {
  key: string;
  label_vi: string;
  label_en: string;
  value: string;
}

export interface FileView {
  ordinal: number;
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  /** The desk's signed copy. */
  signed_copy: boolean;
}

export interface VersionView {
  number: number;
  created_at: string;
  actor: string;
  reason: string;
  files: FileView[];
}

export interface HistoryView {
  seq: number;
  at: string;
  user: string;
  action: string;
  summary_vi: string;
}

export interface RecordDetail {
  summary: RecordSummary;
  fields: FieldView[];
  versions: VersionView[];
  history: HistoryView[];
}

/** Argument of `list_records`; every member is optional and the shell fills the defaults. */
export interface ListQuery {
  text?: string;
  kind?: string;
  trash?: boolean;
  /** Only the papers of this dossier (exact `archival.file_notation`), in the dossier's order. */
  dossier?: string;
  limit?: number;
  offset?: number;
}

/** What every failing command rejects with: the engine's stable code and both languages' messages. */
export interface ShellError {
  code: string;
  message: string;
  message_en: string;
}

/** `sohoa-engine`'s doctor report (`sohoa doctor --json`, the first-run screen). */
export type CheckStatus = "ok" | "warn" | "fail";

export interface DoctorCheck {
  id: string;
  title_vi: string;
  title_en: string;
  status: CheckStatus;
  detail: string;
  fix_vi: string | null;
  fix_en: string | null;
  data: unknown;
  elapsed_ms: number;
}

export interface DoctorReport {
  ok: boolean;
  training_mode: boolean;
  data_dir: string;
  app_version: string;
  counts: { ok: number; warn: number; fail: number };
  checks: DoctorCheck[];
}

/** What the status bar shows at all times (`desk_status` command and the `desk-status` event). */
export interface DeskStatus {
  scanner: { state: "ready" | "demo_only" | "none" | "checking" | "error"; devices: number; label: string | null };
  token: {
    state: "present" | "absent" | "no_reader" | "unavailable";
    label: string | null;
    /** Certificate holder (subject CN), NFC. */
    holder: string | null;
    not_after: string | null;
    days_left: number | null;
    pin_locked: boolean;
  };
  vault: { training: boolean; queued: number; failed: number; delivered: number; last_error: string | null };
  ocr: { queued: number; done: number; total: number };
}

/** Roles of the engine's permission table (`sohoa_engine::Role`). */
export type Role = "officer" | "archivist" | "supervisor" | "administrator";

/** Actions of the engine's permission table (`sohoa_engine::Action`); the UI hides what the role may not do. */
export type Action =
  | "view_records"
  | "create_record"
  | "edit_record"
  | "scan"
  | "sign"
  | "batch"
  | "review"
  | "statistics"
  | "export"
  | "view_audit"
  | "manage_users"
  | "settings";

export interface UserInfo {
  login: string;
  display_name: string;
  role: Role;
  permissions: Action[];
}

/** `whoami` and every sign-in command: who holds the window, whether it is locked, and the idle limit. */
export interface SessionStatus {
  user: UserInfo | null;
  locked: boolean;
  idle_lock_secs: number;
  training_mode: boolean;
}

export interface AuditReport {
  entries: number;
  head_hash: string;
  /** The first entry that does not hold, or null when the whole chain verifies. */
  first_broken: { seq: number; reason: string } | null;
}

/** An account as the administrator sees it (`sohoa_engine::UserView`; never the password hash). */
export interface UserView {
  id: number;
  login: string;
  display_name: string;
  role: Role;
  role_label_vi: string;
  disabled: boolean;
  locked: boolean;
  training: boolean;
  created_at: string;
  password_changed_at: string;
}

/** `check_owner_id`: the owner number as typed, checked by the engine's ID rules. */
export interface OwnerIdCheck {
  valid: boolean;
  normalized: string | null;
  kind: "personal-id" | "cmnd" | "passport" | "tax-code" | null;
  kind_label_vi: string | null;
  province: string | null;
  birth_year: number | null;
  /** `nam` / `nu`, as the record's sex field takes it. */
  sex: string | null;
  code: string | null;
  message_vi: string | null;
  message_en: string | null;
}

export type InputKind =
  | "text"
  | "long-text"
  | "date"
  | "year"
  | "number"
  | "bool"
  | "sex"
  | "condition"
  | "owner-id"
  | "doc-type"
  | "procedure"
  | "members";

export interface FormField {
  key: string;
  label_vi: string;
  label_en: string;
  required: boolean;
  input: InputKind;
}

export interface RecordForm {
  kind: string;
  kind_label_vi: string;
  kind_label_en: string;
  fields: FormField[];
  doc_types: DocTypeOption[];
}

export interface DocTypeOption {
  code: string;
  name_vi: string;
  name_en: string;
}

/** A procedure's papers (thành phần hồ sơ) as the catalogue lists them, ending with its result. */
export interface DossierChecklist {
  procedure: string;
  name_vi: string;
  name_en: string;
  domain: string;
  results_only: boolean;
  /** The legal text the papers follow; null when the catalogue lists none for the procedure. */
  source: string | null;
  papers: ChecklistPaper[];
}

export interface ChecklistPaper {
  slot: number;
  name_vi: string;
  name_en: string;
  required: boolean;
  result: boolean;
  doc_types: DocTypeOption[];
}

/** paper: handed in, scanned now; electronic: the agency already holds it; missing: not handed in. */
export type PaperStatus = "paper" | "electronic" | "missing";

export interface IntakePaper {
  slot: number | null;
  doc_type: string;
  status: PaperStatus;
  sheets: number | null;
  name: string | null;
}

export interface DossierIntake {
  owner_id: string;
  owner_name: string | null;
  procedure: string;
  papers: IntakePaper[];
}

export interface ReceivedPaper {
  slot: number | null;
  ordinal: number;
  doc_type: string;
  name: string;
  sheets: number | null;
  /** Page images in the current version (none at intake). */
  pages: number;
  signed: boolean;
  record: RecordDetail;
}

export interface ReceivedDossier {
  dossier_no: string;
  procedure: string;
  records: ReceivedPaper[];
  electronic: number[];
}

export interface CreateRequest {
  kind: string;
  owner_id: string | null;
  doc_type_code: string | null;
  fields: [string, string][];
}

export interface ScannerChoices {
  devices: { id: string; name: string; driver: string; duplex: boolean }[];
  presets: { id: string; name_vi: string; dpi: number; legal_copy: boolean; duplex: boolean }[];
}

export interface ScanRequest {
  record: string;
  device: string;
  preset: string;
  max_pages: number | null;
  /** Place this scan's pages before page image `insert_at` (0-based; the page count = after the last); absent
   * or null appends. The pages still land as one new version. */
  insert_at?: number | null;
}

export interface ScanReport {
  spool_id: string;
  pages: number;
  import: { record_id: string; version: number } | null;
  /** The fault that stopped the scan part-way, after the pages above were stored. */
  fault: string | null;
}

export interface ScanProgress {
  record: string;
  pages: number;
  sheet: number;
}

export interface OcrReport {
  record_id: string;
  source_version: number;
  version: number | null;
  pages: number;
  already: number;
  words: number;
  blank: number;
}

/** `sign_record`: the signed legal copy stored as a new version, then queued for the vault. */
export interface SignedAndQueued {
  sign: { record_id: string; version: number; signer: string; signing_time: string; level: string; bytes: number };
  message_id: string;
}

/** `edit_pages`: the new order as ordinals of the current page images (left out = deleted) and quarter turns. */
export interface PageEdit {
  order: number[];
  turns: [number, number][];
  /** The version the ordinals were taken from: an edit of a version another writer replaced is refused. */
  version?: number | null;
}

/** Engine `SplitReport`: the pages from the split position left for a new record of the same owner and fields. */
export interface SplitReport {
  source_id: string;
  source_version: number;
  new_id: string;
  new_version: number;
  /** Page images moved to the new record. */
  moved: number;
}

/** Engine `MergeReport`: the source's pages are after the target's; the source is in the trash. */
export interface MergeReport {
  target_id: string;
  target_version: number;
  source_id: string;
  moved: number;
}

/** Engine `MergeCandidate`: another live record of the same owner and kind. */
export interface MergeCandidate {
  id: string;
  title: string;
  doc_type_code: string | null;
  /** Page images only. */
  page_count: number;
  created_at: string;
}

/** An archive bank's batch settings (engine `BatchProfile`). */
export interface BatchProfile {
  id: string;
  name_vi: string;
  name_en: string;
  kind: string;
  preset: string;
  doc_type: string | null;
}

/** Where the box sits; each dossier of the run takes the next file number. */
export interface StorageStart {
  warehouse: string;
  shelf: string;
  box_no: string;
  next_file: number;
}

export type BatchEvent =
  | { event: "page"; dossier: number; pages: number; blank: boolean }
  | { event: "separator"; opens: number; kind: string };

export interface PendingDossier {
  id: string;
  batch_id: string;
  profile: string;
  kind: string;
  index: number;
  pages: number;
  sheets: number;
  blanks: boolean[];
  duplex: boolean;
  fields: Record<string, string>;
  record_id: string | null;
}

export interface BatchReport {
  batch_id: string;
  state: "finished" | "stopped" | "failed";
  sheets: number;
  separators: number;
  dossiers: PendingDossier[];
  next_file: number;
  fault: string | null;
}

export interface SheetCheck {
  expected_images: number;
  received_images: number;
  ok: boolean;
  summary_vi: string;
  code: string | null;
}

export interface SaveDossier {
  owner_id: string | null;
  doc_type_code: string | null;
  fields: [string, string][];
  declared_sheets: number | null;
  accept_count_mismatch: boolean;
}

export interface SavedDossier {
  record: RecordDetail;
  sheet_check: SheetCheck | null;
  batch_seq: number;
}

/** The administrator's desk settings (engine `DeskSettings`); `null` = not set here. */
export interface DeskSettings {
  agency_code: string | null;
  agency_name: string | null;
  vault_url: string | null;
  sign_key: string | null;
  yearly_target: number | null;
  sample_share: number | null;
}

export type Verdict = "ok" | "warn" | "fail";

export interface PageQuality {
  verdict: Verdict;
  reasons: string[];
  dpi: number | null;
  sharpness: number;
  contrast: number;
  residual_skew: number;
  clipped: string[];
}

export interface ReviewPage {
  ordinal: number;
  number: number;
  name: string;
  sha256: string;
  quality: PageQuality;
}

export interface ReviewRow {
  id: number;
  record_id: string;
  version: number;
  verdict: "approved" | "rejected";
  reason: string | null;
  pages: number[];
  reviewer: string;
  at: string;
  sampled: boolean;
}

export interface ReviewQueueItem {
  summary: RecordSummary;
  version: number;
  batch_id: string | null;
  sampled: boolean;
  created_by: string;
  page_count: number;
  verdict: Verdict;
  pages: ReviewPage[];
  last_review: ReviewRow | null;
}

export interface ReviewFilter {
  batch: string | null;
  samples_only: boolean;
  limit: number;
}

export interface ReturnedRecord {
  summary: RecordSummary;
  version: number;
  review: ReviewRow;
  pages: { ordinal: number; number: number }[];
}

export interface SampleDraw {
  batch_id: string;
  share: number;
  population: number;
  records: string[];
  fresh: boolean;
}

export interface RescanReport {
  record_id: string;
  version: number;
  ordinal: number;
}

/** A batch run as lists show it (engine `BatchStats`, shared with the dashboard). */
export interface BatchSummary {
  id: string;
  profile: string;
  state: string;
  started_at: string;
  started_by: string;
  finished_at: string | null;
  sheets: number;
  separators: number;
  records: number;
}

export interface Counts {
  records: number;
  pages: number;
  info_only: number;
}

export interface Statistics {
  from: string;
  to: string;
  totals: Counts;
  per_day: (Counts & { date: string })[];
  per_officer: (Counts & { login: string; display_name: string; local_account: boolean })[];
  per_doc_type: (Counts & {
    kind: string;
    kind_label_vi: string;
    doc_type_code: string | null;
    doc_type_name_vi: string | null;
  })[];
  queue: { queued: number; retrying: number; failed: number; delivered: number; delivered_in_period: number };
  year: {
    year: number;
    as_of: string;
    target: number | null;
    target_invalid: string | null;
    digitized: number;
    pages: number;
    share_percent: number | null;
    remaining: number | null;
    remaining_working_days: number;
    needed_per_working_day: number | null;
  };
  batches: BatchSummary[];
}

export interface ExportReport {
  path: string;
  records: number;
  bytes: number;
}

export interface ImportMetadataReport {
  path: string;
  updated: number;
  unchanged: number;
  refused: number;
  rows: { row: number; record_id: string | null; result: "updated" | "unchanged" | "refused"; code?: string; message_vi?: string }[];
}

/** A field read from the citizen's card (engine `sohoa_ocr::Field`). */
export interface ReadField {
  key: string;
  label_vi: string;
  value: string;
  confidence: number;
  source: string;
  status: string;
}

export interface CardReading {
  fields: ReadField[];
  issues: string[];
}

/** A pixel box on a stored page image (origin top-left). */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** `suggest_fields`: one record field as read from the stored OCR words (engine `FieldSuggestion`). */
export interface FieldSuggestion {
  key: string;
  label_vi: string;
  label_en: string;
  /** As the record stores it (dates YYYY-MM-DD). */
  value: string;
  /** 0–1. */
  confidence: number;
  source: "ocr" | "qr" | "mrz" | "derived";
  attention: "ok" | "low" | "invalid";
  issues: string[];
  spot: { ordinal: number; width: number; height: number; bbox: PixelBox } | null;
  weakest: { text: string; confidence: number; bbox: PixelBox } | null;
  current: string | null;
}

export interface FieldSuggestions {
  record_id: string;
  version: number | null;
  document: string | null;
  pages_read: number;
  pages_unread: number;
  fields: FieldSuggestion[];
}

/** What the page view draws over a page: a field's box and its least sure word. */
export interface PageMark {
  ordinal: number;
  width: number;
  height: number;
  field: PixelBox;
  word: PixelBox | null;
  attention: FieldSuggestion["attention"];
}

/** Where a trust certificate comes from (engine `TrustSource`). */
export type TrustSource = "installed" | "desk" | "file";

/** One certificate of the trust directories, or of a file being inspected (engine `TrustCertificate`). */
export interface TrustCertificate {
  file: string;
  source: TrustSource;
  /** Only desk-installed certificates can be removed from the app. */
  removable: boolean;
  subject_cn: string | null;
  subject_o: string | null;
  issuer_cn: string | null;
  not_before: string;
  not_after: string;
  /** SHA-256, "AB:CD:…". */
  fingerprint: string;
  /** Self-signed root (true) or intermediate (false). */
  anchor: boolean;
  ca: boolean;
  expired: boolean;
  /** Ends within 90 days. */
  expiring: boolean;
}

/** A certificate on a signing device that may sign documents (engine `TokenCertificate`). */
export interface TokenCertificate {
  holder: string | null;
  issuer: string;
  not_after: string;
  days_left: number;
  expired: boolean;
}

/** A PKCS#11 token or PIV reader the desk can sign with (engine `SigningToken`). */
export interface SigningToken {
  kind: "pkcs11" | "piv";
  /** The `sign_key` setting that selects this device. */
  sign_key: string;
  label: string;
  serial: string | null;
  module: string | null;
  manufacturer: string | null;
  model: string | null;
  card_present: boolean;
  pin_locked: boolean;
  certificates: TokenCertificate[];
}

export interface SigningTokens {
  modules: { path: string; error: string | null; error_code: string | null }[];
  tokens: SigningToken[];
  pcsc_error: string | null;
  timed_out: boolean;
}

export type ScanSource = "flatbed" | "adf" | "adf-duplex";
export type ColorMode = "color" | "gray" | "bw";

/** A document type's scan settings (sohoa-scan `Preset`, field names as in presets.toml). */
export interface Preset {
  id: string;
  name_vi: string;
  source: ScanSource;
  mode: ColorMode;
  dpi: number;
  width_mm?: number | null;
  height_mm?: number | null;
  scale_percent: number;
  legal_copy: boolean;
}

/** The desk's presets and where they come from (engine `ScanPresets`). */
export interface ScanPresets {
  presets: Preset[];
  /** "environment": SOHOA_SCANNER_PROFILES is set and wins over a saved table. */
  origin: "builtin" | "desk" | "environment";
  /** Preset ids the batch profiles scan with: their rows cannot be removed. */
  required: string[];
}
