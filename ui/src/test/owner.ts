// The engine's verdict on a valid owner number, shaped exactly like `check_owner_id`'s answer.
import type { OwnerIdCheck } from "../lib/api/types";

export function validOwnerId(overrides: Partial<OwnerIdCheck> = {}): OwnerIdCheck {
  return {
    valid: true,
    normalized: "036090004567",
    kind: "personal-id",
    kind_label_vi: "Số định danh cá nhân",
    province: "Nam Định",
    birth_year: 1990,
    sex: "nam",
    code: null,
    message_vi: null,
    message_en: null,
    ...overrides,
  };
}
