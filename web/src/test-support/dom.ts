/**
 * Putting elements on the page for a test, and listening to what they say.
 * Everything here is the real DOM: no rendering shortcut, no fake events.
 */
import { LitElement } from 'lit';
import { page, type Locator } from 'vitest/browser';

const mounted = new Set<Element>();

/**
 * Creates `<tag>`, sets `props` on it (as a page script would), appends it
 * to the document and waits for its first render.
 */
export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  Object.assign(el, props);
  document.body.append(el);
  mounted.add(el);
  if (el instanceof LitElement) await el.updateComplete;
  return el;
}

/** Removes everything `mount` added; for `afterEach`. */
export function unmountAll(): void {
  for (const el of mounted) el.remove();
  mounted.clear();
}

/** A locator scoped to an element (locators look through open shadow roots). */
export const within = (el: Element): Locator => page.elementLocator(el);

/** Sets properties on a Lit element and waits until it has rendered them. */
export async function update<T extends LitElement>(el: T, props: Partial<T>): Promise<void> {
  Object.assign(el, props);
  await el.updateComplete;
}

/** Every `type` event `target` fires from now on, in order (the array fills as they come). */
export function recordEvents<T = unknown>(target: EventTarget, ...types: string[]): CustomEvent<T>[] {
  const seen: CustomEvent<T>[] = [];
  for (const type of types) target.addEventListener(type, (e) => seen.push(e as CustomEvent<T>));
  return seen;
}

/** The next `type` event on `target`. */
export function nextEvent<T = unknown>(target: EventTarget, type: string): Promise<CustomEvent<T>> {
  return new Promise((resolve) => target.addEventListener(type, (e) => resolve(e as CustomEvent<T>), { once: true }));
}

/** The text a person reads in an element, its shadow roots included, with whitespace collapsed. */
export function visibleText(root: Element | ShadowRoot): string {
  const parts: string[] = [];
  const walk = (node: Node): void => {
    if (node instanceof Text) {
      parts.push(node.data);
      return;
    }
    if (node instanceof Element) {
      // Elements without a box of their own (slots, display: contents) still show their children.
      const boxless = getComputedStyle(node).display === 'contents';
      if (node instanceof HTMLElement && !boxless && !node.checkVisibility()) return;
      if (node instanceof HTMLSlotElement) {
        const assigned = node.assignedNodes({ flatten: true });
        for (const child of assigned.length ? assigned : node.childNodes) walk(child);
        return;
      }
      if (node.shadowRoot) {
        walk(node.shadowRoot);
        return;
      }
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * Everything a person can read or hear of `root`: its visible text (as
 * `visibleText`) and the words screen readers and tooltips give — aria-label,
 * title, placeholder, alt — of its visible elements, shadow roots included.
 */
export function readableText(root: Element | ShadowRoot): string {
  const parts = [visibleText(root)];
  const walk = (node: Element | ShadowRoot): void => {
    for (const el of node.querySelectorAll('*')) {
      if (el instanceof HTMLElement && !el.checkVisibility() && getComputedStyle(el).display !== 'contents') continue;
      for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(attribute);
        if (value) parts.push(value);
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}
