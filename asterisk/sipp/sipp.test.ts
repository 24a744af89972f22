/**
 * The sipp scenarios: well-formed XML with the digest step and a
 * WebRTC-shaped SDP (read by the same SDP reader the SIP tool's tests use),
 * and — when sipp is installed — real sipp runs against the scripted PBX
 * over UDP on 127.0.0.1: the callee registers (digest checked), answers
 * the PBX's qualify OPTIONS and the relayed calls; the caller and the load
 * variant authenticate and complete their calls; a PBX that leaves out
 * X-RealCall-Name-Status makes the caller's run fail.
 *
 * The scripted PBX is not Asterisk: these runs prove the scenarios' SIP
 * (branches, tags, CSeq, digest, routing of in-dialog requests), not what
 * Asterisk will answer to them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { safePolicy, startScriptedPbx, type Policy } from '../sip-tool/src/scripted-pbx.test-support';
import { sdpShape } from '../sip-tool/src/sdp';
import { realPartSuite } from '../../tests/support/real-parts';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const read = (name: string) => readFile(join(DIR, name), 'utf8');

/** Enough of XML 1.0 to catch what breaks sipp's parser: nesting, quoting, bare & and <, CDATA. */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at line ${xml.slice(0, i).split('\n').length}`);
  };
  while (i < xml.length) {
    if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) fail('unterminated CDATA');
      i = end + 3;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      if (xml.slice(i + 4, end).includes('--')) fail('"--" inside a comment');
      i = end + 3;
    } else if (xml.startsWith('<?', i) || xml.startsWith('<!DOCTYPE', i)) {
      i = xml.indexOf('>', i) + 1;
      if (i === 0) fail('unterminated declaration');
    } else if (xml[i] === '<') {
      const end = xml.indexOf('>', i);
      if (end < 0) fail('unterminated tag');
      const tag = xml.slice(i + 1, end);
      if (tag.startsWith('/')) {
        if (stack.pop() !== tag.slice(1).trim()) fail(`mismatched </${tag.slice(1)}>`);
      } else {
        const match = /^([A-Za-z_][\w.-]*)((?:\s+[\w.-]+\s*=\s*(?:"[^"<&]*"|'[^'<&]*'))*)\s*(\/?)$/.exec(tag);
        if (!match) fail(`malformed tag <${tag}>`);
        if (!match![3]) stack.push(match![1]!);
      }
      i = end + 1;
    } else {
      const next = xml.indexOf('<', i);
      const text = xml.slice(i, next < 0 ? undefined : next);
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) fail('bare & in text');
      i = next < 0 ? xml.length : next;
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

/** The SDP bodies of a scenario's messages, with sipp's keywords filled in. */
function sdps(xml: string): string[] {
  return [...xml.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)]
    .map((m) => m[1]!.replace(/^\s+/gm, '').trim())
    .filter((text) => text.includes('\nv=0'))
    .map((text) =>
      text
        .slice(text.indexOf('v=0'))
        .replace(/\[\$mid\]/g, 'audio')
        .replace(/\[[^\]]+\]/g, '1'),
    );
}

const SCENARIOS = ['caller.xml', 'caller-load.xml', 'callee.xml', 'callee-answer.xml', 'register-load.xml'];

describe('scenario files', () => {
  test.each(SCENARIOS)('%s is well-formed XML', async (name) => {
    const xml = await read(name);
    expect(() => checkWellFormed(xml)).not.toThrow();
  });

  test('the checker itself catches what sipp would refuse', () => {
    expect(() => checkWellFormed('<a><b></a>')).toThrow(/mismatched/);
    expect(() => checkWellFormed('<a x="1 & 2"/>')).toThrow(/malformed tag/);
    expect(() => checkWellFormed('<a>R&D</a>')).toThrow(/bare &/);
  });

  test.each(['caller.xml', 'caller-load.xml'])(
    '%s answers the digest challenge and offers WebRTC-shaped SDP',
    async (name) => {
      const xml = await read(name);
      expect(xml).toMatch(/<recv response="401" auth="true">/);
      expect(xml).toMatch(/CSeq: 2 INVITE\s+Contact: [^\n]+\s+\[authentication\]/);
      // The ACK to the 401 shares the first INVITE's branch (message 0; the ACK is message 3).
      expect(xml).toMatch(/branch=\[branch-3\][\s\S]*CSeq: 1 ACK/);
      const offers = sdps(xml);
      expect(offers).toHaveLength(2);
      for (const sdp of offers) {
        const shape = sdpShape(sdp);
        expect(shape.protocol).toBe('UDP/TLS/RTP/SAVPF');
        expect(shape.fingerprint?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        expect(shape.iceUfrag).toBeDefined();
        expect(shape.icePwd!.length).toBeGreaterThanOrEqual(22);
        expect(shape.rtcpMux).toBe(true);
        expect(shape.setup).toBe('actpass');
        expect(shape.bundle).toEqual([shape.mid]);
      }
    },
  );

  test('callee.xml registers with digest and un-registers with a fresh challenge', async () => {
    const xml = await read('callee.xml');
    expect(xml.match(/<recv response="401" auth="true">/g)).toHaveLength(2);
    expect(xml.match(/\[authentication\]/g)).toHaveLength(2);
    expect(xml).toMatch(/Expires: 0/);
  });

  test('callee-answer.xml answers with WebRTC-shaped SDP, active, echoing the offer’s mid', async () => {
    const [answer] = sdps(await read('callee-answer.xml'));
    const shape = sdpShape(answer!);
    expect(shape).toMatchObject({ protocol: 'UDP/TLS/RTP/SAVPF', setup: 'active', rtcpMux: true, mid: 'audio' });
    expect(shape.bundle).toEqual(['audio']);
    expect(shape.payloadTypes).toEqual([0]);
    expect(shape.fingerprint?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });
});

const gate = realPartSuite('sipp: scenarios');

function sipp(cwd: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sipp', [...args, '-i', '127.0.0.1', '-bind_local', '-nostdin', '-trace_err'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(killer);
      resolve({ status, output });
    });
  });
}

async function runCall(policy: Policy) {
  const pbx = await startScriptedPbx({
    udp: true,
    policy,
    accounts: {
      '1002': { secret: 'caller secret', presentation: { name: '张三丰', status: 'verified', num: '1002' } },
      '1006': { secret: 'callee secret' },
    },
  });
  const cwd = await mkdtemp(join(tmpdir(), 'realcall-sipp-'));
  try {
    const target = `127.0.0.1:${pbx.udpPort}`;
    const callee = sipp(cwd, [
      target,
      '-sf',
      join(DIR, 'callee.xml'),
      '-oocsf',
      join(DIR, 'callee-answer.xml'),
      '-s',
      '1006',
      '-ap',
      'callee secret',
      '-m',
      '1',
      '-d',
      '1500',
      '-trace_logs',
    ]);
    await pbx.waitForRegistration('1006', 5000);
    const qualified = await pbx.qualify('1006');
    const caller = [
      '-s',
      '1006',
      '-au',
      '1002',
      '-ap',
      'caller secret',
      '-key',
      'caller',
      '1002',
      '-recv_timeout',
      '3000',
    ];
    const basic = await sipp(cwd, [target, '-sf', join(DIR, 'caller.xml'), ...caller, '-m', '1', '-d', '50']);
    const load = await sipp(cwd, [
      target,
      '-sf',
      join(DIR, 'caller-load.xml'),
      ...caller,
      '-m',
      '4',
      '-r',
      '20',
      '-d',
      '0',
    ]);
    const calleeRun = await callee;
    const invites = pbx.received.filter((m) => m.method === 'INVITE');
    return { pbx, qualified, basic, load, callee: calleeRun, invites, stillRegistered: pbx.isRegistered('1006') };
  } finally {
    await pbx.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

describe.skipIf(gate.skip)('sipp against the scripted PBX (UDP, 127.0.0.1)', () => {
  test.concurrent('callee registers and answers; caller and load caller authenticate and complete', async () => {
    const run = await runCall(safePolicy);
    expect(run.qualified).toBe(200);
    expect(run.basic.status, run.basic.output).toBe(0);
    expect(run.load.status, run.load.output).toBe(0);
    expect(run.load.output).toMatch(/Response Time ringing/);
    expect(run.callee.status, run.callee.output).toBe(0);
    // Five calls, each challenged once and then sent with credentials; the callee unregistered at the end.
    expect(run.invites.filter((m) => m.headers.authorization)).toHaveLength(5);
    expect(run.invites.filter((m) => !m.headers.authorization)).toHaveLength(5);
    expect(run.stillRegistered).toBe(false);
  });

  test.concurrent('a PBX that sends no X-RealCall-Name-Status makes the caller’s run fail', async () => {
    const withoutStatus: Policy = (ctx) => {
      const decision = safePolicy(ctx);
      return 'relay' in decision ? { relay: { ...decision.relay, extraHeaders: [] } } : decision;
    };
    const run = await runCall(withoutStatus);
    expect(run.basic.status).toBe(1);
    expect(run.load.status).toBe(1);
    expect(run.callee.status).toBe(0);
  });
});
