/**
 * The soak's load on a running stack (asterisk/tests/stack.ts), the way
 * people and admins use RealCall:
 * - people registered over WebSocket with the SIP tool's agents, each
 *   refreshing at its real expiry, answering (and talking) or declining;
 * - a churn of new sign-ins through the real API (an agent leaves, its
 *   person signs in again and registers anew);
 * - calls between them at a set rate, each with the PBX's name lookup;
 * - admin changes that hit the hot paths, each expiring the PBX's cache over
 *   AMI: privacy changes, approvals, revocations, SIP secret rotations, and
 *   disables whose effect at the PBX is timed;
 * - sipp registering one person over UDP at a raw rate alongside.
 * Every failure is counted by kind; nothing here judges, run.ts does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import type { Stack } from '../../asterisk/tests/stack';
import { accountFromApi, startAgent, type Agent, type SipAccount } from '../../asterisk/sip-tool/src';
import { connect, type Connection, type WireListener } from '../../asterisk/sip-tool/src/connection';
import { placeCallOn } from '../../asterisk/sip-tool/src/place-call';
import { register, registerConnection } from '../../asterisk/sip-tool/src/register';
import { openSession } from '../../api/src/services/people';
import { makeAdmin } from '../../api/src/testing';
import { deriveKeys, hashPassword, seal, sipSecretOwner } from '../../api/src/services/secrets';
import { sipAccounts, users } from '../../db/schema';

export type LoadPlan = {
  /** People registered over WebSocket (agents). */
  people: number;
  /** Their registrations' expiry: each refreshes shortly before it. */
  expiresSeconds: number;
  callsPerSecond: number;
  adminChangesPerSecond: number;
  /** Agents replaced by a fresh sign-in, per minute. */
  churnPerMinute: number;
  /** sipp's REGISTERs per second over UDP (0: no sipp). */
  sippPerSecond: number;
  /**
   * People coming online per second at the start. Each person's first
   * contact makes Asterisk fetch every endpoint (see docs/operations.md,
   * "Memory over hours"), so a start faster than this is a storm.
   */
  joinPerSecond: number;
};

export type Failures = Record<string, number>;

export type LoadStats = {
  registrations: { ok: number; failed: number };
  calls: { answered: number; declined: number; failed: number };
  adminChanges: Record<string, number>;
  /** Admin's answer to a disable → the PBX refusing that person's REGISTER, ms. */
  revocationsMs: number[];
  signIns: number;
  sipp: { ok: number; failed: number };
  failures: Failures;
};

const PASSWORD = 'correct horse battery staple';
const SIPP_DIR = join(import.meta.dirname, '..', '..', 'asterisk', 'sipp');

type Person = { id: number; extension: string; login: string; cookie: string; account: SipAccount };

export class SoakLoad {
  readonly stats: LoadStats = {
    registrations: { ok: 0, failed: 0 },
    calls: { answered: 0, declined: 0, failed: 0 },
    adminChanges: {},
    revocationsMs: [],
    signIns: 0,
    sipp: { ok: 0, failed: 0 },
    failures: {},
  };
  private agents: (Agent | undefined)[] = [];
  private callees: Person[] = [];
  private callers: { person: Person; connection: Connection; busy: boolean }[] = [];
  /** People whose verification and SIP secret admins change (never registered). */
  private targets: Person[] = [];
  /** People admins disable and enable again, one at a time. */
  private victims: Person[] = [];
  private admin!: Person;
  private timers: NodeJS.Timeout[] = [];
  private sipp: ChildProcess | undefined;
  private sippStats = '';
  private running = new Set<Promise<unknown>>();
  private stopped = false;
  private n = 0;

  constructor(
    private readonly stack: Stack,
    private readonly plan: LoadPlan,
    private readonly log: (line: string) => void,
  ) {}

  fail(kind: string): void {
    this.stats.failures[kind] = (this.stats.failures[kind] ?? 0) + 1;
    // The first few of each kind, with the time, to line up with the PBX's log.
    if (this.stats.failures[kind] <= 3) this.log(`  ! ${new Date().toISOString()} ${kind}`);
  }

