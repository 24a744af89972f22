/**
 * The AMI outbox against a scripted AMI server: AMI is Asterisk's edge, not
 * ours, so a peer that speaks its wire format is the honest stand-in here.
 * (asterisk/tests/pbx.test.ts runs the same code against a real Asterisk.)
 */
import { createServer, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pbxOutbox, users } from '../../../db/schema';
import { createTestApp, type TestApp } from '../testing';
import { createAmiPbx, type AmiPbx } from './ami';

type Action = Record<string, string>;

/** Speaks enough AMI: banner, Login, SorceryMemoryCacheExpireObject, Hangup (a list answer), Logoff. */
function fakeAmi(options: { secret: string; cached: Set<string>; replyDelayMs?: number }) {
  const actions: Action[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.write('Asterisk Call Manager/9.0.0\r\n');
    let buffer = '';
    let authed = false;
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const action: Action = Object.fromEntries(
          buffer
            .slice(0, end)
            .split('\r\n')
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
        );
        buffer = buffer.slice(end + 4);
        actions.push(action);
        const id = `ActionID: ${action.ActionID}\r\n`;
        const reply = (lines: string) => {
          if (options.replyDelayMs) setTimeout(() => socket.write(`${lines}${id}\r\n`), options.replyDelayMs);
          else socket.write(`${lines}${id}\r\n`);
        };
        if (action.Action === 'Login') {
          authed = action.Secret === options.secret;
          reply(
            authed
              ? 'Response: Success\r\nMessage: Authentication accepted\r\n'
              : 'Response: Error\r\nMessage: Authentication failed\r\n',
          );
        } else if (!authed) {
          reply('Response: Error\r\nMessage: Permission denied\r\n');
        } else if (action.Action === 'SorceryMemoryCacheExpireObject') {
          const key = `${action.Cache}:${action.Object}`;
          if (options.cached.delete(key))
            reply('Response: Success\r\nMessage: The provided object was expired from the cache\r\n');
          else reply('Response: Error\r\nMessage: The provided object could not be expired from the cache\r\n');
        } else if (action.Action === 'Hangup') {
          reply('Response: Success\r\nEventList: start\r\nMessage: Channels hung up will follow\r\n');
          reply('Event: ChannelHungup\r\nChannel: PJSIP/1001-00000001\r\n');
          reply('Event: ChannelsHungupListComplete\r\nEventList: Complete\r\nListItems: 1\r\n');
        } else if (action.Action === 'Logoff') {
          reply('Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n');
          socket.end();
        } else {
          reply('Response: Error\r\nMessage: Invalid/unknown command\r\n');
        }
      }
    });
  });
  return {
    actions,
    listen: (port = 0) =>
      new Promise<number>((resolve) =>
        server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let t: TestApp;
let pbx: AmiPbx | undefined;
const secret = 'ami-secret-for-tests-0123456789abcdef';
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => {
  pbx?.close();
  t.close();
});

const outbox = () => t.db.select().from(pbxOutbox).all();

describe('the AMI outbox', () => {
  it('expires the three caches and hangs up, then clears the row', async () => {
    const ami = fakeAmi({ secret, cached: new Set(['res_pjsip/endpoint:1001', 'res_pjsip/auth:1001']) });
    const port = await ami.listen();
    pbx = createAmiPbx(t.db, { host: '127.0.0.1', port, user: 'realcall', secret }, () => {});
    pbx.forget('1001', { hangUp: true });
    expect(outbox()).toHaveLength(1);
    await new Promise((r) => setImmediate(r));
    await pbx.flush();
    expect(outbox()).toEqual([]);
    const asked = ami.actions.map((a) => [a.Action, a.Cache ?? a.Channel ?? ''].join(' ').trim());
    expect(asked).toEqual([
      'Login',
      'SorceryMemoryCacheExpireObject res_pjsip/endpoint',
      'SorceryMemoryCacheExpireObject res_pjsip/auth',
      // Not in the cache: nothing to expire, which is success.
      'SorceryMemoryCacheExpireObject res_pjsip/aor',
      'Hangup /^PJSIP\\/1001-/',
      'Logoff',
    ]);
    await ami.close();
  });

  it('writes nothing when the change it belongs to is rolled back', () => {
    pbx = createAmiPbx(t.db, { host: '127.0.0.1', port: 1, user: 'realcall', secret }, () => {});
    expect(() =>
      t.db.transaction(() => {
        pbx!.forget('1001', { hangUp: true });
        t.db.insert(users).values({ login: 'x', passwordHash: 'x', nickname: 'x' }).run();
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    expect(outbox()).toEqual([]);
  });

  it('keeps the row while AMI is unreachable or refuses the login, and carries it out once it is back', async () => {
    const ami = fakeAmi({ secret, cached: new Set() });
    const port = await ami.listen();
    await ami.close();
    const lines: string[] = [];
    pbx = createAmiPbx(
      t.db,
      { host: '127.0.0.1', port, user: 'realcall', secret },
      (l) => lines.push(l),
      () => t.clock.now,
    );
    pbx.forget('1002', { hangUp: false });
    await new Promise((r) => setImmediate(r));
    await pbx.flush();
    const [row] = outbox();
    expect(row).toMatchObject({ extension: '1002', attempts: 1, lastError: expect.stringMatching(/cannot reach AMI/) });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(t.clock.now);
    expect(lines).toEqual([expect.stringMatching(/cannot reach AMI.*will retry/)]);

    const wrong = fakeAmi({ secret: 'another secret entirely, not ours', cached: new Set() });
    await wrong.listen(port);
    t.clock.now += 60_000;
    await pbx.flush();
    expect(outbox()[0]).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/login refused/) });
    await wrong.close();

    const back = fakeAmi({ secret, cached: new Set() });
    await back.listen(port);
    t.clock.now += 60_000;
    await pbx.flush();
    expect(outbox()).toEqual([]);
    expect(back.actions.map((a) => a.Action)).toEqual([
      'Login',
      'SorceryMemoryCacheExpireObject',
      'SorceryMemoryCacheExpireObject',
      'SorceryMemoryCacheExpireObject',
      'Logoff',
    ]);
    expect(lines.at(-1)).toMatch(/reachable again/);
    await back.close();
  });

  it('picks up rows left from before a restart', async () => {
    const ami = fakeAmi({ secret, cached: new Set() });
    const port = await ami.listen();
    t.db
      .insert(pbxOutbox)
      .values({ extension: '1009', hangUp: true, nextAttemptAt: new Date(0) })
      .run();
    pbx = createAmiPbx(t.db, { host: '127.0.0.1', port, user: 'realcall', secret }, () => {});
    await new Promise((r) => setTimeout(r, 20));
    await pbx.flush();
    expect(outbox()).toEqual([]);
    expect(ami.actions.some((a) => a.Action === 'Hangup' && a.Channel === '/^PJSIP\\/1009-/')).toBe(true);
    await ami.close();
  });

  it('keeps one row per person however many changes come: 10,000 rotations are one row', () => {
    pbx = createAmiPbx(
      t.db,
      { host: '127.0.0.1', port: 1, user: 'realcall', secret },
      () => {},
      () => t.clock.now,
    );
    pbx.close(); // no worker: only what forget() writes is looked at
    for (let i = 0; i < 10_000; i++) pbx.forget('1005', { hangUp: false });
    pbx.forget('1005', { hangUp: true });
    pbx.forget('1005', { hangUp: false });
    expect(outbox()).toEqual([expect.objectContaining({ extension: '1005', hangUp: true, attempts: 0 })]);
    expect(outbox()[0]!.version).toBe(10_001);
  });

  it('carries out hang-ups first, and a disable saved during a long run of routine rows goes next', async () => {
    const ami = fakeAmi({ secret, cached: new Set() });
    const port = await ami.listen();
    const at = new Date(t.clock.now);
    // 300 routine expiries waiting (say, from secret rotations), then the worker starts.
    t.db.$client.transaction(() => {
      const insert = t.db.$client.prepare(
        'INSERT INTO pbx_outbox (extension, hang_up, next_attempt_at) VALUES (?, 0, ?)',
      );
      for (let i = 0; i < 300; i++) insert.run(String(2000 + i), at.getTime());
    })();
    pbx = createAmiPbx(
      t.db,
      { host: '127.0.0.1', port, user: 'realcall', secret },
      () => {},
      () => t.clock.now,
    );
    // Once the worker is under way, an admin disables someone.
    while (ami.actions.filter((a) => a.Action === 'SorceryMemoryCacheExpireObject').length < 30) {
      await new Promise((r) => setTimeout(r, 1));
    }
    pbx.forget('1777', { hangUp: true });
    await pbx.flush();
    expect(outbox()).toEqual([]);
    const objects = ami.actions.filter((a) => a.Action === 'SorceryMemoryCacheExpireObject').map((a) => a.Object);
    const disabledAt = objects.indexOf('1777');
    const doneBefore = new Set(objects.slice(0, disabledAt)).size;
    // It overtook everything still waiting: at most the one row in hand when it arrived came in between.
    expect(doneBefore).toBeLessThanOrEqual(Math.ceil(30 / 3) + 2);
    expect(new Set(objects).size).toBe(301);
    await ami.close();
  });

  it('keeps a row that changed while it was being carried out, and carries out the change too', async () => {
    // A slow PBX: the change below surely arrives while the first row is in hand.
    const ami = fakeAmi({ secret, cached: new Set(), replyDelayMs: 20 });
    const port = await ami.listen();
    pbx = createAmiPbx(t.db, { host: '127.0.0.1', port, user: 'realcall', secret }, () => {});
    pbx.forget('1003', { hangUp: false });
    // The same person changes again right after the worker sent its first action.
    while (!ami.actions.some((a) => a.Action === 'SorceryMemoryCacheExpireObject')) {
      await new Promise((r) => setTimeout(r, 1));
    }
    pbx.forget('1003', { hangUp: true });
    await pbx.flush();
    expect(outbox()).toEqual([]);
    expect(ami.actions.filter((a) => a.Object === '1003' && a.Cache === 'res_pjsip/endpoint')).toHaveLength(2);
    expect(ami.actions.some((a) => a.Action === 'Hangup' && a.Channel === '/^PJSIP\\/1003-/')).toBe(true);
    await ami.close();
  });

  it('backs every due row off in one step while AMI is down, without a row per attempt', async () => {
    const ami = fakeAmi({ secret, cached: new Set() });
    const port = await ami.listen();
    await ami.close();
    pbx = createAmiPbx(
      t.db,
      { host: '127.0.0.1', port, user: 'realcall', secret },
      () => {},
      () => t.clock.now,
    );
    for (let i = 0; i < 50; i++) pbx.forget(String(3000 + i), { hangUp: i % 2 === 0 });
    await new Promise((r) => setImmediate(r));
    await pbx.flush();
    const rows = outbox();
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.attempts))).toEqual(new Set([1]));
    expect(new Set(rows.map((r) => r.nextAttemptAt.getTime()))).toEqual(new Set([t.clock.now + 500]));
    t.clock.now += 1000;
    await pbx.flush();
    expect(new Set(outbox().map((r) => r.nextAttemptAt.getTime()))).toEqual(new Set([t.clock.now + 1000]));
  });
});
