/**
 * The PBX, told over AMI (Asterisk Manager Interface) when a person changes
 * in a way it must not wait for.
 *
 * `forget()` writes the request to the `pbx_outbox` table — inside the
 * caller's transaction when there is one, so the change and the duty to tell
 * the PBX are saved together — and a worker carries it out: expire the
 * person's endpoint, auth and AOR from Asterisk's sorcery memory caches
 * (SorceryMemoryCacheExpireObject; "not in the cache" counts as done) and,
 * when asked, hang up their live channels (Hangup with a channel regex) or
 * retell the callees of their live calls what they see of them now
 * (PJSIPNotify inside each callee's dialog, with the API's presentation). A
 * failure is retried with backoff until it succeeds, also across restarts.
 *
 * Nothing can delay a revocation:
 * - rows coalesce: one per extension, so a flood of changes to one person
 *   (10,000 secret rotations) is one row, and the outbox never holds more
 *   rows than there are people;
 * - rows that hang up (disable, deletion) go first; the worker picks the
 *   next row after every one it carries out, so a disable saved while a
 *   long run of routine expiries is under way is next in line;
 * - a failed attempt backs off every due row in one statement.
 */
import { connect, type Socket } from 'node:net';
import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { pbxOutbox } from '../../../db/schema';
import type { Config } from '../config';
import { callerName, type Presentation } from './caller-name';
import type { Pbx, PeerConnectionState } from './pbx';

export type AmiMessage = Record<string, string>;

/** The sorcery memory caches sorcery.conf puts in front of realtime. */
export const PJSIP_CACHES = ['res_pjsip/endpoint', 'res_pjsip/auth', 'res_pjsip/aor'] as const;

const NOT_IN_CACHE = /could not be expired/i;

/** One AMI session: banner, then actions answered by ActionID (list answers collected whole). */
export class AmiConnection {
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<string, { messages: AmiMessage[]; resolve: (m: AmiMessage[]) => void }>();
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('AMI connection closed')));
  }

  /** Connects and waits for Asterisk's banner. */
  static open(host: string, port: number, timeoutMs = 3000): Promise<AmiConnection> {
    return new Promise((resolveOpen, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`AMI at ${host}:${port} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot reach AMI at ${host}:${port}: ${err.message}`));
      });
      socket.once('data', (banner) => {
        clearTimeout(timer);
        if (!String(banner).startsWith('Asterisk Call Manager')) {
          socket.destroy();
          reject(new Error(`${host}:${port} is not AMI`));
          return;
        }
        socket.removeAllListeners('error');
        const conn = new AmiConnection(socket, timeoutMs);
        // Anything after the banner line in the same chunk is protocol data.
        conn.onData(String(banner).slice(String(banner).indexOf('\r\n') + 2));
        resolveOpen(conn);
      });
    });
  }

  /**
   * Sends an action; resolves with its response (and, for list answers, every
   * event up to the list's end). A field given a list is sent once per value
   * (PJSIPNotify's `Variable`).
   */
  action(fields: Record<string, string | readonly string[]>): Promise<AmiMessage[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = `rc-${this.nextId++}`;
    const lines = Object.entries({ ...fields, ActionID: id }).flatMap(([k, values]) =>
      (typeof values === 'string' ? [values] : values).map((v) => {
        if (/[\r\n]/.test(k + v)) throw new Error('AMI fields must not contain line breaks');
        return `${k}: ${v}`;
      }),
    );
    return new Promise((resolveAction, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`AMI action ${String(fields.Action)} timed out`));
      }, this.timeoutMs);
      this.waiting.set(id, {
        messages: [],
        resolve: (m) => {
          clearTimeout(timer);
          resolveAction(m);
        },
      });
      this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\r\n\r\n')) >= 0) {
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 4);
      const message: AmiMessage = {};
      for (const line of raw.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) message[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      this.route(message);
    }
  }

  private route(message: AmiMessage): void {
    const id = message.ActionID;
    const entry = id ? this.waiting.get(id) : undefined;
    if (!id || !entry) return;
    entry.messages.push(message);
    const listStarted = entry.messages[0]?.EventList?.toLowerCase() === 'start';
    const done = !listStarted || message.EventList?.toLowerCase() === 'complete';
    if (done) {
      this.waiting.delete(id);
      entry.resolve(entry.messages);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const [id, entry] of this.waiting) {
      this.waiting.delete(id);
      entry.resolve([{ Response: 'Error', Message: err.message }]);
    }
  }
}

/** The Event package of the NOTIFY that retells a callee (web/src/phone/name-status.ts reads it). */
export const PRESENTATION_EVENT = 'x-realcall-presentation';

/**
 * The channels, up, of the other parties of `extension`'s calls now: those
 * sharing the linked id of a channel of theirs, but not theirs. Only the
 * calls they started (their channel's uniqueid is the linked id) when
 * `started`; as caller or callee otherwise. Only channels up: an early
 * dialog cannot take a NOTIFY.
 */
