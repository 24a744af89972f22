/**
 * The command line as people and scripts run it, against the scripted PBX
 * and the real API, checked by exit status and output. A few runs are real
 * child processes (node + tsx) that must exit by themselves: a socket or
 * timer left open would keep one alive past the test's bound. The rest go
 * through the same `main()` in this process, which is quicker.
 */
import { spawn } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { accountFromApi } from './src/account';
import { main } from './src/cli/main';
import { person, startApi } from './src/api-server.test-support';
import { naivePolicy, startScriptedPbx, type Policy } from './src/scripted-pbx.test-support';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

type Run = { status: number | null; stdout: string; stderr: string };

function run(args: string[], env: Record<string, string> = {}, onStart?: () => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Only what the test gives: no REALCALL_* from the machine running the tests.
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(killer);
      resolve({ status, stdout, stderr });
    });
    onStart?.().catch(reject);
  });
}

async function runHere(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { status, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
}

const ZHANG = { name: '张三丰', status: 'verified', num: '1002' };

async function pbxWith(policy?: Policy) {
  const pbx = await startScriptedPbx({
    policy,
    accounts: { '1002': { secret: 'caller secret', presentation: ZHANG }, '1006': { secret: 'callee secret' } },
  });
  const caller = ['--ws', pbx.wsUrl, '--domain', pbx.domain, '--user', '1002', '--secret', 'caller secret'];
  const callee = ['--callee-user', '1006', '--callee-secret', 'callee secret'];
  return { pbx, caller, callee };
}

describe.concurrent('npm run sip', () => {
  test('register --json from REALCALL_* variables: exit 0, no secret printed', async () => {
    const { pbx } = await pbxWith();
    try {
      const env = {
        REALCALL_SIP_WS: pbx.wsUrl,
        REALCALL_SIP_DOMAIN: pbx.domain,
        REALCALL_SIP_USER: '1002',
        REALCALL_SIP_SECRET: 'caller secret',
      };
      const res = await run(['register', '--json'], env);
      expect(res.status).toBe(0);
      const json = JSON.parse(res.stdout);
      expect(json).toMatchObject({ command: 'register', ok: true, statusCode: 200, account: { user: '1002' } });
      expect(json.ms).toBeGreaterThan(0);
      expect(res.stdout).not.toContain('caller secret');
    } finally {
      await pbx.close();
    }
  });

  test('register with a wrong secret: exit 1 and one clear line', async () => {
    const { pbx, caller } = await pbxWith();
    try {
      const res = await runHere(['register', ...caller.slice(0, -1), 'wrong']);
      expect(res.status).toBe(1);
      expect(res.stdout).toMatch(/^1002@realcall.test via ws:\/\/\S+: registration failed: 401 Unauthorized \(after/);
    } finally {
      await pbx.close();
    }
  });

  test('usage mistakes exit 64 with the usage', async () => {
    const none = await runHere(['register']);
    expect(none.status).toBe(64);
    expect(none.stderr).toMatch(/^register: no credentials/);
    expect(none.stderr).toContain('Usage: npm run sip -- register');
    expect((await runHere(['dial'])).status).toBe(64);
    expect((await runHere(['call', '--timeout', 'soon', '--user', 'x'])).stderr).toMatch(/--timeout takes seconds/);
    expect((await runHere(['spoof', '--only', 'nonsense'])).stderr).toMatch(/unknown technique\(s\): nonsense/);
  });

  test('answer --count 1 --json prints what the INVITE carried', async () => {
    const { pbx } = await pbxWith();
    try {
      const args = ['answer', '--count', '1', '--hold', '0.05', '--timeout', '10', '--json'];
      const env = { REALCALL_SIP_WS: pbx.wsUrl, REALCALL_SIP_DOMAIN: pbx.domain };
      const res = await run([...args, '--user', '1006', '--secret', 'callee secret'], env, async () => {
        await pbx.waitForRegistration('1006', 10_000);
        await pbx.ring('1006', {
          fromHeader: '"张三丰" <sip:1002@realcall.test>',
          extraHeaders: ['X-RealCall-Name-Status: verified'],
        });
      });
      expect(res.status).toBe(0);
      const json = JSON.parse(res.stdout);
      expect(json.calls).toHaveLength(1);
      expect(json.calls[0]).toMatchObject({ displayName: '张三丰', fromUser: '1002', nameStatus: 'verified' });
    } finally {
      await pbx.close();
    }
  });

  test('call with a callee: exit 0 when the callee saw what was expected, 1 when not', async () => {
    const { pbx, caller, callee } = await pbxWith();
    try {
      const common = ['call', '1006', ...caller, ...callee, '--hold', '0', '--expect-status', 'verified'];
      const good = await run([...common, '--expect-name', '张三丰']);
      expect(good.status).toBe(0);
      expect(good.stdout).toContain('call 1002 → 1006: answered (200 OK)');
      expect(good.stdout).toContain('✓ name "张三丰" as expected');
      const bad = await runHere([...common, '--expect-name', '李小龙', '--json']);
      expect(bad.status).toBe(1);
      const json = JSON.parse(bad.stdout);
      expect(json).toMatchObject({ ok: false, outcome: 'answered', seen: { displayName: '张三丰' } });
      expect(json.checks).toContainEqual({ field: 'name', expected: '李小龙', saw: '张三丰', ok: false });
    } finally {
      await pbx.close();
    }
  });

  test('call and spoof through the API: the privacy preview is the expectation', async () => {
    const pbx = await startScriptedPbx({ accounts: {} });
    const api = await startApi({ REALCALL_SIP_WS_URL: pbx.wsUrl, REALCALL_SIP_DOMAIN: pbx.domain });
    try {
      const li = await person(api, { nickname: '小龙', legalName: '李小龙', privacy: 'masked' });
      const bob = await person(api, { nickname: 'Bob' });
      // The scripted PBX learns the same secrets and presentation the real PBX gets from the API.
      for (const p of [li, bob]) {
        const { account, expected } = await accountFromApi(api.url, p.login, p.password);
        pbx.options.accounts[account.user] = { secret: account.secret, presentation: expected };
      }
      const env = {
        REALCALL_API_URL: api.url,
        REALCALL_LOGIN: li.login,
        REALCALL_PASSWORD: li.password,
        REALCALL_CALLEE_LOGIN: bob.login,
        REALCALL_CALLEE_PASSWORD: bob.password,
      };
      const called = await runHere(['call', '--hold', '0', '--json'], env);
      expect(called.status).toBe(0);
      expect(JSON.parse(called.stdout)).toMatchObject({
        extension: bob.extension,
        expected: { name: '*小龙', status: 'masked', num: li.extension },
        seen: { displayName: '*小龙', nameStatus: 'masked', fromUser: li.extension },
      });
      const spoofed = await runHere(['spoof', '--only', 'from-display-name,status-header', '--timeout', '3'], env);
      expect(spoofed.status).toBe(0);
      expect(spoofed.stdout).toContain('2 technique(s): 2 blocked, 0 got through');
    } finally {
      await api.close();
      await pbx.close();
    }
  });

  test('spoof against a PBX that passes forgeries on: exit 1, rows in --json', async () => {
    const { pbx, caller, callee } = await pbxWith(naivePolicy);
    try {
      const res = await runHere([
        'spoof',
        ...caller,
        ...callee,
        '--expect-name',
        '张三丰',
        '--expect-status',
        'verified',
        '--only',
        'from-display-name,bidi-override',
        '--json',
      ]);
      expect(res.status).toBe(1);
      const json = JSON.parse(res.stdout);
      expect(json.ok).toBe(false);
      expect(json.rows.map((r: { technique: string; gotThrough: boolean }) => [r.technique, r.gotThrough])).toEqual([
        ['from-display-name', true],
        ['bidi-override', true],
      ]);
      // For people the forged name is printed escaped, so it cannot reorder the terminal line.
      const human = await runHere([
        'spoof',
        ...caller,
        ...callee,
        '--expect-name',
        '张三丰',
        '--expect-status',
        'verified',
        '--only',
        'bidi-override',
      ]);
      expect(human.stdout).toContain('\\u{202E}');
      expect(human.stdout).not.toContain('\u202e');
    } finally {
      await pbx.close();
    }
  });

  test('load register from an accounts file', async () => {
    const { pbx } = await pbxWith();
    const dir = await mkdtemp(join(tmpdir(), 'sip-tool-'));
    try {
      const file = join(dir, 'accounts.json');
      const direct = (user: string, secret: string) => ({ wsUrl: pbx.wsUrl, domain: pbx.domain, user, secret });
      await writeFile(file, JSON.stringify([direct('1002', 'caller secret'), direct('1006', 'callee secret')]));
      const res = await runHere(['load', 'register', '--accounts', file, '--count', '4', '--concurrency', '2']);
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/^load register: 4 of 4 succeeded, concurrency 2/);
      expect(res.stdout).toMatch(/REGISTER → 200 \(challenge included\)\s+[\d.]+ ms/);
    } finally {
      await rm(dir, { recursive: true });
      await pbx.close();
    }
  });
});
