import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { setLocale } from '../../i18n/i18n';
import {
  api,
  idNumber,
  signInAsAdmin,
  signUp,
  signUpProven,
  proveLogin,
  submitVerification,
  unique,
  type Person,
} from '../../test-support/api';
import { mount, unmountAll, within } from '../../test-support/dom';
import { deepActiveElement } from '../../test-support/a11y';
import { rowIn, saidIn, section, type SectionTag } from './admin.test-support';
import './rc-admin';

const SECTIONS: SectionTag[] = ['rc-admin-queue', 'rc-admin-people', 'rc-admin-import', 'rc-admin-audit'];

let person: Person;

/**
 * Someone with the longest unbroken nickname and a long login, pending and
 * disabled and enabled (so every list holds them); the page is then signed in as the admin.
 */
beforeEach(async () => {
  const tag = unique();
  person = await signUp(`W${'W'.repeat(22)}${tag.slice(0, 9)}`, `a.rather.long.login-${tag}@subdomain.example.test`);
  person = { ...person, me: await proveLogin(person) };
  await submitVerification('Maximiliane Wilhelmina Zu Hohenlohe', idNumber());
  await signInAsAdmin();
  await api('POST', `/api/admin/people/${person.me.id}/disable`, { reason: 'A long reason '.repeat(8).trim() });
  await api('POST', `/api/admin/people/${person.me.id}/enable`, { reason: 'ok' });
});
afterEach(async () => {
  unmountAll();
  setLocale('en');
  // Vitest's own default viewport.
  await page.viewport(414, 896);
});

/** The console with every kind of row shown: a queue row, a person's confirmation step open, an import preview, the log. */
async function busyConsole(): Promise<HTMLElement> {
  const el = await mount('rc-admin');
  await expect.element(rowIn(el, 'rc-admin-queue', person.login)).toBeVisible();
  const people = within(section(el, 'rc-admin-people'));
  await people.getByRole('searchbox').fill(person.me.extension);
  await people
    .getByRole('button')
    .filter({ hasText: /^(Search|查找)$/ })
    .click();
  const row = rowIn(el, 'rc-admin-people', person.login);
  await row.getByRole('button').first().click();
  const s = within(section(el, 'rc-admin-import'));
  await s
    .getByRole('textbox')
    .fill(
      [
        'login,legal_name,id_number,status,reason',
        `${person.login},Bad1Name,${idNumber()},verified,`,
        `${person.login},Maximiliane Wilhelmina Zu Hohenlohe,${idNumber()},verified,`,
      ].join('\n'),
    );
  await s
    .getByRole('button')
    .filter({ hasText: /^(Preview|预览)$/ })
    .click();
  await expect.poll(() => section(el, 'rc-admin-import').shadowRoot!.querySelector('tr[data-line="3"]')).not.toBeNull();
  return el;
}

