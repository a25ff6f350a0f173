// Pure message lookup, separate from the reactive locale so it can be tested and reused without Svelte.
import { en } from "./en";
import { vi, type MessageKey } from "./vi";

export type Locale = "vi" | "en";
export const LOCALES: readonly Locale[] = ["vi", "en"];
export const DEFAULT_LOCALE: Locale = "vi";
export type MessageParams = Record<string, string | number>;

export const catalogs: Record<Locale, Record<MessageKey, string>> = { vi, en };

export function isLocale(value: unknown): value is Locale {
  return value === "vi" || value === "en";
}

/**
 * Fills `{name}` placeholders. A placeholder with no value is left visible rather than blanked, so a missing
 * argument shows up on screen (and in tests) instead of silently producing a half sentence.
 */
export function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(vi, key);
}

export function message(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return interpolate(catalogs[locale][key], params);
}

export type { MessageKey };