  /** Creates everyone (straight into the database: the API's sign-in limits are per address), registers the agents. */
  async prepare(): Promise<void> {
    const { db, config } = this.stack.api;
    const keys = deriveKeys(config.secretKey);
    const hash = await hashPassword(PASSWORD, config.scryptLogN);
    const already = db.select({ n: count() }).from(users).get()?.n ?? 0;
    const make = (label: string, howMany: number): Person[] =>
      db.transaction((tx) =>
        Array.from({ length: howMany }, (_, i) => {
          const login = `${label}${already + i}@soak.test`;
          const { id } = tx
            .insert(users)
            .values({
              login,
              loginKind: 'email',
              loginProvenAt: new Date(),
              passwordHash: hash,
              nickname: `${label} ${i}`,
            })
            .returning({ id: users.id })
            .get();
          const extension = String(1000 + id);
          const secret = `soak-${id}-${Math.random().toString(36).slice(2)}`;
          tx.insert(sipAccounts)
            .values({ userId: id, extension, secretSealed: seal(keys, secret, sipSecretOwner(id)) })
            .run();
          return {
            id,
            extension,
            login,
            cookie: '',
            account: { wsUrl: this.stack.ws, domain: config.sip.domain, user: extension, secret },
          };
        }),
      );
    const withSession = (p: Person): Person => ({ ...p, cookie: `rc_session=${openSession(db, p.id).token}` });
    this.admin = withSession(make('admin', 1)[0]!);
    makeAdmin(db, this.admin.id);
    this.callees = make('person', this.plan.people).map(withSession);
    this.targets = make('target', 40).map(withSession);
    this.victims = make('victim', 4);
    // A call takes up to ~5 s (setup, 1–4 s of talk, BYE): enough callers for that many at the planned rate.
    const callers = make('caller', Math.ceil(this.plan.callsPerSecond * 6) + 2);
    // Callers are registered, as every signed-in browser is: Asterisk closes an unregistered
    // WebSocket after some 30 s of silence (PJSIP's idle transport timer), which a softphone never sees.
    for (const person of callers) {
      const connection = await connect(person.account, {
        timeoutMs: 10_000,
        // Closing them at the end is not a failure.
        onDisconnect: (error) => {
          if (!this.stopped) this.fail(`caller's WebSocket closed: ${error?.message ?? 'no reason given'}`);
        },
      });
      connection.listen(this.registerTap());
      const { result } = await registerConnection(connection, 10_000, this.plan.expiresSeconds);
      if (!result.ok) throw new Error(`caller ${person.extension} could not register: ${result.reason ?? ''}`);
      this.callers.push({ person, connection, busy: false });
    }
    const started = Date.now();
    const queue = this.callees.map((_, i) => i);
    let retried = 0;
    // Everyone coming online at once is a storm Asterisk answers partly with 503 (its task processors
    // over their high water mark): people come online at the planned pace, and like a softphone
    // an agent refused tries again after a pause.
    let next = Date.now();
    const gap = 1000 / this.plan.joinPerSecond;
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const at = (next = Math.max(next + gap, Date.now()));
        await new Promise((r) => setTimeout(r, at - Date.now()));
        for (let attempt = 1; ; attempt++) {
          try {
            this.agents[i] = await this.startAgentFor(i);
            break;
          } catch (err) {
            if (attempt === 8) throw err;
            retried += 1;
            await new Promise((r) => setTimeout(r, 1000 * attempt));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    this.log(
      `registered ${this.plan.people} people over WebSocket in ${Date.now() - started} ms` +
        (retried ? ` (${retried} tried again after a refusal: ${JSON.stringify(this.stats.failures)})` : ''),
    );
    // The storm at the start is not the soak: count from here.
    this.stats.registrations = { ok: 0, failed: 0 };
    this.stats.failures = {};
  }

  /** Starts everything that runs until `stop()`. */
  start(): void {
    const every = (ms: number, what: () => Promise<unknown> | void) =>
      this.timers.push(setInterval(() => this.track(what), ms));
    if (this.plan.callsPerSecond > 0) every(1000 / this.plan.callsPerSecond, () => this.call());
    if (this.plan.adminChangesPerSecond > 0) every(1000 / this.plan.adminChangesPerSecond, () => this.adminChange());
    if (this.plan.churnPerMinute > 0) every(60_000 / this.plan.churnPerMinute, () => this.churn());
    if (this.plan.sippPerSecond > 0) this.startSipp();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.running]);
    if (this.sipp) {
      this.sipp.kill('SIGUSR1');
      await new Promise((r) => setTimeout(r, 1500));
      this.sipp.kill('SIGKILL');
      this.readSippStats();
    }
    const closing: Promise<unknown>[] = [
      ...this.agents.flatMap((a) => (a ? [a.stop()] : [])),
      ...this.callers.map((c) => c.connection.close()),
    ];
    await Promise.allSettled(closing);
  }

