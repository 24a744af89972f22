/**
 * What every command shares: its input/output, flag parsing, credentials
 * (flags first, then REALCALL_* variables; never a default), and printing
 * names that may carry control or bidi characters safely.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { accountFromApi, checkAccount, type Expected, type SipAccount } from '../account';

/** The process edges a command may touch: output lines, the environment, and Ctrl-C. */
export type Io = {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT: commands that wait stop waiting and report what they have. */
  signal?: AbortSignal;
};

export const EXIT = { ok: 0, failed: 1, usage: 64 } as const;

/** A mistake in the command line: printed with the command's usage, exit 64. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON = {
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const CREDENTIALS = {
  ws: { type: 'string' },
  domain: { type: 'string' },
  user: { type: 'string' },
  secret: { type: 'string' },
  api: { type: 'string' },
  login: { type: 'string' },
  password: { type: 'string' },
} as const satisfies Options;

export const CALLEE_CREDENTIALS = {
  'callee-ws': { type: 'string' },
  'callee-domain': { type: 'string' },
  'callee-user': { type: 'string' },
  'callee-secret': { type: 'string' },
  'callee-api-login': { type: 'string' },
  'callee-api-password': { type: 'string' },
} as const satisfies Options;

export const EXPECTATIONS = {
  'expect-name': { type: 'string' },
  'expect-status': { type: 'string' },
  'expect-num': { type: 'string' },
} as const satisfies Options;

export const CREDENTIALS_HELP = `Credentials, directly:
  --ws <ws[s]://host:port/ws>  --domain <sip domain>  --user <extension>  --secret <secret>
  (or REALCALL_SIP_WS, REALCALL_SIP_DOMAIN, REALCALL_SIP_USER, REALCALL_SIP_SECRET)
or through the RealCall API (also gives what a callee should see):
  --api <http://host:8080>  --login <login>  --password <password>
  (or REALCALL_API_URL, REALCALL_LOGIN, REALCALL_PASSWORD)
Secrets in flags show up in \`ps\`; prefer the variables.`;

export const CALLEE_HELP = `Callee, registered and answered by the tool itself:
  --callee-user <ext> --callee-secret <secret> [--callee-ws …] [--callee-domain …]
  (or REALCALL_CALLEE_SIP_USER, REALCALL_CALLEE_SIP_SECRET, REALCALL_CALLEE_SIP_WS, REALCALL_CALLEE_SIP_DOMAIN;
   WebSocket and domain default to the caller's)
or --callee-api-login <login> --callee-api-password <password> with --api
  (or REALCALL_CALLEE_LOGIN, REALCALL_CALLEE_PASSWORD)`;

export function parse<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--timeout` and friends: seconds as given (fractions allowed), in milliseconds. */
export function seconds(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback * 1000;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} takes seconds, not ${JSON.stringify(value)}`);
  return n * 1000;
}

export function count(value: string | undefined, fallback: number | undefined, flag: string): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} takes a whole number ≥ 1, not ${JSON.stringify(value)}`);
  return n;
}

export type ResolvedAccount = { account: SipAccount; expected?: Expected };

type Values = Record<string, string | boolean | undefined>;
const str = (values: Values, key: string) => (typeof values[key] === 'string' ? values[key] : undefined);

/** Which credentials to use: flags before variables, and direct SIP ones before a login at each level. */
function pick(flagDirect: boolean, flagLogin: boolean, envDirect: boolean, envLogin: boolean) {
  if (flagDirect) return 'direct';
  if (flagLogin) return 'api';
  if (envDirect) return 'direct';
  if (envLogin) return 'api';
  return undefined;
}

