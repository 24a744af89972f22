/**
 * What the API tells an operator's Prometheus (`GET /internal/metrics`):
 *
 * - `realcall_http_requests_total{listener,route,method,status}`: every
 *   answered request, by the route *pattern* it matched
 *   (`/api/people/:extension`), `unmatched` when it matched none;
 * - `realcall_caller_name_lookup_seconds` and
 *   `realcall_realtime_lookup_seconds{family,kind}`: the per-call and
 *   per-REGISTER lookups, the handler's own work only (no HTTP);
 * - `realcall_ami_outbox_rows` and `realcall_ami_outbox_oldest_seconds`: what
 *   the PBX has not been told yet, read at scrape time;
 * - `realcall_event_loop_delay_seconds`: how late the event loop ran a 10 ms
 *   timer, p50, p99 and the maximum (`quantile="1"`) over the time since the
 *   previous scrape (the window is reset by each scrape; the first scrape
 *   starts the measurement and reports NaN); `_sum` and `_count` run on;
 * - `process_resident_memory_bytes`, `process_open_fds`,
 *   `nodejs_heap_used_bytes`, `realcall_sqlite_wal_bytes`.
 */
import { readdirSync, statSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { resolve } from 'node:path';
import type { Db } from '../../../db/open';
import { outboxBacklog } from './ami';
import { Registry, type HistogramSeries } from './prometheus';
import { REALTIME_FAMILIES, type RealtimeFamily } from './realtime';

export type Listener = 'public' | 'internal';

/** The route label of a request that matched no route: one value, however many paths are tried. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Any other method is counted as `OTHER`, so the method label stays bounded too. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Lookups take ~10 µs (docs/performance.md): buckets from 5 µs to 50 ms. */
const LOOKUP_BUCKETS = [5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 5e-2];

/** The event-loop monitor's timer: every sample is this interval plus how late the loop was. */
const LOOP_RESOLUTION_MS = 10;

export type RealtimeKind = 'single' | 'multi';

export type Metrics = {
  /** Counts one answered request; `route` must be a pattern from the route table (or UNMATCHED_ROUTE). */
  request(listener: Listener, route: string, method: string, status: number): void;
  /** Seconds spent finding a caller's presentation (routes/asterisk.ts). */
  callerNameLookup: HistogramSeries;
  /** Seconds spent finding realtime rows, by kind and family. */
  realtimeLookup: Record<RealtimeKind, Record<RealtimeFamily, HistogramSeries>>;
  /** The exposition text; reads the outbox, the process and the database file. */
  render(): string;
};

/** The API's metrics over `db` (its file at `dbPath`, for the WAL size). */
export function createMetrics(db: Db, dbPath: string): Metrics {
  const registry = new Registry();
  const requests = registry.counter('realcall_http_requests_total', 'HTTP requests answered, by route pattern.', [
    'listener',
    'route',
    'method',
    'status',
  ]);
  const callerName = registry.histogram(
    'realcall_caller_name_lookup_seconds',
    'Time to find the name a callee sees (the per-call lookup), without HTTP.',
    LOOKUP_BUCKETS,
  );
  const realtime = registry.histogram(
    'realcall_realtime_lookup_seconds',
    'Time to find the PJSIP realtime rows Asterisk asked for, without HTTP.',
    LOOKUP_BUCKETS,
    ['family', 'kind'],
  );
  const realtimeSeries = (kind: RealtimeKind) =>
    Object.fromEntries(REALTIME_FAMILIES.map((f) => [f, realtime.series([f, kind])])) as Record<
      RealtimeFamily,
      HistogramSeries
    >;
  const realtimeLookup = { single: realtimeSeries('single'), multi: realtimeSeries('multi') };

  const outboxRows = registry.gauge(
    'realcall_ami_outbox_rows',
    'Changes the PBX has not been told yet (due now or backing off).',
  );
  const outboxOldest = registry.gauge(
    'realcall_ami_outbox_oldest_seconds',
    'How long the oldest change not yet told to the PBX has waited; 0 when none.',
  );
  const loopDelay = registry.summary(
    'realcall_event_loop_delay_seconds',
    'How late the event loop ran a timer since the previous scrape (quantile 1 is the maximum).',
  );
  const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory of the API process.');
  const fds = registry.gauge('process_open_fds', 'Open file descriptors of the API process.');
  const heap = registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use.');
  const wal = registry.gauge('realcall_sqlite_wal_bytes', "Size of the database's write-ahead log; 0 when absent.");

  const walFile = dbPath === ':memory:' ? undefined : `${resolve(dbPath)}-wal`;
  const loop = eventLoopWindow();
  registry.collect(() => {
    const backlog = outboxBacklog(db);
    outboxRows.set(backlog.rows);
    outboxOldest.set(backlog.oldestSeconds);
    const window = loop.take();
    loopDelay.set(window.quantiles, window.sum, window.count);
    const memory = process.memoryUsage();
    rss.set(memory.rss);
    heap.set(memory.heapUsed);
    fds.set(openFds());
    wal.set(walFile ? (statSync(walFile, { throwIfNoEntry: false })?.size ?? 0) : 0);
  });

  return {
    request(listener, route, method, status) {
      requests.inc([listener, route, METHODS.has(method) ? method : 'OTHER', String(status)]);
    },
    callerNameLookup: callerName.series(),
    realtimeLookup,
    render: () => registry.render(),
  };
}

/** Open descriptors, from /proc (Linux); NaN where there is none. The listing's own descriptor is not counted. */
function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return Number.NaN;
  }
}

/**
 * Event-loop lateness per scrape window. The monitor starts at the first
 * scrape (an app that is never scraped runs no timer); each `take()` reads
 * the window and starts the next.
 */
function eventLoopWindow() {
  let monitor: IntervalHistogram | undefined;
  let sum = 0;
  let count = 0;
  const resolutionNs = LOOP_RESOLUTION_MS * 1e6;
  const late = (ns: number) => Math.max(0, ns - resolutionNs) / 1e9;
  return {
    take(): { quantiles: [number, number][]; sum: number; count: number } {
      if (!monitor) {
        monitor = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
        monitor.enable();
      }
      const n = monitor.count;
      const quantiles: [number, number][] =
        n === 0
          ? [
              [0.5, Number.NaN],
              [0.99, Number.NaN],
              [1, Number.NaN],
            ]
          : [
              [0.5, late(monitor.percentile(50))],
              [0.99, late(monitor.percentile(99))],
              [1, late(monitor.max)],
            ];
      if (n > 0) {
        sum += late(monitor.mean) * n;
        count += n;
      }
      monitor.reset();
      return { quantiles, sum, count };
    },
  };
}