/** Every element under `root` (shadow roots included) wider inside than it is: what would scroll or spill sideways. */
function overflowing(root: Element): string[] {
  const found: string[] = [];
  const walk = (scope: Element | ShadowRoot): void => {
    for (const el of scope.querySelectorAll('*')) {
      // Visually hidden elements (1 px, clipped: column headers of cards, the file input) are meant to be so.
      const hidden = el instanceof HTMLElement && el.clientWidth <= 1;
      if (el instanceof HTMLElement && !hidden && el.scrollWidth > el.clientWidth + 1) {
        found.push(`<${el.localName}${el.id ? `#${el.id}` : ''}> ${el.scrollWidth} > ${el.clientWidth}`);
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  return found;
}

/** The element a tap at the middle of `el` lands on, through every shadow root. */
function tapped(el: Element): Element | null {
  const box = el.getBoundingClientRect();
  const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
  let hit = document.elementFromPoint(x, y);
  while (hit?.shadowRoot) {
    const inner: Element | null = hit.shadowRoot.elementFromPoint(x, y);
    if (!inner || inner === hit) break;
    hit = inner;
  }
  return hit;
}

/** The queue's buttons a row shows, by their visible name. */
const queueButtons = (el: HTMLElement, login: string) => {
  const row = rowIn(el, 'rc-admin-queue', login);
  return {
    approve: row.getByRole('button', { name: /^(Approve|通过) / }).element(),
    reject: row.getByRole('button', { name: /^(Reject|拒绝) / }).element(),
  };
};

describe('rc-admin on a phone and on a desktop', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    test(`at 390 px wide (${locale}) no section is wider than the screen: each list becomes cards`, async () => {
      setLocale(locale);
      await page.viewport(390, 844);
      const el = await busyConsole();
      for (const tag of SECTIONS) {
        const s = section(el, tag);
        expect(s.scrollWidth, `${tag} scrolls sideways`).toBeLessThanOrEqual(s.clientWidth);
        expect(s.getBoundingClientRect().right, `${tag} reaches past the screen`).toBeLessThanOrEqual(390);
        for (const table of s.shadowRoot!.querySelectorAll('table')) {
          expect(getComputedStyle(table).display, `${tag}: a table still`).toBe('block');
          expect(table.scrollWidth, `${tag}'s list scrolls sideways`).toBeLessThanOrEqual(table.clientWidth);
        }
      }
      expect(overflowing(el)).toEqual([]);
      expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(document.documentElement.clientWidth);
    });
  }

  test('at 390 px what was done is said in the page’s flow, never over the next card’s buttons', async () => {
    await page.viewport(390, 844);
    const next = await signUpProven(`Next ${unique()}`);
    await submitVerification('Grace Hopper', idNumber());
    await signInAsAdmin();
    const el = await mount('rc-admin');
    await rowIn(el, 'rc-admin-queue', person.login)
      .getByRole('button', { name: `Approve ${person.nickname}` })
      .click();
    const said = saidIn(el, 'rc-admin-queue');
    await expect.element(said).toHaveTextContent(`Approved the verification of ${person.nickname}`);
    // Still a polite live region, in the flow of the page (not fixed or sticky over it).
    await expect.element(said).toHaveAttribute('aria-live', 'polite');
    expect(getComputedStyle(said.element()).position).toBe('static');
    // Every button of the next cards can be tapped wherever it is on the screen, the bottom edge included.
    await expect.element(rowIn(el, 'rc-admin-queue', next.login)).toBeVisible();
    const rows = [...section(el, 'rc-admin-queue').shadowRoot!.querySelectorAll('tbody tr')].slice(0, 3);
    for (const row of rows) {
      for (const button of row.querySelectorAll('button')) {
        for (const block of ['end', 'center', 'start'] as const) {
          button.scrollIntoView({ block });
          expect(tapped(button), `${button.textContent?.trim()} at the ${block} of the screen`).toBe(button);
        }
      }
    }
  });

  for (const locale of ['en', 'zh-CN'] as const) {
    test(`at 390 px (${locale}) Approve and Reject are thumb-sized and well apart; no card label runs into the next`, async () => {
      setLocale(locale);
      await page.viewport(390, 844);
      const el = await busyConsole();
      const { approve, reject } = queueButtons(el, person.login);
      for (const button of [approve, reject]) {
        const box = button.getBoundingClientRect();
        expect(box.height, 'a 44 px target').toBeGreaterThanOrEqual(44);
        expect(box.width, 'a 44 px target').toBeGreaterThanOrEqual(44);
      }
      const [a, r] = [approve.getBoundingClientRect(), reject.getBoundingClientRect()];
      const apart = a.top === r.top ? r.left - a.right : r.top - a.bottom;
      expect(apart, 'room between Approve and Reject').toBeGreaterThanOrEqual(24);
      // A card's label ("Document (last 4)" on two lines) stays within its own cell.
      for (const tag of SECTIONS) {
        for (const cell of section(el, tag).shadowRoot!.querySelectorAll<HTMLElement>('td[data-label]')) {
          expect(cell.scrollHeight, `${tag}: ${cell.dataset.label} spills out of its cell`).toBeLessThanOrEqual(
            cell.clientHeight + 1,
          );
        }
      }
    });
  }

  test('the section navigation brings each section’s heading to the top, with focus, without a hash', async () => {
    await page.viewport(390, 844);
    const el = await mount('rc-admin');
    await expect.element(rowIn(el, 'rc-admin-queue', person.login)).toBeVisible();
    const nav = within(el).getByRole('navigation', { name: 'Sections of this page' });
    const hash = location.hash;
    for (const [name, tag, heading] of [
      ['People', 'rc-admin-people', 'People'],
      ['CSV import', 'rc-admin-import', 'Import decisions from a CSV file'],
      ['Queue', 'rc-admin-queue', 'Verification queue'],
    ] as const) {
      await nav.getByRole('button', { name }).click();
      const h2 = within(section(el, tag)).getByRole('heading', { name: heading }).element();
      await expect.poll(() => deepActiveElement()).toBe(h2);
      await expect.poll(() => Math.abs(h2.getBoundingClientRect().top)).toBeLessThan(2);
      expect(location.hash).toBe(hash);
    }
    await nav.getByRole('button', { name: 'Audit log' }).click();
    await expect
      .poll(() => deepActiveElement())
      .toBe(within(section(el, 'rc-admin-audit')).getByRole('heading', { name: 'Audit log' }).element());
  });

  test('at 1280 px the lists read as tables, with their column headers', async () => {
    await page.viewport(1280, 900);
    const el = await busyConsole();
    for (const tag of SECTIONS) {
      const table = section(el, tag).shadowRoot!.querySelector('table');
      expect(table, `${tag} has a list`).not.toBeNull();
      expect(getComputedStyle(table!).display).toBe('table');
      const header = table!.querySelector('th')!;
      expect(getComputedStyle(header).display).toBe('table-cell');
      expect(header.getBoundingClientRect().width).toBeGreaterThan(30);
      expect(getComputedStyle(table!.querySelector('tbody tr')!).display).toBe('table-row');
    }
    // The actions have room: Approve and Reject side by side, well apart.
    const { approve, reject } = queueButtons(el, person.login);
    const [a, r] = [approve.getBoundingClientRect(), reject.getBoundingClientRect()];
    expect(r.top, 'Reject on Approve’s line').toBe(a.top);
    expect(r.left - a.right).toBeGreaterThanOrEqual(24);
    expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(document.documentElement.clientWidth);
  });
});