async function otherPartiesUp(conn: AmiConnection, extension: string, started: boolean): Promise<string[]> {
  const list = await conn.action({ Action: 'CoreShowChannels' });
  const channels = list.filter((m) => m.Event === 'CoreShowChannel');
  const own = (c: AmiMessage) => c.Channel?.startsWith(`PJSIP/${extension}-`) ?? false;
  const calls = new Set(
    channels.filter((c) => own(c) && (!started || c.Uniqueid === c.Linkedid)).map((c) => c.Linkedid),
  );
  return channels.filter((c) => !own(c) && calls.has(c.Linkedid) && c.ChannelState === '6').map((c) => c.Channel!);
}

/** The callee legs of the calls `extension` is making now, each with the callee's endpoint id from its name. */
export async function calleeLegs(
  conn: AmiConnection,
  extension: string,
): Promise<{ channel: string; callee: string }[]> {
  return (await otherPartiesUp(conn, extension, true))
    .map((channel) => ({ channel, callee: /^PJSIP\/(.+)-[^-]+$/.exec(channel)?.[1] ?? '' }))
    .filter((leg) => /^[0-9]+$/.test(leg.callee));
}

/** The Event package of the NOTIFY that tells one side of a call how the other's connection is (web/src/phone/peer-connection.ts). */
export const PEER_CONNECTION_EVENT = 'x-realcall-peer-connection';

/** The other parties' legs of every call `extension` is in now, as caller or callee. */
export const otherLegs = (conn: AmiConnection, extension: string): Promise<string[]> =>
  otherPartiesUp(conn, extension, false);

/** The PJSIPNotify for one leg: only the state, one of PEER_CONNECTION_STATES; nothing of the sender's choosing. */
export function peerConnectionNotify(channel: string, state: PeerConnectionState): Record<string, string | string[]> {
  return {
    Action: 'PJSIPNotify',
    Channel: channel,
    Variable: [`Event=${PEER_CONNECTION_EVENT}`, `X-RealCall-Peer-Connection=${state}`],
  };
}

/** The PJSIPNotify for one callee leg: the presentation as headers, the name percent-encoded (UTF-8 on an ASCII line). */
export function presentationNotify(channel: string, p: Presentation): Record<string, string | string[]> {
  return {
    Action: 'PJSIPNotify',
    Channel: channel,
    Variable: [
      `Event=${PRESENTATION_EVENT}`,
      `X-RealCall-Name-Status=${p.status}`,
      `X-RealCall-Name=${encodeURIComponent(p.name)}`,
    ],
  };
}

/** Tells the callee of each of `extension`'s live calls what the API says they should see now. */
export async function retellOnPbx(db: Db, conn: AmiConnection, extension: string): Promise<void> {
  for (const leg of await calleeLegs(conn, extension)) {
    const presentation = callerName(db, extension, leg.callee);
    // A caller who is gone is hung up by the row that removed them, not retold.
    if (!presentation) continue;
    const [reply] = await conn.action(presentationNotify(leg.channel, presentation));
    // The call may have ended since the list was read: nothing to tell then.
    if (reply?.Response !== 'Success' && !/not found|no such channel|unable to find/i.test(reply?.Message ?? '')) {
      throw new Error(`retelling ${leg.channel}: ${reply?.Message ?? 'no answer'}`);
    }
  }
}

/** Expires one person from the PJSIP caches and optionally hangs up their channels, on an open session. */
export async function forgetOnPbx(conn: AmiConnection, extension: string, hangUp: boolean): Promise<void> {
  if (!/^[\w.+-]+$/.test(extension)) throw new Error(`not an endpoint id: ${extension}`);
  for (const cache of PJSIP_CACHES) {
    const [reply] = await conn.action({ Action: 'SorceryMemoryCacheExpireObject', Cache: cache, Object: extension });
    if (reply?.Response !== 'Success' && !NOT_IN_CACHE.test(reply?.Message ?? '')) {
      throw new Error(`expiring ${extension} from ${cache}: ${reply?.Message ?? 'no answer'}`);
    }
  }
  if (hangUp) {
    // Channel names are PJSIP/<endpoint>-<sequence>: this matches the person's, and only theirs.
    const [reply] = await conn.action({ Action: 'Hangup', Channel: `/^PJSIP\\/${extension}-/`, Cause: '16' });
    if (reply?.Response !== 'Success') throw new Error(`hanging up ${extension}: ${reply?.Message ?? 'no answer'}`);
  }
}

const MAX_BACKOFF_MS = 30_000;

/**
 * How far behind the PBX is, for the metrics: the rows waiting in the outbox
 * (due now or backing off after a failure) and how long the oldest change
 * among them has waited, in seconds (0 when none does). The age is read on
 * SQLite's clock, the one that stamped `created_at`.
 */
export function outboxBacklog(db: Db): { rows: number; oldestSeconds: number } {
  const row = db
    .select({
      rows: sql<number>`count(*)`,
      oldestSeconds: sql<number>`coalesce(max(0, unixepoch('subsec') * 1000 - min(${pbxOutbox.createdAt})) / 1000.0, 0)`,
    })
    .from(pbxOutbox)
    .get();
  return { rows: row?.rows ?? 0, oldestSeconds: row?.oldestSeconds ?? 0 };
}

