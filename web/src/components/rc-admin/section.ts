/**
 * What the console's sections do alike: say that something was done (the
 * page tells it in its live region and refreshes the other sections), and
 * put focus back at a row.
 */
import type { TemplateResult } from 'lit';

/** Says that something was done, in words naming whom and what. */
export const done = (from: HTMLElement, message: TemplateResult): boolean =>
  from.dispatchEvent(new CustomEvent('rc-admin-done', { detail: { message }, bubbles: true, composed: true }));

/** Asks the page to show the audit log about one person. */
export const showHistory = (from: HTMLElement, person: { id: number; nickname: string; extension: string }): boolean =>
  from.dispatchEvent(new CustomEvent('rc-admin-history', { detail: { person }, bubbles: true, composed: true }));

/** Focuses the first control of the row `[data-id=id]` in `root`, else `fallback` (the row left the list). */
export function focusRow(root: ParentNode, id: number, fallback: HTMLElement | null): void {
  const row = root.querySelector(`[data-id="${id}"]`);
  const control = row?.querySelector<HTMLElement>('button:not([disabled]), input, select, textarea');
  (control ?? fallback)?.focus();
}

declare global {
  interface HTMLElementEventMap {
    'rc-admin-done': CustomEvent<{ message: TemplateResult }>;
    'rc-admin-history': CustomEvent<{ person: { id: number; nickname: string; extension: string } }>;
  }
}
