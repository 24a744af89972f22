/**
 * What the console's tests share: its sections, a person as the console
 * names them, and the check that a page holds no Latin text but data.
 */
import { expect } from 'vitest';
import type { Locator } from 'vitest/browser';
import { interactiveControls, tabOrder } from '../../test-support/a11y';
import type { Person } from '../../test-support/api';
import { within } from '../../test-support/dom';

export type SectionTag = 'rc-admin-queue' | 'rc-admin-people' | 'rc-admin-import' | 'rc-admin-audit';

/** The console's section `tag`. */
export const section = <K extends SectionTag>(el: HTMLElement, tag: K): HTMLElementTagNameMap[K] =>
  el.shadowRoot!.querySelector(tag)!;

/** The row of `section` that holds `text` (a login or a nickname, which tests make unique). */
export const rowIn = (el: HTMLElement, tag: SectionTag, text: string): Locator =>
  within(section(el, tag)).getByRole('row').filter({ hasText: text });

/** What section `tag` said it did: its polite live region, under its heading. */
export const saidIn = (el: HTMLElement, tag: SectionTag): Locator => within(section(el, tag)).getByRole('status');

/** A person as the console names them in English: nickname and extension. */
export const label = (who: Person): string => `${who.nickname} (${who.me.extension})`;

/** Latin a zh-CN page keeps: the file format's name. */
const ALLOWED = ['CSV'];

/**
 * The Latin text in `root` (shadow roots included) that is not data: text
 * outside `<bdi>` (names, logins, reasons people typed) and `<code>` (file
 * syntax), and attributes a person hears or sees (aria-label, placeholder,
 * title, a card's data-label)
 * once the data shown in the page is taken out of them. Numbers and
 * punctuation are not Latin letters; `ALLOWED` words are kept.
 */
export function latinOutsideData(root: Element): string[] {
  const found: string[] = [];
  const data: string[] = [];
  const withoutAllowed = (text: string) => ALLOWED.reduce((rest, word) => rest.split(word).join(' '), text);
  const isData = (el: Element | null): boolean => {
    for (let n: Node | null = el; n; n = n instanceof ShadowRoot ? n.host : n.parentNode) {
      if (n instanceof Element && (n.localName === 'bdi' || n.localName === 'code')) return true;
    }
    return false;
  };
  const attributes: string[] = [];
  const walk = (node: Node): void => {
    if (node instanceof Text) {
      if (isData(node.parentElement)) data.push(node.data.trim());
      else if (/[A-Za-z]/.test(withoutAllowed(node.data))) found.push(node.data.trim());
      return;
    }
    if (node instanceof Element) {
      if (node.localName === 'style' || node.localName === 'script') return;
      for (const name of ['aria-label', 'placeholder', 'title', 'data-label']) {
        const value = node.getAttribute(name);
        if (value) attributes.push(value);
      }
      if (node.shadowRoot) walk(node.shadowRoot);
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  const shown = data.filter(Boolean).sort((a, b) => b.length - a.length);
  for (const value of attributes) {
    let rest = value;
    for (const d of shown) rest = rest.split(d).join('');
    if (/[A-Za-z]/.test(withoutAllowed(rest))) found.push(`[attribute] ${value}`);
  }
  return found;
}

/**
 * Tab alone reaches every control in `root`, each with an accessible name —
 * as a11y.ts `expectKeyboardReachable`, with room for as many Tabs as the
 * console's lists hold controls (other tests' people are listed too).
 */
export async function expectAllReachable(root: Element): Promise<void> {
  const controls = interactiveControls(root);
  expect(controls.length, 'controls in the element').toBeGreaterThan(0);
  const order = await tabOrder(root, controls.length + 20);
  const missed = controls.filter((c) => !order.includes(c));
  expect(
    missed.map((c) => `<${c.localName}#${c.id}> ${c.getAttribute('aria-label') ?? c.textContent?.trim() ?? ''}`),
    'controls Tab never reaches',
  ).toEqual([]);
  for (const control of controls) expect(control).toHaveAccessibleName();
}
