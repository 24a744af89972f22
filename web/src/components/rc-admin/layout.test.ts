import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { setLocale } from '../../i18n/i18n';
import {
  api,
  idNumber,
  signInAsAdmin,
  signUp,
  proveLogin,
  submitVerification,
  unique,
  type Person,
} from '../../test-support/api';
import { mount, unmountAll, within } from '../../test-support/dom';
import { rowIn, section, type SectionTag } from './admin.test-support';
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
    expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(document.documentElement.clientWidth);
  });
});
