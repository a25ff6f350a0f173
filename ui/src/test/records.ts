// Test data shaped exactly like the engine's DTOs, with real Vietnamese names (precomposed, NFC).
import type { RecordDetail, RecordSummary } from "../lib/api/types";

export function summary(overrides: Partial<RecordSummary> = {}): RecordSummary {
  return {
    id: "01J0000000000000000000000A",
    kind: "id-card",
    kind_label_vi: "Hồ sơ cấp CMND/CCCD",
    title: "Tờ khai CMND — Nguyễn Văn An",
    owner_id: "079203001234",
    owner_name: "Nguyễn Văn An",
    doc_type_code: "DC0002",
    storage_key: "079203001234.DC0002",
    revision: 1,
    current_version: 1,
    page_count: 2,
    created_at: "2026-11-21T02:00:00Z",
    updated_at: "2026-11-21T02:15:02Z",
    trashed: false,
    ...overrides,
  };
}

export const threeRecords: RecordSummary[] = [
  summary(),
  summary({
    id: "01J0000000000000000000000B",
    kind: "residence",
    kind_label_vi: "Hồ sơ cư trú",
    title: "Hồ sơ cư trú — Trần Thị Bích",
    owner_id: "001185012345",
    owner_name: "Trần Thị Bích",
    storage_key: null,
    page_count: 0,
  }),
  summary({
    id: "01J0000000000000000000000C",
    kind: "info-only",
    kind_label_vi: "Chỉ có thông tin",
    title: "Giấy khai sinh (rách)",
    owner_id: null,
    owner_name: null,
    storage_key: null,
    page_count: 0,
    current_version: null,
  }),
];

export function detail(): RecordDetail {
  return {
    summary: summary(),
    fields: [
      { key: "full_name", label_vi: "Họ và tên", label_en: "Full name", value: "Nguyễn Văn An" },
      { key: "mother_name", label_vi: "Họ tên mẹ", label_en: "Mother's full name", value: "Trần Thị Cúc" },
    ],
    versions: [
      {
        number: 1,
        created_at: "2026-11-21T02:15:02Z",
        actor: "tiepnhan01",
        reason: "Quét lần đầu",
        files: [
          { ordinal: 1, name: "page-001.png", media_type: "image/png", size: 1536, sha256: "ab".repeat(32), signed_copy: false },
        ],
      },
    ],
    history: [{ seq: 1, at: "2026-11-21T02:00:00Z", user: "tiepnhan01", action: "record.create", summary_vi: "Tạo hồ sơ" }],
  };
}