/** An AMI session, signed in, that asks for no events. */
async function signIn(ami: NonNullable<Config['ami']>): Promise<AmiConnection> {
  const conn = await AmiConnection.open(ami.host, ami.port);
  const [login] = await conn.action({ Action: 'Login', Username: ami.user, Secret: ami.secret, Events: 'off' });
  if (login?.Response === 'Success') return conn;
  conn.close();
  throw new Error(`AMI login refused: ${login?.Message ?? 'no answer'}`);
}

export type AmiPbx = Pbx & {
  /** Carries out everything due now; resolves when the outbox has nothing due. */
  flush(): Promise<void>;
  close(): void;
};

/**
 * A Pbx over AMI with a durable outbox. Starts working through any rows left
 * from before (a crash, a PBX outage) at once.
 */
export function createAmiPbx(
  db: Db,
  ami: NonNullable<Config['ami']>,
  log: (line: string) => void = (l) => console.error(l),
  now: () => number = Date.now,
): AmiPbx {
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let lastError = '';

  const schedule = (delayMs: number) => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), Math.max(0, delayMs));
    timer.unref();
  };

  /** The next row to carry out: hang-ups first, then oldest first. */
  const nextDue = () =>
    db
      .select()
      .from(pbxOutbox)
      .where(lte(pbxOutbox.nextAttemptAt, new Date(now())))
      .orderBy(desc(pbxOutbox.hangUp), asc(pbxOutbox.id))
      .limit(1)
      .get();

  const work = async () => {
    let row = nextDue();
    if (!row) return;
    let conn: AmiConnection | undefined;
    try {
      conn = await signIn(ami);
      while (row && !closed) {
        const done = row;
        await forgetOnPbx(conn, done.extension, done.hangUp);
        if (done.retell && !done.hangUp) await retellOnPbx(db, conn, done.extension);
        // Only if nothing new arrived for this person meanwhile: a merged change must still be carried out.
        db.delete(pbxOutbox)
          .where(and(eq(pbxOutbox.id, done.id), eq(pbxOutbox.version, done.version)))
          .run();
        row = nextDue();
      }
      await conn.action({ Action: 'Logoff' }).catch(() => undefined);
      if (lastError) log('[pbx] AMI reachable again; pending changes carried out');
      lastError = '';
    } catch (err) {
      if (closed) return;
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastError) log(`[pbx] ${message}; will retry`);
      lastError = message;
      // One statement for every due row: 500 ms × 2^attempts, at most MAX_BACKOFF_MS.
      const at = now();
      db.update(pbxOutbox)
        .set({
          attempts: sql`${pbxOutbox.attempts} + 1`,
          nextAttemptAt: sql`${at} + min(${MAX_BACKOFF_MS}, 500 * (1 << min(${pbxOutbox.attempts}, 16)))`,
          lastError: message,
        })
        .where(lte(pbxOutbox.nextAttemptAt, new Date(at)))
        .run();
    } finally {
      conn?.close();
    }
  };

  const run = async (): Promise<void> => {
    if (closed) return;
    if (running) return running;
    running = work().finally(() => {
      running = undefined;
      if (closed) return;
      const next = db
        .select({ at: sql<number>`min(${pbxOutbox.nextAttemptAt})` })
        .from(pbxOutbox)
        .get()?.at;
      if (next != null) schedule(next - now());
    });
    return running;
  };

  schedule(0);
  return {
    forget(extension, { hangUp, retell = false }) {
      // One row per person: a new change merges into a waiting one, due now, hanging up or retelling if either asks.
      const at = new Date(now());
      db.insert(pbxOutbox)
        .values({ extension, hangUp, retell, nextAttemptAt: at })
        .onConflictDoUpdate({
          target: pbxOutbox.extension,
          set: {
            hangUp: sql`max(${pbxOutbox.hangUp}, excluded.hang_up)`,
            retell: sql`max(${pbxOutbox.retell}, excluded.retell)`,
            nextAttemptAt: at,
            attempts: 0,
            version: sql`${pbxOutbox.version} + 1`,
          },
        })
        .run();
      // After the caller's transaction commits: a rolled-back change leaves no row to act on.
      setImmediate(() => void run());
    },
    async tellOthers(extension, state) {
      if (!/^[0-9]+$/.test(extension)) throw new Error(`not an extension: ${extension}`);
      const conn = await signIn(ami);
      try {
        let told = 0;
        for (const channel of await otherLegs(conn, extension)) {
          const [reply] = await conn.action(peerConnectionNotify(channel, state));
          // A call that ended since the list was read has nobody left to tell.
          if (reply?.Response === 'Success') told += 1;
        }
        await conn.action({ Action: 'Logoff' }).catch(() => undefined);
        return told;
      } finally {
        conn.close();
      }
    },
    async flush() {
      // Until nothing is due: a change saved while a run was finishing needs a run of its own.
      do {
        await run();
        while (running) await running;
      } while (!closed && nextDue());
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
