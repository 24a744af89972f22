/**
 * Load runs: many registrations, or many calls, a bounded number at a time,
 * reported as set-up time percentiles and grouped failures.
 *
 * Calls go pairwise (accounts[0] → accounts[1], [2] → [3], …) with the
 * callee agents in this process. Each pair carries one call at a time, so
 * the INVITE a callee receives is known to be the one its caller just sent
 * (the PBX replaces Call-ID and From, so nothing else ties them together);
 * concurrency is therefore at most the number of pairs.
 */
import type { SipAccount } from './account';
import { startAgent, type Agent } from './agent';
import { connect, type Connection } from './connection';
import { placeCallOn } from './place-call';
import { register } from './register';
import { now } from './time';

export type Percentiles = { count: number; p50: number; p90: number; p99: number; max: number };

/** Nearest-rank percentiles; undefined for no values. */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { count: sorted.length, p50: rank(50), p90: rank(90), p99: rank(99), max: sorted[sorted.length - 1]! };
}

export const LOAD_KINDS = ['register', 'call'] as const;
export type LoadKind = (typeof LOAD_KINDS)[number];

/** What each timing measures, for people reading a report. */
export const TIMING_LABELS = {
  connect: 'WebSocket connect',
  register: 'REGISTER → 200 (challenge included)',
  inviteToCallee: 'INVITE sent → INVITE at callee',
  inviteToRinging: 'INVITE sent → 180 at caller',
  inviteToAnswered: 'INVITE sent → 200 at caller',
} as const;
export type TimingName = keyof typeof TIMING_LABELS;

export type LoadOptions = {
  count: number;
  concurrency: number;
  /** Bounds each registration or call. */
  timeoutMs: number;
  /** Calls only: time in the call before BYE; 0 by default. */
  hangupAfterMs?: number;
  log?: (line: string) => void;
};

export type LoadResult = {
  kind: LoadKind;
  count: number;
  /** The concurrency actually used (calls: at most the number of pairs). */
  concurrency: number;
  succeeded: number;
  /** Failed attempts grouped by reason, most frequent first. */
  failures: { reason: string; count: number }[];
  wallMs: number;
  /** Milliseconds, over the successful attempts only. */
  timings: Partial<Record<TimingName, Percentiles>>;
};

/** Runs `task(index, worker)` for index 0…count−1 with `workers` running at once. */
async function pool(count: number, workers: number, task: (index: number, worker: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (next < count) await task(next++, worker);
    }),
  );
}

function summarize(
  kind: LoadKind,
  count: number,
  concurrency: number,
  started: number,
  samples: Partial<Record<TimingName, number[]>>,
  failed: string[],
  succeeded: number,
): LoadResult {
  const byReason = new Map<string, number>();
  for (const reason of failed) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  const timings: LoadResult['timings'] = {};
  for (const [name, values] of Object.entries(samples) as [TimingName, number[]][]) {
    const p = percentiles(values);
    if (p) timings[name] = p;
  }
  return {
    kind,
    count,
    concurrency,
    succeeded,
    failures: [...byReason].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => b.count - a.count),
    wallMs: now() - started,
    timings,
  };
}

/**
 * `register`: `count` registrations (each its own connection, REGISTER,
 * unregister), accounts used round-robin. `call`: `count` calls over the
 * account pairs, each answered by an in-process agent. Rejects only when a
 * call run cannot start (fewer than two accounts, a callee that cannot
 * register, a caller that cannot connect).
 */
export async function runLoad(kind: LoadKind, accounts: SipAccount[], options: LoadOptions): Promise<LoadResult> {
  if (accounts.length === 0) throw new Error('no accounts to load with');
  const started = now();
  const failed: string[] = [];
  let succeeded = 0;

  if (kind === 'register') {
    const samples = { connect: [] as number[], register: [] as number[] };
    const concurrency = Math.max(1, Math.min(options.concurrency, options.count));
    await pool(options.count, concurrency, async (index) => {
      const result = await register(accounts[index % accounts.length]!, { timeoutMs: options.timeoutMs });
      if (!result.ok) {
        failed.push(result.statusCode ? `${result.statusCode} ${result.reason ?? ''}`.trim() : (result.reason ?? '?'));
        return;
      }
      succeeded += 1;
      samples.register.push(result.ms);
      if (result.connectMs !== undefined) samples.connect.push(result.connectMs);
    });
    return summarize(kind, options.count, concurrency, started, samples, failed, succeeded);
  }

  const pairs: { caller: SipAccount; callee: SipAccount }[] = [];
  for (let i = 0; i + 1 < accounts.length; i += 2) pairs.push({ caller: accounts[i]!, callee: accounts[i + 1]! });
  if (pairs.length === 0) throw new Error('load call needs at least two accounts (a caller and a callee)');
  const concurrency = Math.max(1, Math.min(options.concurrency, pairs.length, options.count));
  const used = pairs.slice(0, concurrency);
  const agents: Agent[] = [];
  const callers: Connection[] = [];
  const samples = { inviteToCallee: [] as number[], inviteToRinging: [] as number[], inviteToAnswered: [] as number[] };
  try {
    for (const pair of used) {
      // The caller hangs up; the agent's own hang-up is only a backstop.
      agents.push(await startAgent(pair.callee, { answer: 'accept', holdMs: options.timeoutMs, log: options.log }));
      callers.push(await connect(pair.caller, { timeoutMs: options.timeoutMs, log: options.log }));
    }
    await pool(options.count, concurrency, async (_, worker) => {
      const agent = agents[worker]!;
      const before = agent.calls.length;
      const result = await placeCallOn(callers[worker]!, used[worker]!.callee.user, {
        timeoutMs: options.timeoutMs,
        hangupAfterMs: options.hangupAfterMs ?? 0,
      });
      if (result.outcome !== 'answered') {
        failed.push(
          [result.outcome, result.statusCode, result.outcome === 'rejected' ? result.reason : undefined]
            .filter((part) => part !== undefined)
            .join(' '),
        );
        return;
      }
      const seen = agent.calls[before];
      if (!seen) {
        failed.push('answered, but not by the tool’s callee');
        return;
      }
      succeeded += 1;
      samples.inviteToCallee.push(seen.receivedAt - result.inviteSentAt);
      if (result.ringingAt !== undefined) samples.inviteToRinging.push(result.ringingAt - result.inviteSentAt);
      if (result.answeredAt !== undefined) samples.inviteToAnswered.push(result.answeredAt - result.inviteSentAt);
    });
  } finally {
    await Promise.all([...agents.map((a) => a.stop()), ...callers.map((c) => c.close())]);
  }
  return summarize(kind, options.count, concurrency, started, samples, failed, succeeded);
}