/** The caller's (or only) account, from flags or REALCALL_* variables (see CREDENTIALS_HELP). */
export async function callerAccount(values: Values, io: Io, timeoutMs: number): Promise<ResolvedAccount> {
  const env = io.env;
  const mode = pick(
    str(values, 'user') !== undefined || str(values, 'secret') !== undefined,
    str(values, 'login') !== undefined,
    env.REALCALL_SIP_USER !== undefined || env.REALCALL_SIP_SECRET !== undefined,
    env.REALCALL_LOGIN !== undefined,
  );
  if (mode === undefined) {
    throw new UsageError('no credentials: give --ws/--domain/--user/--secret or --api/--login/--password');
  }
  if (mode === 'direct') {
    return {
      account: checkAccount({
        wsUrl: str(values, 'ws') ?? env.REALCALL_SIP_WS,
        domain: str(values, 'domain') ?? env.REALCALL_SIP_DOMAIN,
        user: str(values, 'user') ?? env.REALCALL_SIP_USER,
        secret: str(values, 'secret') ?? env.REALCALL_SIP_SECRET,
      }),
    };
  }
  const login = str(values, 'login') ?? env.REALCALL_LOGIN!;
  const password = str(values, 'password') ?? env.REALCALL_PASSWORD;
  return viaApi(values, io, login, password, timeoutMs, '--password (REALCALL_PASSWORD)');
}

/** The callee's account when one is given (see CALLEE_HELP); WebSocket and domain default to `caller`'s. */
export async function calleeAccount(
  values: Values,
  io: Io,
  caller: SipAccount,
  timeoutMs: number,
): Promise<ResolvedAccount | undefined> {
  const env = io.env;
  const mode = pick(
    str(values, 'callee-user') !== undefined || str(values, 'callee-secret') !== undefined,
    str(values, 'callee-api-login') !== undefined,
    env.REALCALL_CALLEE_SIP_USER !== undefined || env.REALCALL_CALLEE_SIP_SECRET !== undefined,
    env.REALCALL_CALLEE_LOGIN !== undefined,
  );
  if (mode === undefined) return undefined;
  if (mode === 'direct') {
    return {
      account: checkAccount(
        {
          wsUrl: str(values, 'callee-ws') ?? env.REALCALL_CALLEE_SIP_WS ?? caller.wsUrl,
          domain: str(values, 'callee-domain') ?? env.REALCALL_CALLEE_SIP_DOMAIN ?? caller.domain,
          user: str(values, 'callee-user') ?? env.REALCALL_CALLEE_SIP_USER,
          secret: str(values, 'callee-secret') ?? env.REALCALL_CALLEE_SIP_SECRET,
        },
        'callee: ',
      ),
    };
  }
  const login = str(values, 'callee-api-login') ?? env.REALCALL_CALLEE_LOGIN!;
  const password = str(values, 'callee-api-password') ?? env.REALCALL_CALLEE_PASSWORD;
  return viaApi(values, io, login, password, timeoutMs, '--callee-api-password (REALCALL_CALLEE_PASSWORD)');
}

async function viaApi(
  values: Values,
  io: Io,
  login: string,
  password: string | undefined,
  timeoutMs: number,
  passwordFlag: string,
): Promise<ResolvedAccount> {
  const api = str(values, 'api') ?? io.env.REALCALL_API_URL;
  if (!api) throw new UsageError(`a login needs the API's address: --api (REALCALL_API_URL)`);
  if (!password) throw new UsageError(`missing ${passwordFlag} for ${login}`);
  return accountFromApi(api, login, password, { timeoutMs });
}

/** Expectations from flags, over the API preview's; num defaults to the caller's own extension. */
export function expectations(values: Values, fromApi: Expected | undefined, caller: SipAccount): Partial<Expected> {
  return {
    name: str(values, 'expect-name') ?? fromApi?.name,
    status: str(values, 'expect-status') ?? fromApi?.status,
    num: str(values, 'expect-num') ?? fromApi?.num ?? caller.user,
  };
}

/**
 * A name as it can be printed to a terminal: control, bidi and invisible
 * formatting characters shown as \u{…} (a spoofed name must not rewrite the
 * line it is printed on), the whole in quotes.
 */
export function printable(text: string | null | undefined): string {
  if (text === null || text === undefined) return '(none)';
  const escaped = text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g,
    (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`,
  );
  return `"${escaped.replace(/"/g, '\\"')}"`;
}

/** Where an account lives, for reports; never the secret. */
export const describeAccount = (a: SipAccount) => ({ user: a.user, domain: a.domain, wsUrl: a.wsUrl });

export const ms = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(1)} ms`);
