/**
 * One sip.js UserAgent over one WebSocket, set up for Node and for tests:
 * - `ws` stands in for the browser's WebSocket (sip.js constructs it from the
 *   global), and remembers why a connection failed so errors can say so;
 * - the browserless WebRTC-shaped SessionDescriptionHandler; no ICE servers
 *   anywhere, so no STUN server is ever asked;
 * - a tap on the transport that sees every SIP message as raw text with the
 *   time it crossed the socket, for exact timings and for reading what a
 *   callee was really sent;
 * - `close()` that always ends, leaving no socket or timer behind.
 */
import { Core, UserAgent, type Invitation } from 'sip.js';
import WebSocket from 'ws';
import type { SipAccount } from './account';
import { webrtcShapedFactory } from './session-description-handler';
import { now, withTimeout } from './time';

/**
 * Why the last connection to a URL failed. sip.js only ever reports
 * "WebSocket closed … (code: 1006)"; the reason (ECONNREFUSED, a 404 on the
 * upgrade, a certificate error) is on the `ws` error event, which sip.js
 * does not pass on. Keyed by URL because sip.js constructs the socket itself.
 */
const socketFailures = new Map<string, string>();

class NodeWebSocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols);
    const key = String(address);
    this.on('error', (error: Error & { code?: unknown }) => {
      socketFailures.set(key, typeof error.code === 'string' ? error.code : error.message);
    });
    this.on('open', () => socketFailures.delete(key));
  }
}

function installWebSocket(): void {
  // sip.js calls `new WebSocket(url, "sip")` on the global; Node 20 has none.
  (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;
}

export type WireListener = (direction: 'sent' | 'received', text: string, at: number) => void;

export type Connection = {
  readonly ua: UserAgent;
  readonly account: SipAccount;
  /** Calls `listener` for every SIP message on the socket; returns the function that stops it. */
  listen(listener: WireListener): () => void;
  /** Stops the user agent (unregistering, ending calls) and closes the socket; always settles within its bound. */
  close(): Promise<void>;
};

export type ConnectOptions = {
  /** Bounds connecting here and, separately, closing in `close()`. */
  timeoutMs: number;
  onInvite?: (invitation: Invitation) => void;
  /** The socket closed without `close()` being called (e.g. the PBX restarted). */
  onDisconnect?: (error?: Error) => void;
  /** The socket (re)connected. */
  onConnect?: () => void;
  /** sip.js's own log lines (level, category, text); silent when absent. */
  log?: (line: string) => void;
};

/** Whether sip.js can parse `text`: a browser running sip.js drops, without a word, any message it cannot. */
export function sipJsParses(connection: Connection, text: string): boolean {
  return Core.Parser.parseMessage(text, connection.ua.getLogger('sip-tool.parse')) !== undefined;
}

/**
 * Opens a connection for `account` and waits until its WebSocket is up.
 * Rejects with `cannot reach <url>: <reason>` when it does not come up in
 * `timeoutMs`; nothing is left open then.
 */
export async function connect(account: SipAccount, options: ConnectOptions): Promise<Connection> {
  installWebSocket();
  const uri = UserAgent.makeURI(`sip:${account.user}@${account.domain}`);
  if (!uri) throw new Error(`not a valid SIP URI: sip:${account.user}@${account.domain}`);
  const listeners = new Set<WireListener>();
  const log = options.log;
  const ua = new UserAgent({
    uri,
    authorizationUsername: account.user,
    authorizationPassword: account.secret,
    transportOptions: {
      server: account.wsUrl,
      connectionTimeout: options.timeoutMs / 1000,
      traceSip: false,
      keepAliveInterval: 0,
    },
    sessionDescriptionHandlerFactory: webrtcShapedFactory,
    userAgentString: 'RealCall sip-tool',
    logBuiltinEnabled: false,
    logConfiguration: false,
    logLevel: log ? 'debug' : 'error',
    logConnector: (level, category, label, content) =>
      log?.(`[${level}] ${category}${label ? ` ${label}` : ''}: ${content}`),
    delegate: { onInvite: options.onInvite, onDisconnect: options.onDisconnect, onConnect: options.onConnect },
  });

  // The UA installed its handlers in its constructor; wrap them so every message passes the tap first.
  const transport = ua.transport;
  const deliver = transport.onMessage;
  transport.onMessage = (text: string) => {
    const at = now();
    for (const listener of listeners) listener('received', text, at);
    deliver?.(text);
  };
  const send = transport.send.bind(transport);
  transport.send = (text: string) => {
    const at = now();
    for (const listener of listeners) listener('sent', text, at);
    return send(text);
  };

  const connection: Connection = {
    ua,
    account,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => stop(ua, options.timeoutMs),
  };

  try {
    await withTimeout(ua.start(), options.timeoutMs + 250, 'no answer in time');
  } catch (error) {
    await stop(ua, options.timeoutMs);
    const reason = socketFailures.get(account.wsUrl) ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`cannot reach ${account.wsUrl}: ${reason}`, { cause: error });
  }
  return connection;
}

/** Graceful stop (unregister, BYE) within `timeoutMs`; past it, the transport and core are torn down regardless. */
async function stop(ua: UserAgent, timeoutMs: number): Promise<void> {
  try {
    await withTimeout(ua.stop(), timeoutMs, 'stop timed out');
  } catch {
    // Forced: whatever sip.js was waiting for (an unregister answer, a BYE answer) will not come.
    await ua.transport.dispose().catch(() => undefined);
    ua.userAgentCore.dispose();
  }
}
