/**
 * What the console's sections do alike: say that something was done (the
 * page then has the section say it under its heading, in its polite live
 * region, and refreshes the other sections), and put focus back at a row.
 */
import { html, nothing, type TemplateResult } from 'lit';

/** Says that something was done, in words naming whom and what. */
export const done = (from: HTMLElement, message: TemplateResult): boolean =>
  from.dispatchEvent(new CustomEvent('rc-admin-done', { detail: { message }, bubbles: true, composed: true }));

/**
 * Where a section says what it just did: under its heading, in the page's
 * flow (never over a row), a polite live region that is there, empty, before
 * there is anything to say, so what comes into it is announced.
 */
export const saidHere = (message: TemplateResult | null) =>
  html`<p class=${message ? 'said shown' : 'said'} role="status" aria-live="polite">${message ?? nothing}</p>`;

/** Asks the page to show the audit log about one person. */
export const showHistory = (from: HTMLElement, person: { id: number; nickname: string; extension: string }): boolean =>
  from.dispatchEvent(new CustomEvent('rc-admin-history', { detail: { person }, bubbles: true, composed: true }));

/** Focuses the first control of the row `[data-id=id]` in `root`, else `fallback` (the row left the list). */
export function focusRow(root: ParentNode, id: number, fallback: HTMLElement | null): void {
  const row = root.querySelector(`[data-id="${id}"]`);
  const control = row?.querySelector<HTMLElement>('button:not([disabled]), input, select, textarea');
  (control ?? fallback)?.focus();
}

/** Brings a section's heading to the top of the screen and focus to it (the page's section navigation). */
export function goToHeading(root: ParentNode): void {
  const heading = root.querySelector<HTMLElement>('h2');
  heading?.scrollIntoView({ block: 'start' });
  heading?.focus({ preventScroll: true });
}

declare global {
  interface HTMLElementEventMap {
    'rc-admin-done': CustomEvent<{ message: TemplateResult }>;
    'rc-admin-history': CustomEvent<{ person: { id: number; nickname: string; extension: string } }>;
  }
}
