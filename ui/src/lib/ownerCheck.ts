// The owner number checked as the officer types it, shared by the counter (ReceptionStart) and the archive
// batch (DossierEditor): one engine call per pause in typing, and only the newest answer counts, so a slow
// answer for "03609" never overwrites the one for the whole number.
import { checkOwnerId, toCommandError, type CommandError } from "./api/client";
import type { OwnerIdCheck } from "./api/types";
import { debounce } from "./debounce";
import { createLatest } from "./latest";

/** Short: the check is local and cheap, and the officer looks at its verdict while still typing. */
export const OWNER_CHECK_PAUSE_MS = 120;

export interface OwnerCheckHooks {
  /** The text to check, read when the pause ends (not when it began). */
  text: () => string;
  /** The engine's verdict for `text`, or `null` once the field is blank. */
  onresult: (check: OwnerIdCheck | null, text: string) => void;
  onerror: (error: CommandError) => void;
}

/** A debounced check (call it on every change; `.cancel()` when the form closes). */
export function ownerIdChecker(hooks: OwnerCheckHooks, check: (text: string) => Promise<OwnerIdCheck> = checkOwnerId) {
  const latest = createLatest();
  return debounce(async () => {
    const text = hooks.text();
    if (text.trim() === "") return hooks.onresult(null, text);
    try {
      const r = await latest.run(() => check(text));
      if (!r.stale) hooks.onresult(r.value, text);
    } catch (e) {
      hooks.onerror(toCommandError(e));
    }
  }, OWNER_CHECK_PAUSE_MS);
}

/** What a valid ID says about sex, as the record's sex field takes it; `null` when it says nothing. */
export function sexFromId(check: OwnerIdCheck | null): "nam" | "nữ" | null {
  if (!check?.valid || !check.sex) return null;
  return check.sex === "nam" ? "nam" : "nữ";
}
