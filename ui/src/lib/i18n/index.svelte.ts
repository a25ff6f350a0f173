// The app's current language. Components call `t()` inside their markup; because `t()` reads the `$state` below,
// Svelte re-renders every label when the language changes, with no per-component subscription code.
import { DEFAULT_LOCALE, hasMessage, isLocale, message, type Locale, type MessageKey, type MessageParams } from "./messages";

export { LOCALES, type Locale, type MessageKey } from "./messages";

const STORAGE_KEY = "sohoa.locale";

function storedLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // Storage can be unavailable (private mode, policy); the default language is the right fallback.
  }
  return DEFAULT_LOCALE;
}

export const i18n = $state<{ locale: Locale }>({ locale: storedLocale() });

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisting the choice is acceptable; the officer can switch again.
  }
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}

export function t(key: MessageKey, params?: MessageParams): string {
  return message(i18n.locale, key, params);
}

/** Picks the label of the current language from an engine DTO that carries both (fields, kinds). */
export function pick(vi: string, en: string): string {
  return i18n.locale === "vi" ? vi : en || vi;
}

/**
 * Label of a record kind. In Vietnamese the engine's own catalogue label wins (it is the official wording);
 * a kind this UI does not know yet still shows, by its code, instead of breaking the row.
 */
export function kindLabel(kind: string, labelVi?: string): string {
  const key = `kind.${kind}`;
  if (i18n.locale === "vi" && labelVi) return labelVi;
  return hasMessage(key) ? t(key) : kind;
}

/** Label of a role of the engine's permission table; an unknown future role shows by its code. */
export function roleLabel(role: string): string {
  const key = `role.${role}`;
  return hasMessage(key) ? t(key) : role;
}

/** A page-quality reason code of the engine (`blurred`, `clipped_right`, …) in words; unknown codes as they are. */
export function qualityReason(code: string): string {
  const key = `quality.${code}`;
  return hasMessage(key) ? t(key) : code;
}
