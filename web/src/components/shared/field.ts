/**
 * A form field the API may refuse: its reason is said right below it, tied to
 * the field with `aria-describedby` and marked with `aria-invalid`, so a
 * screen reader reads it with the field and a person sees where to look.
 */
import { html, nothing } from 'lit';

/** The id of a field's error line. */
export const errorId = (fieldId: string) => `${fieldId}-error`;

/** The error line below a field (nothing when the field is fine). */
export const fieldError = (fieldId: string, text: string | undefined) =>
  // The mark says it without colour; hidden from the description, which is the words alone.
  text ? html`<p class="field-error" id=${errorId(fieldId)}><span aria-hidden="true">⚠ </span>${text}</p>` : nothing;

/**
 * `aria-describedby` for a field: its hints, then its error line when it has
 * one (nothing at all when neither).
 */
export function describedBy(fieldId: string, error: string | undefined, ...hints: string[]) {
  const ids = [...hints, ...(error ? [errorId(fieldId)] : [])];
  return ids.length ? ids.join(' ') : nothing;
}

/** `aria-invalid` for a field. */
export const invalid = (error: string | undefined) => (error ? 'true' : 'false');
