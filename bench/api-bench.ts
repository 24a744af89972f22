/**
 * The API under load: the caller-name lookup and the realtime lookups
 * (res_config_curl's `single`, as on every uncached REGISTER and call)
 * against a trivial route on the same server, with few and with many
 * people. The server runs in its own process pinned to one core; autocannon
 * drives it from the other.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { freeTcpPort } from '../asterisk/tests/stack';
import { peopleDatabase } from './fixtures';
import { ms, ratio, table, type Section } from './report';

type Result = { rps: number; p50: number; p99: number; errors: number; non2xx: number };

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

async function startServer(
  dbPath: string,
  keyHex: string,
  secret: string,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freeTcpPort();
  // One process (node with tsx's loader): its pid is the server's, for pinning, memory and SIGTERM.
  const args = [process.execPath, '--import', 'tsx', 'bench/api-server.ts', dbPath, keyHex, secret, String(port)];
  // One core for the server, the other for the load generator.
  const child = hasTaskset
    ? spawn('taskset', ['-c', '1', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start')), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function load(
  url: string,
  secret: string,
  request: () => { path: string; method?: string; body?: string },
  seconds: number,
): Promise<Result> {
  const result = await autocannon({
    url,
    connections: 10,
    duration: seconds,
    headers: { 'x-realcall-secret': secret, 'content-type': 'application/x-www-form-urlencoded' },
    requests: [
      {
        setupRequest: (req) => {
          const r = request();
          return {
            ...req,
            path: r.path,
            method: (r.method ?? 'GET') as 'GET' | 'POST',
            ...(r.body ? { body: r.body } : {}),
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export async function runApiBench(quick: boolean): Promise<Section> {
  const sizes = quick ? [1000, 100_000] : [1000, 1_000_000];
  const seconds = quick ? 3 : 6;
  const lines: string[] = [];
  lines.push(
    `autocannon, 10 connections, ${seconds} s per route; server ${hasTaskset ? 'pinned to one core (taskset -c 1)' : 'not pinned (no taskset)'}.`,
    '',
  );
  const rows: (string | number)[][] = [];
  const memory: (string | number)[][] = [];
  for (const people of sizes) {
    const fixture = peopleDatabase(people, (l) => console.error(l));
    const secret = randomBytes(24).toString('base64url');
    const { child, url } = await startServer(fixture.dbPath, fixture.secretKeyHex, secret);
    const ext = () => String(1001 + Math.floor(Math.random() * people));
    const routes: [string, () => { path: string; method?: string; body?: string }][] = [
      ['trivial (GET /internal/health)', () => ({ path: '/internal/health' })],
      ['caller-name lookup', () => ({ path: `/internal/asterisk/caller-name?caller=${ext()}&callee=${ext()}` })],
      [
        'realtime ps_endpoints/single',
        () => ({ path: '/internal/asterisk/realtime/ps_endpoints/single', method: 'POST', body: `id=${ext()}` }),
      ],
      [
        'realtime ps_auths/single',
        () => ({ path: '/internal/asterisk/realtime/ps_auths/single', method: 'POST', body: `id=${ext()}` }),
      ],
      [
        'realtime ps_aors/single',
        () => ({ path: '/internal/asterisk/realtime/ps_aors/single', method: 'POST', body: `id=${ext()}` }),
      ],
    ];
    // Warm up (JIT, page cache), then measure; the trivial route is measured first and last and averaged.
    await load(url, secret, routes[1]![1], 2);
    const measured: Result[] = [];
    for (const [, req] of routes) measured.push(await load(url, secret, req, seconds));
    const trivialAgain = await load(url, secret, routes[0]![1], seconds);
    const baseline = (measured[0]!.rps + trivialAgain.rps) / 2;
    routes.forEach(([name], i) => {
      const r = measured[i]!;
      rows.push([
        `${people.toLocaleString('en')} people: ${name}`,
        Math.round(r.rps),
        ms(r.p50),
        ms(r.p99),
        i === 0 ? '1.00×' : ratio(r.rps, baseline),
        r.errors + r.non2xx,
      ]);
    });
    memory.push([`${people.toLocaleString('en')} people`, rssMiB(child.pid!).toFixed(0)]);
    child.kill('SIGTERM');
  }
  lines.push(...table(['route', 'req/s', 'p50 ms', 'p99 ms', 'vs trivial', 'errors'], rows));
  lines.push('', 'Resident memory of the API process after the runs:', '');
  lines.push(...table(['database', 'RSS MiB'], memory));
  return { title: 'API: caller-name and realtime lookups', lines };
}
