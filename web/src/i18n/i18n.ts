/**
 * The current language: picked from the browser (any zh* → zh-CN, else
 * English), switchable, remembered in this browser. `t()` reads a message.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LOCALES, MESSAGES, type Locale, type MessageKey } from './messages';

const STORAGE_KEY = 'rc.locale';
const listeners = new Set<() => void>();

export function pickLocale(languages: readonly string[], stored: string | null): Locale {
  if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  for (const lang of languages) {
    if (/^zh\b/i.test(lang)) return 'zh-CN';
    if (/^en\b/i.test(lang)) return 'en';
  }
  return 'en';
}

function storedLocale(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let current: Locale = pickLocale(navigator.languages ?? [navigator.language], storedLocale());
document.documentElement.lang = current;

export const locale = (): Locale => current;

export function setLocale(next: Locale): void {
  if (next === current) return;
  current = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  for (const l of listeners) l();
}

/** A message in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Re-renders its host when the language changes. */
export class LocaleController implements ReactiveController {
  private readonly update = () => this.host.requestUpdate();
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    listeners.add(this.update);
  }
  hostDisconnected(): void {
    listeners.delete(this.update);
  }
}
