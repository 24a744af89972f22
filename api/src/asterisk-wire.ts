/**
 * Asterisk's side of the internal wire formats, written from its source so
 * tests (and the SIP tool) can read our answers exactly as Asterisk does:
 * - `astUriEncode` / `astUriDecode`: main/utils.c with `ast_uri_http`
 *   (alphanumerics and `-_.!~*'()` kept, `%XX` uppercase; `+` is not a space);
 * - `readCurlHash`: func_curl.c with `CURLOPT(hashcompat)=yes` (trailing
 *   blanks trimmed, `&`-separated `k=v`, both sides decoded);
 * - `readRealtimeSingle` / `readRealtimeMulti`: res_config_curl.c (single
 *   reads up to the first CR or LF; multi reads one row per non-empty line).
 */

const KEEP = /[A-Za-z0-9\-_.!~*'()]/;

/** ast_uri_encode(…, ast_uri_http), byte by byte over UTF-8. */
export function astUriEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && KEEP.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** ast_uri_decode(…, ast_uri_http): `%` + two characters sscanf reads as hex → that byte; all else copied. */
export function astUriDecode(value: string): string {
  const input = Buffer.from(value, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const a = input[i + 1];
    const b = input[i + 2];
    if (input[i] === 0x25 && a !== undefined && b !== undefined) {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(String.fromCharCode(a, b))?.[0];
      if (hex) {
        out.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    out.push(input[i]!);
  }
  const nul = out.indexOf(0);
  // C strings end at NUL; the bytes are whatever they are (the browser sees invalid UTF-8 as such).
  return Buffer.from(nul < 0 ? out : out.slice(0, nul)).toString('utf8');
}

function pairs(line: string): [string, string][] {
  return line
    .split('&')
    .map((piece) => {
      const at = piece.indexOf('=');
      return at < 0 ? [astUriDecode(piece), ''] : [astUriDecode(piece.slice(0, at)), astUriDecode(piece.slice(at + 1))];
    })
    .filter(([key]) => key !== '') as [string, string][];
}

/** What `HASH(…)` holds after `CURL()` with hashcompat. */
export function readCurlHash(body: string): Record<string, string> {
  return Object.fromEntries(pairs(body.replace(/[\s]+$/, '')));
}

/** res_config_curl's realtime_curl: the first line only; an empty answer is "no row". */
export function readRealtimeSingle(body: string): Record<string, string> | undefined {
  const line = body.split(/[\r\n]/)[0] ?? '';
  const row = Object.fromEntries(pairs(line));
  return Object.keys(row).length ? row : undefined;
}

/** res_config_curl's realtime_multi_curl: one row per non-empty line. */
export function readRealtimeMulti(body: string): Record<string, string>[] {
  return body
    .split(/[\r\n]/)
    .filter((line) => line !== '')
    .map((line) => Object.fromEntries(pairs(line)));
}

/** A realtime request body as res_config_curl builds it: `name[ op]=value` pairs. */
export function realtimeBody(fields: [string, string][]): string {
  return fields.map(([k, v]) => `${astUriEncode(k)}=${astUriEncode(v)}`).join('&');
}
