/**
 * PJSIP realtime rows for Asterisk's res_config_curl (via res_sorcery_realtime):
 * `ps_endpoints`, `ps_auths` and `ps_aors`, one of each per enabled person,
 * id = extension. Disabled and deleted people have no rows, so they cannot
 * register on the next REGISTER.
 *
 * Wire format (res/res_config_curl.c): Asterisk POSTs a form-encoded body
 * of `<field>[ <op>]=<value>` pairs, each part encoded with
 * `ast_uri_encode(…, ast_uri_http)`, to `<base>/single` or `<base>/multi`.
 * It reads `single`'s answer up to the first line end as `k=v&k=v`, and
 * `multi`'s as one such row per line; an empty answer means "none". Keys and
 * values are decoded with `ast_uri_decode`, which knows `%XX` but not `+`.
 *
 * Realtime objects cannot inherit from a `.conf` template, so every
 * endpoint option lives here, next to its reason. Fields Asterisk does not
 * know are dropped by res_sorcery_realtime without a word: the Asterisk
 * integration test reads them back with `pjsip show endpoint`.
 */
import { and, eq, gt } from 'drizzle-orm';
import { findSipAccount } from '../../../db/hot-queries';
import type { Db } from '../../../db/open';
import { sipAccounts, users } from '../../../db/schema';
import type { Config } from '../config';
import { sipHa1, sipSecretOwner, unseal, type Keys } from './secrets';

export const REALTIME_FAMILIES = ['ps_endpoints', 'ps_auths', 'ps_aors'] as const;
export type RealtimeFamily = (typeof REALTIME_FAMILIES)[number];

/** The dialplan context every user's calls start in (asterisk/extensions.conf). */
export const USER_CONTEXT = 'realcall-users';

export type Row = Record<string, string>;

/** Endpoint options shared by every person. */
export function endpointDefaults(sip: Config['sip']): Row {
  return {
    context: USER_CONTEXT,
    // realtime drops `disallow`: `allow` alone sets the list. Opus first, G.711 µ-law for anything the PBX plays itself.
    allow: 'opus,ulaw',
    // Shortcut for DTLS-SRTP, ICE, AVPF and rtcp-mux as WebRTC requires; Asterisk answers 488 to a browser without it.
    webrtc: 'yes',
    // Media always flows through Asterisk; never re-INVITE peers to each other (it would expose their addresses).
    direct_media: 'no',
    // sip.js is told to send RFC 4733 DTMF; Asterisk must expect the same.
    dtmf_mode: 'rfc4733',
    // Identity comes from the API only: never trust, send or forward identity headers from a caller.
    trust_id_inbound: 'no',
    trust_id_outbound: 'no',
    send_pai: 'no',
    send_rpid: 'no',
    send_diversion: 'no',
    send_history_info: 'no',
    // Without this the callee sees the PBX's host name in From.
    from_domain: sip.domain,
    // A vanished browser (tab closed or reloaded, network gone) must not hold a call open: its
    // leg is hung up after 8 s without a packet (RTP, RTCP or ICE consent check, which a muted
    // browser still sends every few seconds), with cause 44, which the other side's BYE carries
    // as 'Reason: Q.850;cause=44' and the page reads as "connection lost".
    rtp_timeout: '8',
    // On hold nothing flows but RTCP and consent checks; a held browser that vanished goes too.
    rtp_timeout_hold: '30',
    // Hold is passed on, not played over: when one side holds (re-INVITE a=sendonly), Asterisk
    // re-INVITEs the other with a=sendonly instead of starting music on hold, so the held page
    // says "on hold" and no audio flows either way; resuming sends a=sendrecv (chan_pjsip,
    // AST_CONTROL_HOLD with moh_passthrough). No music is ever installed or played.
    moh_passthrough: 'yes',
    // Nobody subscribes to presence or transfers calls here; refusing closes more doors.
    allow_subscribe: 'no',
    allow_transfer: 'no',
    // Identify callers by their authenticated user name only, never by source address.
    identify_by: 'username',
  };
}

export const AOR_DEFAULTS: Row = {
  // One person may be signed in on a few devices; the oldest is replaced past this.
  max_contacts: '5',
  remove_existing: 'yes',
  // Browsers answer OPTIONS over their WebSocket; a contact that stops answering is dropped.
  qualify_frequency: '30',
  remove_unavailable: 'yes',
};

export type Person = { userId: number; extension: string; secretSealed: string };

/** The row for one person in one family. */
export function rowFor(family: RealtimeFamily, person: Person, ctx: { keys: Keys; sip: Config['sip'] }): Row {
  const id = person.extension;
  switch (family) {
    case 'ps_endpoints':
      return { id, aors: id, auth: id, callerid: `<${id}>`, ...endpointDefaults(ctx.sip) };
    case 'ps_auths': {
      const secret = unseal(ctx.keys, person.secretSealed, sipSecretOwner(person.userId));
      // A pre-computed digest: Asterisk never holds the plain secret.
      return {
        id,
        auth_type: 'digest',
        username: id,
        realm: ctx.sip.realm,
        password_digest: `md5:${sipHa1(id, ctx.sip.realm, secret)}`,
      };
    }
    case 'ps_aors':
      return { id, ...AOR_DEFAULTS };
  }
}

export const OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'NOT LIKE'] as const;
export type Operator = (typeof OPERATORS)[number];
export type Condition = { field: string; op: Operator; value: string };

