/**
 * The API under load: the caller-name lookup and the realtime lookups
 * (res_config_curl's `single`, as on every uncached REGISTER and call)
 * against a trivial route on the same server, with few and with many
 * people. The server runs in its own process pinned to one core; autocannon
 * drives it from the other. Three figures per route:
 * - throughput at saturation (autocannon, 10 connections) and its ratio to
 *   the trivial route's;
 * - the server's own CPU time per request (from /proc, so the load
 *   generator's limits do not enter it) and the capacity of one core it
 *   implies;
 * - latency without queueing: requests one after another on one keep-alive
 *   connection, timed with hrtime (autocannon only resolves whole ms).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { freeTcpPort } from '../api/src/testing';
import { peopleDatabase } from './fixtures';
import { ms, ratio, table, type Section } from './report';

type Req = { path: string; method?: string; body?: string };
type Result = { rps: number; p99: number; errors: number; cpuUs: number; seqP50: number; seqP99: number };

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;

async function startServer(
  dbPath: string,
  keyHex: string,
  secret: string,
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freeTcpPort();
  // One process (node with tsx's loader): its pid is the server's, for pinning, CPU time and memory.
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
  return { child, port };
}

/** The server's user + system CPU time so far, in µs. */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1e6;
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** Requests one after another on one keep-alive connection; latencies in ms. */
async function sequential(port: number, secret: string, next: () => Req, count: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = next();
    const started = process.hrtime.bigint();
    await new Promise<void>((resolveDone, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: r.path,
          method: r.method ?? 'GET',
          agent,
          headers: {
            'x-realcall-secret': secret,
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(r.body ?? ''),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolveDone());
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
    out.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  agent.destroy();
  return out.sort((a, b) => a - b);
}

async function measure(
  pid: number,
  port: number,
  secret: string,
  next: () => Req,
  seconds: number,
  quick: boolean,
): Promise<Result> {
  const cpuBefore = cpuUs(pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 10,
    duration: seconds,
    headers: { 'x-realcall-secret': secret, 'content-type': 'application/x-www-form-urlencoded' },
    requests: [
      {
        setupRequest: (req) => {
          const r = next();
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
  const cpu = (cpuUs(pid) - cpuBefore) / Math.max(1, result.requests.total);
  const seq = await sequential(port, secret, next, quick ? 1000 : 3000);
  const pick = (p: number) => seq[Math.min(seq.length - 1, Math.floor((p / 100) * seq.length))]!;
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuUs: cpu,
    seqP50: pick(50),
    seqP99: pick(99),
  };
}

export async function runApiBench(quick: boolean): Promise<Section> {
  const sizes = quick ? [1000, 100_000] : [1000, 1_000_000];
  const seconds = quick ? 3 : 6;
  const lines: string[] = [];
  lines.push(
    `autocannon, 10 connections, ${seconds} s per route; server ${hasTaskset ? 'pinned to one core (taskset -c 1)' : 'not pinned (no taskset)'}.`,
    "CPU/req: the server process's user+system time over the run divided by the requests it answered; capacity = 1 s / CPU/req (one core).",
    'Sequential: one keep-alive connection, one request at a time, hrtime — latency without queueing.',
    '',
  );
  const rows: (string | number)[][] = [];
  const memory: (string | number)[][] = [];
  for (const people of sizes) {
    const fixture = peopleDatabase(people, (l) => console.error(l));
    const secret = randomBytes(24).toString('base64url');
    const { child, port } = await startServer(fixture.dbPath, fixture.secretKeyHex, secret);
    const pid = child.pid!;
    const idleRss = rssMiB(pid);
    const ext = () => String(1001 + Math.floor(Math.random() * people));
    const routes: [string, () => Req][] = [
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
    await measure(pid, port, secret, routes[1]![1], 2, true);
    const measured: Result[] = [];
    for (const [, req] of routes) measured.push(await measure(pid, port, secret, req, seconds, quick));
    const again = await measure(pid, port, secret, routes[0]![1], seconds, quick);
    const base = { rps: (measured[0]!.rps + again.rps) / 2, cpuUs: (measured[0]!.cpuUs + again.cpuUs) / 2 };
    routes.forEach(([name], i) => {
      const r = measured[i]!;
      rows.push([
        `${people.toLocaleString('en')}: ${name}`,
        Math.round(r.rps),
        i === 0 ? '1.00×' : ratio(r.rps, base.rps),
        r.cpuUs.toFixed(1),
        Math.round(1e6 / r.cpuUs),
        i === 0 ? '1.00×' : ratio(base.cpuUs, r.cpuUs),
        ms(r.seqP50),
        ms(r.seqP99),
        r.p99,
        r.errors,
      ]);
    });
    memory.push([`${people.toLocaleString('en')} people`, idleRss.toFixed(0), rssMiB(pid).toFixed(0)]);
    child.kill('SIGTERM');
  }
  lines.push(
    ...table(
      [
        'people: route',
        'req/s',
        'vs trivial',
        'CPU µs/req',
        'capacity req/s',
        'vs trivial',
        'seq p50 ms',
        'seq p99 ms',
        'loaded p99 ms',
        'errors',
      ],
      rows,
    ),
  );
  lines.push('', 'Resident memory of the API process (before the runs, and after them):', '');
  lines.push(...table(['database', 'RSS idle MiB', 'RSS after load MiB'], memory));
  return { title: 'API: caller-name and realtime lookups', lines };
}
