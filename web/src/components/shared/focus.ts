/**
 * Focus for modal screens (the call screen): where focus is, through shadow
 * roots, and keeping Tab inside a set of elements.
 */

/** The focused element, looking inside shadow roots. */
export function deepActiveElement(): HTMLElement | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}

/** On Tab from the last of `items` (Shift+Tab from the first), wraps around instead of leaving. */
export function keepTabInside(e: KeyboardEvent, items: HTMLElement[], active: Element | null): void {
  const first = items[0];
  const last = items.at(-1);
  if (!first || !last) return;
  if (e.shiftKey && (active === first || !active)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !active)) {
    e.preventDefault();
    first.focus();
  }
}
