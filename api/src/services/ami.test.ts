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
function fakeAmi(options: { secret: string; cached: Set<string> }) {
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
        const reply = (lines: string) => socket.write(`${lines}${id}\r\n`);
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
});
