/**
 * Dates and times in the page's language (not the browser's), with `Intl`:
 * a zh-CN page says 2026/12/7 14:05 whatever the system locale is.
 */
import { locale } from './i18n';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale()}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), options);
    formats.set(key, f);
  }
  return f;
}

const toDate = (at: string | number | Date) => (at instanceof Date ? at : new Date(at));

/** Date and time, e.g. "7 Dec 2026, 14:05" / "2026年12月7日 14:05". */
export const dateTime = (at: string | number | Date) =>
  format({ dateStyle: 'medium', timeStyle: 'short' }).format(toDate(at));

/** Time of day, e.g. "14:05". */
export const timeOfDay = (at: string | number | Date) =>
  format({ hour: '2-digit', minute: '2-digit' }).format(toDate(at));
