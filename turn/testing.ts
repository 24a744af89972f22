/**
 * A real coturn for tests, rendered by turn/turn.mjs exactly as `npm run
 * turn` renders it, on the addresses and ports a test gives. Started and
 * stopped by the test; ready once it answers an Allocate.
 */
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TurnClient } from '../tests/support/turn-client';
import { findTurnserver, renderTurnConfig, startTurnserver, turnSettings } from './turn.mjs';

export type Relay = {
  host: string;
  port: number;
  secret: string;
  stop: () => Promise<void>;
  log: () => string;
};

export async function startRelay(env: Record<string, string>): Promise<Relay> {
  const bin = findTurnserver(process.env);
  if (!bin) throw new Error('no turnserver');
  const dir = mkdtempSync(join(tmpdir(), 'realcall-turn-'));
  const settings = turnSettings({ NODE_ENV: 'test', ...env }, dir);
  const child: ChildProcess = startTurnserver(bin, renderTurnConfig(settings), ['ignore', 'pipe', 'pipe']);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const host = settings.listenIps[0] ?? '127.0.0.1';
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`turnserver exited at start:\n${output}`);
    const probe = await TurnClient.open(host, settings.port, 'udp');
    try {
      // An unauthenticated Allocate: a running relay answers 401 with its realm.
      if ((await probe.allocate('probe', 'probe')).first.error === 401) break;
    } catch {
      // not up yet
    } finally {
      probe.close();
    }
    if (Date.now() > deadline) throw new Error(`turnserver did not answer in 10 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    port: settings.port,
    secret: settings.secret,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
