import { html, render } from 'lit';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { AuditEntry } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { deepActiveElement } from '../../test-support/a11y';
import { api, signInAsAdmin, signUpProven, unique, type Person } from '../../test-support/api';
import { mount, unmountAll, within } from '../../test-support/dom';
import { label, section } from './admin.test-support';
import './rc-admin';
import { auditReason, auditSentence } from './words';

let person: Person;
let admin: string;

/** A person the admin disabled and enabled again 26 times: 52 entries about them, newest last. */
beforeEach(async () => {
  person = await signUpProven(`Audrey ${unique()}`);
  admin = (await signInAsAdmin()).login;
  for (let i = 0; i < 26; i++) {
    await api('POST', `/api/admin/people/${person.me.id}/disable`, { reason: `round ${i}` });
    await api('POST', `/api/admin/people/${person.me.id}/enable`, { reason: `back ${i}` });
  }
});
afterEach(() => {
  unmountAll();
  setLocale('en');
});

/** The audit section, showing only the entries about `person`. */
async function auditOf() {
  const el = await mount('rc-admin');
  const audit = section(el, 'rc-admin-audit');
  await audit.showPerson({ id: person.me.id, nickname: person.nickname, extension: person.me.extension });
  const s = within(audit);
  // "Only entries about …", in whichever language the page speaks.
  await expect.poll(() => audit.shadowRoot!.querySelector('.about')?.textContent).toContain(person.nickname);
  const rows = () => [...audit.shadowRoot!.querySelectorAll('tbody tr')];
  return { el, audit, s, rows };
}

/** What `Intl` says of `iso` in `locale`, as the console formats dates. */
const intl = (locale: string, iso: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

describe('rc-admin audit log (against the real API, signed in as an admin)', () => {
  test('says each entry in words, never the raw action name, and pages back with Older entries', async () => {
    const { s, audit, rows } = await auditOf();
    await expect.poll(() => rows().length).toBe(50);
    const newest = rows()[0]!;
    expect(newest.textContent?.replace(/\s+/g, ' ')).toContain(`Admin ${admin} enabled ${label(person)} again`);
    expect(newest.textContent).toContain('Reason: back 25');
    expect(newest.textContent).toContain('disabled → active');
    expect(audit.shadowRoot!.textContent).not.toMatch(/user\.(enable|disable)/);
    // Times in the page's language, by Intl.
    const at = newest.querySelector('time')!;
    expect(at.textContent).toBe(intl('en', at.dateTime));

    await s.getByRole('button', { name: 'Older entries' }).click();
    await expect.poll(() => rows().length).toBe(52);
    expect(rows()[51]!.textContent).toContain('Reason: round 0');
    await expect.element(s.getByText('No older entries.')).toBeVisible();
    expect(s.getByRole('button', { name: 'Older entries' }).query()).toBeNull();
    // The button is gone: focus is on the first entry it showed, not dropped to the page.
    expect(deepActiveElement()).toBe(rows()[50]);
    expect(rows()[50]!.textContent).toContain('Reason: back 0');
  });

  test('filters by action, and by person from any entry’s name', async () => {
    const { s, rows } = await auditOf();
    await s.getByLabelText('Action').selectOptions('disabled');
    await expect.poll(() => rows().length).toBe(26);
    for (const row of rows()) expect(row.textContent?.replace(/\s+/g, ' ')).toContain(`disabled ${label(person)}`);

    // Everyone's disablings, then back to this person's by their name in an entry.
    await s.getByRole('button', { name: 'Show everyone' }).click();
    await expect.element(s.getByText(`Only entries about ${label(person)}.`)).not.toBeInTheDocument();
    await s
      .getByRole('button', { name: `Only entries about ${label(person)}` })
      .first()
      .click();
    await expect.element(s.getByText(`Only entries about ${label(person)}.`)).toBeVisible();
    await expect.poll(() => rows().length).toBe(26);
  });

  test('in Chinese: the sentence, the statuses and the time in the page’s language, not the browser’s', async () => {
    setLocale('zh-CN');
    const { rows } = await auditOf();
    await expect.poll(() => rows().length).toBe(50);
    const newest = rows()[0]!;
    const text = newest.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain(`管理员 ${admin} 重新启用了 ${person.nickname}（${person.me.extension}）`);
    expect(text).toContain('原因：back 25');
    expect(text).toContain('已停用 → 正常');
    const at = newest.querySelector('time')!;
    expect(at.textContent).toBe(intl('zh-CN', at.dateTime));
    expect(at.textContent).not.toBe(intl(navigator.language, at.dateTime));
  });

  test('a same-document revocation says whom the document was approved for, and the reason as typed', async () => {
    // As the API records it: the admin's reason, and whom the approval that took the document was for.
    const other = await signUpProven(`Other ${unique()}`);
    const id = `ID${crypto.randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    await api('POST', '/api/me/verification', { legalName: 'Grace Hopper', idNumber: id });
    const second = await signUpProven(`Second ${unique()}`);
    await api('POST', '/api/me/verification', { legalName: 'Grace Hopper', idNumber: id });
    await signInAsAdmin();
    const { verifications } = await api<{ verifications: { id: number; person: { id: number } }[] }>(
      'GET',
      '/api/admin/verifications?status=pending',
    );
    const first = verifications.find((v) => v.person.id === other.me.id)!;
    const next = verifications.find((v) => v.person.id === second.me.id)!;
    await api('POST', `/api/admin/verifications/${first.id}/approve`, {});
    await api('POST', `/api/admin/verifications/${next.id}/approve`, {
      reason: 'Borrowed document',
      revokeOther: true,
    });

    person = other;
    setLocale('zh-CN');
    const { rows } = await auditOf();
    await expect.poll(() => rows().length).toBe(2);
    const text = rows()[0]!.textContent?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain(
      `撤销了 ${other.nickname}（${other.me.extension}） 的认证，因为其证件已用于通过 ${second.nickname}（${second.me.extension}） 的认证`,
    );
    expect(text).toContain('原因：Borrowed document');
    // No internal id: the id as a word of its own (a random login or nickname may hold the same digits).
    const words = text.split(/[\s（）()：:·→.,]+/);
    expect(words).not.toContain(String(next.id));
    setLocale('en');
    await expect
      .poll(() => rows()[0]!.textContent?.replace(/\s+/g, ' '))
      .toContain(
        `revoked the verification of ${label(other)}, because their document was approved for ${label(second)}`,
      );
  });

  test('an entry written before the log named the other person reads without its English note and id', () => {
    // What the API answers for a same-document revocation recorded before migration 0005 found its person.
    const old: AuditEntry = {
      id: 1,
      at: new Date().toISOString(),
      actorId: 1,
      actorLogin: 'admin@example.test',
      action: 'verification.revoke.same_document',
      targetType: 'verification',
      targetId: 3,
      targetUserId: 2,
      relatedUserId: null,
      beforeStatus: 'verified',
      afterStatus: 'revoked',
      reason: 'Borrowed (twice) (the document was approved for verification 12)',
      person: { id: 2, nickname: 'Mei', extension: '1007' },
      related: null,
    };
    const box = document.createElement('div');
    document.body.append(box);
    render(html`${auditSentence(old, 'Mei (1007)')}. ${auditReason(old)}`, box);
    expect(box.textContent?.replace(/\s+/g, ' ')).toBe(
      'Admin admin@example.test revoked the verification of Mei (1007), because their document was approved for someone else. Reason: Borrowed (twice)',
    );
    box.remove();
  });
});