export class RealtimeRequestError extends Error {}

/** Decodes one `%XX` part as `ast_uri_decode` does; `+` stays `+`. */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RealtimeRequestError('malformed percent-encoding');
  }
}

/**
 * Parses res_config_curl's request body into conditions (`id LIKE=10%25` →
 * id LIKE "10%"): at most MAX_CONDITIONS, each value at most
 * MAX_PATTERN_LENGTH characters, or a RealtimeRequestError saying which.
 */
export function parseConditions(body: string): Condition[] {
  if (body.trim() === '') return [];
  const pairs = body
    .trim()
    .split('&')
    .filter((pair) => pair !== '');
  if (pairs.length > MAX_CONDITIONS) {
    throw new RealtimeRequestError(`at most ${MAX_CONDITIONS} conditions per request, got ${pairs.length}`);
  }
  return pairs.map((pair) => {
    const eqAt = pair.indexOf('=');
    const key = decodePart(eqAt < 0 ? pair : pair.slice(0, eqAt));
    const value = eqAt < 0 ? '' : decodePart(pair.slice(eqAt + 1));
    const match = /^([A-Za-z_][\w]*)(?: +(.+))?$/.exec(key.trim());
    const op = (match?.[2]?.trim().toUpperCase() ?? '=') as Operator;
    if (!match || !OPERATORS.includes(op)) throw new RealtimeRequestError(`cannot read condition "${key}"`);
    if (value.length > MAX_PATTERN_LENGTH) {
      throw new RealtimeRequestError(`the value for "${key}" is longer than ${MAX_PATTERN_LENGTH} characters`);
    }
    return { field: match[1]!, op, value };
  });
}

/** Bounds on one realtime request: a PBX is not a trusted parser of its own input. */
export const MAX_CONDITIONS = 8;
export const MAX_PATTERN_LENGTH = 256;

/**
 * SQL LIKE without regular expressions: `%` is any run of characters, `_`
 * any one (code point), everything else itself, case-insensitively. The
 * greedy scan remembers only the last `%`, so it never backtracks further
 * than that: at most (text length × pattern length) steps, both bounded.
 */
export function likeMatch(pattern: string, text: string): boolean {
  const p = Array.from(pattern.toLowerCase());
  const t = Array.from(text.toLowerCase());
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && p[pi] !== '%' && (p[pi] === '_' || p[pi] === t[ti])) {
      pi += 1;
      ti += 1;
    } else if (pi < p.length && p[pi] === '%') {
      star = pi;
      pi += 1;
      resume = ti;
    } else if (star >= 0) {
      pi = star + 1;
      resume += 1;
      ti = resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '%') pi += 1;
  return pi === p.length;
}

/** Whether a row meets a condition. A column the row lacks never matches (`mailboxes !=` at start-up). */
export function matches(row: Row, c: Condition): boolean {
  const actual = row[c.field];
  if (actual === undefined) return false;
  switch (c.op) {
    case '=':
      return actual === c.value;
    case '!=':
      return actual !== c.value;
    case 'LIKE':
      return likeMatch(c.value, actual);
    case 'NOT LIKE':
      return !likeMatch(c.value, actual);
    default: {
      const [a, b] = [Number(actual), Number(c.value)];
      const cmp = Number.isFinite(a) && Number.isFinite(b) ? a - b : actual.localeCompare(c.value);
      return c.op === '<' ? cmp < 0 : c.op === '<=' ? cmp <= 0 : c.op === '>' ? cmp > 0 : cmp >= 0;
    }
  }
}

const PAGE = 1000;

/**
 * Rows of `family` meeting every condition, at most `limit`: by exact id
 * when a condition gives one, else every enabled person in id order, a page
 * at a time. Between pages it yields to the event loop, so a `multi` over a
 * million people never holds up the public listener.
 */
export async function findRows(
  db: Db,
  ctx: { keys: Keys; sip: Config['sip'] },
  family: RealtimeFamily,
  conditions: Condition[],
  limit = Number.POSITIVE_INFINITY,
): Promise<Row[]> {
  const rows: Row[] = [];
  const take = (people: Person[]) => {
    for (const person of people) {
      const row = rowFor(family, person, ctx);
      if (conditions.every((c) => matches(row, c))) rows.push(row);
      if (rows.length >= limit) return false;
    }
    return true;
  };
  const exact = conditions.find((c) => c.field === 'id' && c.op === '=');
  if (exact) {
    const person = findSipAccount(db, exact.value);
    take(person ? [person] : []);
    return rows;
  }
  // Keyset pages keep memory flat however many people there are.
  let after = 0;
  for (;;) {
    const page = db
      .select({ userId: sipAccounts.userId, extension: sipAccounts.extension, secretSealed: sipAccounts.secretSealed })
      .from(sipAccounts)
      .innerJoin(users, eq(users.id, sipAccounts.userId))
      .where(and(eq(users.disabled, false), gt(sipAccounts.userId, after)))
      .orderBy(sipAccounts.userId)
      .limit(PAGE)
      .all();
    if (!take(page) || page.length < PAGE) return rows;
    after = page[page.length - 1]!.userId;
    await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
  }
}

/** One row as res_config_curl reads it: `k=v&k=v`, every part percent-encoded (spaces as %20). */
export function encodeRow(row: Row): string {
  return Object.entries(row)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}
