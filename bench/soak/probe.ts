/**
 * What the soak reads every few seconds: a process's memory, descriptors and
 * threads from /proc; Asterisk's channels, contacts and task processor
 * queues from its CLI; the API's event-loop delay from its metrics; the
 * size of SQLite's write-ahead log.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';

export type ProcessReading = { rssMb: number; fds: number; threads: number };

/** RSS (MB), open descriptors and threads of `pid`, from /proc. */
export function readProcess(pid: number): ProcessReading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return {
    rssMb: field('VmRSS') / 1024,
    fds: readdirSync(`/proc/${pid}/fd`).length,
    threads: field('Threads'),
  };
}

/** `core show channels count`: the active channels. */
export function channelCount(output: string): number {
  return Number(/(\d+) active channels?/.exec(output)?.[1] ?? NaN);
}

/** `pjsip show contacts`: the number of contacts (its summary line, "Objects found: N"). */
export function contactCount(output: string): number {
  const found = /Objects found:\s*(\d+)/.exec(output);
  if (found) return Number(found[1]);
  return /No objects found/.test(output) ? 0 : NaN;
}

/**
 * `core show taskprocessors`: the deepest queue now and the most queued in
 * all (columns: name, processed, in queue, max depth, low water, high water).
 */
export function taskQueues(output: string): { deepest: number; queued: number } {
  let deepest = 0;
  let queued = 0;
  for (const line of output.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 6 || !/^\d+$/.test(cols[1] ?? '') || !/^\d+$/.test(cols[2] ?? '')) continue;
    const inQueue = Number(cols[2]);
    deepest = Math.max(deepest, inQueue);
    queued += inQueue;
  }
  return { deepest, queued };
}

/** The size of a SQLite database's -wal file in MB (0 when there is none). */
export function walMb(dbPath: string): number {
  try {
    return statSync(`${dbPath}-wal`).size / (1024 * 1024);
  } catch {
    return 0;
  }
}

/** One sample of a Prometheus text exposition: the first series named `name` whose labels include `labels`. */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) return Number(m[3]);
  }
  return undefined;
}
