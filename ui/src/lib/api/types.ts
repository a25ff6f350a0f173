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
  doc_types: { code: string; name_vi: string; name_en: string }[];
}

export interface CreateRequest {
  kind: string;
  owner_id: string | null;
  doc_type_code: string | null;
  fields: [string, string][];
}

export interface ScannerChoices {
  devices: { id: string; name: string; driver: string; duplex: boolean }[];
  presets: { id: string; name_vi: string; dpi: number; legal_copy: boolean }[];
}

export interface ScanRequest {
  record: string;
  device: string;
  preset: string;
  max_pages: number | null;
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
}
