/**
 * Reading SIP messages as bytes on the wire, independently of sip.js.
 *
 * The tool reports what a callee was *sent*, so it reads the raw text
 * itself: sip.js keeps escapes inside display names, splits some headers and
 * drops a whole message when one identity header does not parse — exactly
 * the messages a spoofing test most needs to see.
 */

/** RFC 3261 §7.3.3 compact header names, expanded so lookups need one name. */
const COMPACT: Record<string, string> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

export type SipMessage = {
  /** `INVITE`, `BYE`…; undefined for a response. */
  method?: string;
  /** The Request-URI; undefined for a response. */
  requestUri?: string;
  /** The status code; undefined for a request. */
  status?: number;
  reason?: string;
  /** Every header line's value, by lower-cased full name, in arrival order; never split at commas. */
  headers: Record<string, string[]>;
  body: string;
};

/** Parses one SIP message; undefined when the text is not one (no start line or no header block). */
export function parseSipMessage(text: string): SipMessage | undefined {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 4);
  // Folded lines (a leading space or tab) continue the previous header.
  const lines = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
  const start = lines.shift() ?? '';
  const message: SipMessage = { headers: {}, body };
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  const request = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(start);
  if (response) {
    message.status = Number(response[1]);
    message.reason = response[2] ?? '';
  } else if (request) {
    message.method = request[1]!.toUpperCase();
    message.requestUri = request[2]!;
  } else {
    return undefined;
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    (message.headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  return message;
}

/** The first value of a header, or undefined. */
export function header(message: SipMessage, name: string): string | undefined {
  return message.headers[name.toLowerCase()]?.[0];
}

export type NameAddr = {
  /** The display name with quoted-pair escapes undone; '' when there is none. */
  displayName: string;
  /** The URI between `<` and `>` (or the bare addr-spec). */
  uri: string;
  /** The URI's user part, percent-decoded; '' when there is none. */
  user: string;
  /** Header parameters after the URI, e.g. `tag`; names lower-cased. */
  params: Record<string, string>;
};

/**
 * Parses a name-addr / addr-spec header value (From, To, P-Asserted-Identity…)
 * as RFC 3261 §25.1 reads it: a quoted display name ends at the first
 * unescaped quote and `\x` stands for `x`; an unquoted one is the tokens
 * before `<`.
 */
export function parseNameAddr(value: string): NameAddr {
  let rest = value.trim();
  let displayName = '';
  if (rest.startsWith('"')) {
    let i = 1;
    for (; i < rest.length; i++) {
      const ch = rest[i]!;
      if (ch === '\\' && i + 1 < rest.length) {
        displayName += rest[i + 1];
        i++;
      } else if (ch === '"') {
        break;
      } else {
        displayName += ch;
      }
    }
    rest = rest.slice(i + 1).trim();
  } else if (rest.includes('<')) {
    displayName = rest.slice(0, rest.indexOf('<')).trim();
    rest = rest.slice(rest.indexOf('<'));
  }
  let uri: string;
  let paramText: string;
  if (rest.startsWith('<')) {
    const close = rest.indexOf('>');
    uri = close < 0 ? rest.slice(1) : rest.slice(1, close);
    paramText = close < 0 ? '' : rest.slice(close + 1);
  } else {
    // addr-spec form: parameters after the first ';' belong to the header, not the URI.
    const semi = rest.indexOf(';');
    uri = semi < 0 ? rest : rest.slice(0, semi);
    paramText = semi < 0 ? '' : rest.slice(semi);
  }
  const params: Record<string, string> = {};
  for (const piece of paramText.split(';')) {
    const [key, ...val] = piece.split('=');
    if (key?.trim()) params[key.trim().toLowerCase()] = val.join('=').trim();
  }
  return { displayName, uri: uri.trim(), user: uriUser(uri), params };
}

/** The user part of a sip:/sips: URI, percent-decoded; '' when absent. */
export function uriUser(uri: string): string {
  const match = /^sips?:([^@;?>]*)@/i.exec(uri.trim());
  if (!match) return '';
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

/** A quoted-string for a display name: quotes and backslashes escaped, as a careful UA sends it. */
export function quoteDisplayName(name: string): string {
  return `"${name.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}
