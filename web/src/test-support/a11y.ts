/**
 * Accessibility checks a test can make on a rendered element: axe-core's
 * serious and critical violations, and whether a keyboard alone reaches
 * every control (each with an accessible name). Shadow roots are looked
 * into throughout; RealCall's elements all use open ones.
 */
import axe from 'axe-core';
import { expect } from 'vitest';
import { userEvent } from 'vitest/browser';

/** axe-core's serious and critical violations inside `el`, one line per offending node. */
export async function seriousViolations(el: Element): Promise<string[]> {
  const { violations } = await axe.run(el, { resultTypes: ['violations'] });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} — ${JSON.stringify(n.target)}`));
}

/** The focused element, looked for inside shadow roots. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Whether `node` is `root` or inside it, across shadow boundaries. */
export function composedContains(root: Node, node: Node | null): boolean {
  for (let n = node; n; n = n instanceof ShadowRoot ? n.host : n.parentNode) if (n === root) return true;
  return false;
}

const CONTROL = 'button, input, select, textarea, a[href], [tabindex]';

/** The controls in `root` a person can operate: enabled, shown, and not taken out of the Tab order. */
export function interactiveControls(root: Element): HTMLElement[] {
  const found: HTMLElement[] = [];
  const walk = (scope: Element | ShadowRoot): void => {
    for (const el of scope.querySelectorAll('*')) {
      if (
        el instanceof HTMLElement &&
        el.matches(CONTROL) &&
        el.tabIndex >= 0 &&
        !el.matches(':disabled') &&
        el.checkVisibility()
      ) {
        found.push(el);
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  if (root.shadowRoot) walk(root.shadowRoot);
  walk(root);
  return found;
}

/** Presses Tab from the top of the page until focus has been through `root`; where it stopped, in order. */
export async function tabOrder(root: Element, limit = 80): Promise<Element[]> {
  // Tab moves on from where focus last was, even after a blur: start from a point before everything.
  const start = document.createElement('div');
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
  const order: Element[] = [];
  try {
    for (let i = 0; i < limit; i++) {
      await userEvent.tab();
      const active = deepActiveElement();
      if (!active || !composedContains(root, active)) {
        if (order.length) break;
        continue;
      }
      if (order.includes(active)) break; // wrapped round
      order.push(active);
    }
  } finally {
    start.remove();
  }
  return order;
}

const describe = (el: Element): string =>
  `<${el.localName}${el.id ? `#${el.id}` : ''}> "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()}"`;

/**
 * Tab alone reaches every control in `root` (a radio group through any one
 * of its radios: arrows move within it), and each control has an
 * accessible name.
 */
export async function expectKeyboardReachable(root: Element): Promise<void> {
  const controls = interactiveControls(root);
  expect(controls.length, 'controls in the element').toBeGreaterThan(0);
  const order = await tabOrder(root);
  const sameRadioGroup = (a: Element, b: Element) =>
    a instanceof HTMLInputElement &&
    b instanceof HTMLInputElement &&
    a.type === 'radio' &&
    b.type === 'radio' &&
    a.name === b.name &&
    a.getRootNode() === b.getRootNode();
  const missed = controls.filter((c) => !order.some((o) => o === c || sameRadioGroup(o, c)));
  expect(missed.map(describe), 'controls Tab never reaches').toEqual([]);
  for (const control of controls) expect(control, describe(control)).toHaveAccessibleName();
}