  private track(what: () => Promise<unknown> | void): void {
    if (this.stopped) return;
    const p = Promise.resolve()
      .then(what)
      .catch((err: unknown) => this.fail(`unexpected: ${err instanceof Error ? err.message : String(err)}`));
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  /**
   * A REGISTER's outcome from the wire: 200 counts; a challenge is normal,
   * and so is one that says the nonce went stale (sip.js reuses the last
   * one, and Asterisk's live 32 s); anything else, or a 401 to credentials
   * on a fresh nonce, fails.
   */
  private registerTap(): WireListener {
    const authorized = new Set<string>();
    return (direction, text) => {
      const cseq = /^CSeq:\s*(\d+)\s+REGISTER/im.exec(text)?.[1];
      if (!cseq) return;
      if (direction === 'sent') {
        if (/^Authorization:/im.test(text)) authorized.add(cseq);
        return;
      }
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0);
      if (status < 200) return;
      if (status === 200) this.stats.registrations.ok += 1;
      else if ((status === 401 || status === 407) && (!authorized.has(cseq) || /stale=("?)true\1/i.test(text))) return;
      else {
        this.stats.registrations.failed += 1;
        this.fail(`REGISTER ${status}`);
      }
      authorized.delete(cseq);
    };
  }

  /** Two in three answer and talk for a while; one in three declines (603). */
  private startAgentFor(i: number): Promise<Agent> {
    const person = this.callees[i]!;
    return startAgent(person.account, {
      ...(i % 3 === 2 ? { answer: 'reject' as const, rejectCode: 603 } : { answer: 'accept' as const }),
      holdMs: 60_000,
      expiresSeconds: this.plan.expiresSeconds,
      onWire: this.registerTap(),
      timeoutMs: 15_000,
    });
  }

  /** One call from an idle caller to a random registered person; what the callee's agent does decides the outcome expected. */
  private async call(): Promise<void> {
    const caller = this.callers.find((c) => !c.busy);
    if (!caller) return this.fail('no idle caller (calls take longer than planned)');
    const i = Math.floor(Math.random() * this.callees.length);
    if (!this.agents[i]) return; // being replaced by a fresh sign-in right now
    caller.busy = true;
    try {
      const declines = i % 3 === 2;
      const result = await placeCallOn(caller.connection, this.callees[i]!.extension, {
        timeoutMs: 15_000,
        // Talking for 1–4 s, then the caller hangs up.
        hangupAfterMs: 1000 + Math.floor(Math.random() * 3000),
      });
      if (!declines && result.outcome === 'answered') this.stats.calls.answered += 1;
      else if (declines && result.outcome === 'rejected' && result.statusCode === 603) this.stats.calls.declined += 1;
      else {
        this.stats.calls.failed += 1;
        this.fail(
          `call ${declines ? 'to a decliner' : ''} ${result.outcome} ${result.statusCode ?? ''} ${result.reason ?? ''}`,
        );
      }
    } finally {
      caller.busy = false;
    }
  }

  /** An agent leaves; its person signs in through the API again (password, session, SIP account) and registers. */
  private async churn(): Promise<void> {
    const i = Math.floor(Math.random() * this.callees.length);
    const agent = this.agents[i];
    if (!agent) return;
    this.agents[i] = undefined;
    await agent.stop();
    try {
      const { account } = await accountFromApi(this.stack.api.publicUrl, this.callees[i]!.login, PASSWORD);
      this.stats.signIns += 1;
      this.callees[i] = { ...this.callees[i]!, account };
    } catch (err) {
      this.fail(`sign-in: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      this.agents[i] = await this.startAgentFor(i);
    } catch (err) {
      this.fail(`re-register after sign-in: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async http(method: string, path: string, cookie: string, body?: unknown) {
    const res = await fetch(`${this.stack.api.publicUrl}${path}`, {
      method,
      headers: {
        origin: this.stack.api.publicUrl,
        cookie,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as { verification?: { id: number } }) : {} };
  }

  private async adminChange(): Promise<void> {
    const kinds = ['privacy', 'approve and revoke', 'rotate', 'privacy', 'disable'] as const;
    const kind = kinds[this.n++ % kinds.length]!;
    this.stats.adminChanges[kind] = (this.stats.adminChanges[kind] ?? 0) + 1;
    // Each kind goes round its own people: a SIP secret may be rotated 5 times in 10 minutes per person.
    const turn = this.stats.adminChanges[kind];
    const expect = (what: string, status: number, want: number) => {
      if (status !== want) this.fail(`${what}: ${status}`);
      return status === want;
    };
    if (kind === 'privacy') {
      const p = this.callees[Math.floor(Math.random() * this.callees.length)]!;
      const namePrivacy = ['full', 'masked', 'hidden'][this.n % 3];
      expect('privacy change', (await this.http('PUT', '/api/me/privacy', p.cookie, { namePrivacy })).status, 200);
    } else if (kind === 'approve and revoke') {
      const t = this.targets[turn % this.targets.length]!;
      const submitted = await this.http('POST', '/api/me/verification', t.cookie, {
        legalName: '张三丰',
        idNumber: `S${10_000_000 + this.n}`,
      });
      if (!expect('verification submitted', submitted.status, 201)) return;
      const id = submitted.body.verification?.id;
      const a = this.admin.cookie;
      if (!expect('approval', (await this.http('POST', `/api/admin/verifications/${id}/approve`, a, {})).status, 200))
        return;
      const revoked = await this.http('POST', `/api/admin/verifications/${id}/revoke`, a, { reason: 'soak' });
      expect('revocation', revoked.status, 200);
    } else if (kind === 'rotate') {
      const t = this.targets[turn % this.targets.length]!;
      expect('SIP secret rotation', (await this.http('POST', '/api/me/sip/rotate', t.cookie)).status, 200);
    } else {
      await this.disableAndTime();
    }
  }

  /** Disables a person, times how soon the PBX refuses their REGISTER, and enables them again. */
  private async disableAndTime(): Promise<void> {
    const v = this.victims[this.n % this.victims.length]!;
    // Registered (and so cached at the PBX) before the disable, as a person would be.
    const before = await register(v.account, { timeoutMs: 5000 });
    if (!before.ok) return this.fail(`victim REGISTER before the disable: ${before.statusCode ?? before.reason}`);
    const disabled = await this.http('POST', `/api/admin/people/${v.id}/disable`, this.admin.cookie, {
      reason: 'soak',
    });
    if (disabled.status !== 204) return this.fail(`disable: ${disabled.status}`);
    const answeredAt = Date.now();
    for (;;) {
      const tried = await register(v.account, { timeoutMs: 3000 });
      if (!tried.ok) {
        this.stats.revocationsMs.push(Date.now() - answeredAt);
        break;
      }
      if (Date.now() - answeredAt > 10_000) {
        this.fail('disable not effective at the PBX within 10 s');
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const enabled = await this.http('POST', `/api/admin/people/${v.id}/enable`, this.admin.cookie, {
      reason: 'soak',
    });
    if (enabled.status !== 204) this.fail(`enable: ${enabled.status}`);
  }

  /** sipp over the loopback UDP transport: one person registering at the planned rate until stopped. */
  private startSipp(): void {
    const p = this.callees[0]!;
    this.sippStats = join(this.stack.dir, 'sipp-register.csv');
    this.sipp = spawn(
      'sipp',
      [
        `127.0.0.1:${this.stack.udpPort}`,
        '-sf',
        join(SIPP_DIR, 'register-load.xml'),
        '-s',
        p.extension,
        '-au',
        p.extension,
        '-ap',
        p.account.secret,
        '-r',
        String(this.plan.sippPerSecond),
        '-i',
        '127.0.0.1',
        '-bind_local',
        '-nostdin',
        '-trace_stat',
        '-stf',
        this.sippStats,
        '-fd',
        '5',
      ],
      { cwd: this.stack.dir, stdio: 'ignore' },
    );
    this.sipp.on('error', (err) => this.fail(`sipp: ${err.message}`));
  }

  /** sipp's totals from the last line of its statistics file. */
  private readSippStats(): void {
    try {
      const lines = readFileSync(this.sippStats, 'utf8').trim().split('\n');
      const head = lines[0]!.split(';');
      const last = lines[lines.length - 1]!.split(';');
      const col = (name: string) => Number(last[head.indexOf(name)] ?? NaN);
      this.stats.sipp = { ok: col('SuccessfulCall(C)'), failed: col('FailedCall(C)') };
      if (this.stats.sipp.failed > 0) this.stats.failures['sipp REGISTER failed'] = this.stats.sipp.failed;
    } catch (err) {
      this.fail(`sipp statistics unreadable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
