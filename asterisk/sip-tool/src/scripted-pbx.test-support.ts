/**
 * A scripted SIP peer standing in for Asterisk in the tool's own tests (no
 * Asterisk runs here). It is a small, honest B2BUA over SIP-over-WebSocket
 * (and optionally UDP, for sipp):
 * - REGISTER and INVITE are challenged with a real MD5 digest (qop=auth)
 *   and the answer is checked against the account's secret; like PJSIP it
 *   identifies the requester by the From user;
 * - an authenticated INVITE to a registered extension is relayed as a new
 *   INVITE to the callee, carrying what the *policy* decides (From header,
 *   extra headers), or refused with the policy's status code;
 * - 180/200/4xx, ACK, BYE and CANCEL are relayed between the legs;
 * - `ring()` sends an INVITE of the test's own making to a registered agent.
 *
 * It is not Asterisk: what it proves is the tool's side (digest, SDP shape,
 * reading and judging what a callee got), never the PBX's behaviour.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { header, parseNameAddr, parseSipMessage, quoteDisplayName, type SipMessage } from './sip-message.ts';

export type Presentation = { name: string; status: string; num: string };
export type Relay = { fromHeader: string; extraHeaders: string[] };
/** Refuse with a status, relay to the callee, or say nothing after 100 Trying (a PBX that hangs). */
export type Decision = { respond: number; reason?: string } | { relay: Relay } | { silent: true };
export type CallContext = { caller: string; callee: string; invite: SipMessage; pbx: ScriptedPbx };
export type Policy = (ctx: CallContext) => Decision;

export type ScriptedPbxOptions = {
  domain?: string;
  accounts: Record<string, { secret: string; presentation?: Presentation }>;
  policy?: Policy;
  /** Also listen for SIP over UDP (for sipp). */
  udp?: boolean;
};

export type ScriptedPbx = {
  readonly wsUrl: string;
  /** The UDP port when `udp` was asked for. */
  readonly udpPort: number | undefined;
  readonly domain: string;
  readonly realm: string;
  readonly options: ScriptedPbxOptions;
  /** Every SIP message in and out, for failure messages. */
  readonly trace: string[];
  /** Requests seen, by method, for assertions ("the caller's INVITE carried …"). */
  readonly received: SipMessage[];
  isRegistered(user: string): boolean;
  waitForRegistration(user: string, timeoutMs: number): Promise<void>;
  /** Sends OPTIONS to a registered user, as Asterisk's qualify does; resolves with the status. */
  qualify(user: string): Promise<number>;
  /** Sends an INVITE to a registered user; resolves with the final status (a 2xx is ACKed). */
  ring(user: string, invite: { fromHeader: string; extraHeaders?: string[] }): Promise<number>;
  /** Sends BYE on every answered call the PBX placed with `ring` (the remote side hangs up). */
  hangUpRung(extraHeaders?: string[], from?: string): void;
  /** CANCELs the calls `ring` placed that are still ringing, with extra header lines (e.g. a Reason). */
  cancelRung(extraHeaders: string[], from?: string): void;
  /** Sends a NOTIFY inside each answered call `ring` placed, with these header lines. */
  notifyRung(extraHeaders: string[], from?: string): void;
  /** A re-INVITE into the answered rung calls (of `from` only, when given): hold is `sendonly`; resolves with the final status. */
  reInviteRung(direction: Direction, from?: string): Promise<number>;
  /** Closes every WebSocket connection, as an Asterisk restart would; the server keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
};

/** What the PBX is meant to do: present the caller as the API says, discard everything the caller sent. */
export const safePolicy: Policy = ({ caller, pbx }) => {
  const p = pbx.options.accounts[caller]?.presentation ?? { name: caller, status: 'unverified', num: caller };
  return {
    relay: {
      fromHeader: `${quoteDisplayName(p.name)} <sip:${p.num}@${pbx.domain}>`,
      extraHeaders: [`X-RealCall-Name-Status: ${p.status}`],
    },
  };
};

const IDENTITY_HEADERS = [
  'p-asserted-identity',
  'p-preferred-identity',
  'remote-party-id',
  'diversion',
  'history-info',
];

/** A PBX that trusts its callers: From copied as sent, identity and X- headers passed on, its own status added. */
export const naivePolicy: Policy = ({ caller, invite, pbx }) => {
  const p = pbx.options.accounts[caller]?.presentation ?? { name: caller, status: 'unverified', num: caller };
  const from = (header(invite, 'from') ?? '').replace(/;tag=[^;]*/i, '');
  const passed = Object.entries(invite.headers)
    .filter(([name]) => IDENTITY_HEADERS.includes(name) || name.startsWith('x-'))
    .flatMap(([name, values]) => values.map((v) => `${name}: ${v}`));
  return { relay: { fromHeader: from, extraHeaders: [...passed, `X-RealCall-Name-Status: ${p.status}`] } };
};

type Peer = { send(text: string): void; transport: 'WS' | 'UDP'; contactHost: string };

type Binding = { peer: Peer; contact: string };

type CallerLeg = { peer: Peer; invite: SipMessage; toTag: string; callee?: CalleeLeg; done: boolean; cseq: number };

type CalleeLeg = {
  peer: Peer;
  requestUri: string;
  callId: string;
  fromHeader: string;
  to: string;
  branch: string;
  /** The callee's To (with its tag) and Contact, once it answered. */
  answeredTo?: string;
  remoteTarget?: string;
  caller?: CallerLeg;
  finished: boolean;
  onFinal?: (status: number) => void;
  /** The CSeq of the last request the PBX sent in this dialog. */
  cseq: number;
};

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const token = () => randomBytes(8).toString('hex');

const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:pbxu',
  'a=ice-pwd:pbxpasswordpbxpassword00',
  `a=fingerprint:sha-256 ${Array(32).fill('AB').join(':')}`,
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');
const ANSWER = OFFER.replace('a=setup:actpass', 'a=setup:active');
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
const MIRROR: Record<Direction, Direction> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};
/** The offered direction of an SDP body (sendrecv when it says none). */
const directionOf = (sdp: string): Direction =>
  (/^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(sdp)?.[1] as Direction | undefined) ?? 'sendrecv';
const withDirection = (sdp: string, direction: Direction) => sdp.replace('a=sendrecv', `a=${direction}`);

export async function startScriptedPbx(options: ScriptedPbxOptions): Promise<ScriptedPbx> {
  const domain = options.domain ?? 'realcall.test';
  const realm = domain;
  const policy = options.policy ?? safePolicy;
  const bindings = new Map<string, Binding>();
  const nonces = new Set<string>();
  const callerLegs = new Map<string, CallerLeg>();
  const calleeLegs = new Map<string, CalleeLeg>();
  const trace: string[] = [];
  const received: SipMessage[] = [];
  const registrationWaiters = new Map<string, (() => void)[]>();
  const pendingOptions = new Map<string, (status: number) => void>();

  const send = (peer: Peer, text: string) => {
    trace.push(`>>> ${text}`);
    peer.send(text);
  };

  const build = (start: string, headers: string[], body = '', contentType = 'application/sdp') => {
    const lines = [start, ...headers];
    if (body) lines.push(`Content-Type: ${contentType}`);
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    return `${lines.join('\r\n')}\r\n\r\n${body}`;
  };

  const respond = (
    peer: Peer,
    req: SipMessage,
    status: number,
    reason: string,
    extra: { toTag?: string; headers?: string[]; body?: string } = {},
  ) => {
    const to = header(req, 'to') ?? '';
    const toWithTag = extra.toTag && !/;tag=/i.test(to) ? `${to};tag=${extra.toTag}` : to;
    const headers = [
      ...(req.headers.via ?? []).map((v) => `Via: ${v}`),
      `From: ${header(req, 'from') ?? ''}`,
      `To: ${toWithTag}`,
      `Call-ID: ${header(req, 'call-id') ?? ''}`,
      `CSeq: ${header(req, 'cseq') ?? ''}`,
      ...(extra.headers ?? []),
    ];
    send(peer, build(`SIP/2.0 ${status} ${reason}`, headers, extra.body));
  };

  const via = (peer: Peer, branch: string) => `Via: SIP/2.0/${peer.transport} ${peer.contactHost};branch=${branch}`;
  const pbxContact = (peer: Peer) =>
    `Contact: <sip:pbx@${peer.contactHost}${peer.transport === 'WS' ? ';transport=ws' : ''}>`;

  /** Digest check as PJSIP does it: the From user's credentials, a nonce we issued, HA2 over method and the digest uri. */
  const authenticate = (peer: Peer, req: SipMessage): string | undefined => {
    const user = parseNameAddr(header(req, 'from') ?? '').user;
    const authorization = header(req, 'authorization');
    if (!authorization) {
      const nonce = token();
      nonces.add(nonce);
      respond(peer, req, 401, 'Unauthorized', {
        toTag: token(),
        headers: [`WWW-Authenticate: Digest realm="${realm}", nonce="${nonce}", qop="auth", algorithm=MD5`],
      });
      return undefined;
    }
    const params = Object.fromEntries(
      [...authorization.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [
        m[1]!.toLowerCase(),
        m[2] ?? m[3] ?? '',
      ]),
    );
    const account = options.accounts[user];
    if (!account) {
      respond(peer, req, 403, 'Forbidden', { toTag: token() });
      return undefined;
    }
    const ha1 = md5(`${params.username}:${realm}:${account.secret}`);
    const ha2 = md5(`${req.method}:${params.uri}`);
    const expected = params.qop
      ? md5(`${ha1}:${params.nonce}:${params.nc}:${params.cnonce}:${params.qop}:${ha2}`)
      : md5(`${ha1}:${params.nonce}:${ha2}`);
    const ok =
      params.username === user &&
      params.realm === realm &&
      nonces.has(params.nonce ?? '') &&
      expected === params.response;
    if (!ok) {
      // A fresh challenge, as PJSIP answers a wrong response: sip.js then gives up ("authentication loop").
      const nonce = token();
      nonces.add(nonce);
      respond(peer, req, 401, 'Unauthorized', {
        toTag: token(),
        headers: [`WWW-Authenticate: Digest realm="${realm}", nonce="${nonce}", qop="auth", algorithm=MD5`],
      });
      return undefined;
    }
    return user;
  };

  const onRegister = (peer: Peer, req: SipMessage) => {
    const user = authenticate(peer, req);
    if (!user) return;
    const contactValue = header(req, 'contact') ?? '';
    const contact = parseNameAddr(contactValue);
    const expires = Number(contact.params.expires ?? header(req, 'expires') ?? 3600);
    if (expires === 0) {
      bindings.delete(user);
      respond(peer, req, 200, 'OK', { toTag: token() });
      return;
    }
    bindings.set(user, { peer, contact: contact.uri });
    respond(peer, req, 200, 'OK', { toTag: token(), headers: [`Contact: <${contact.uri}>;expires=${expires}`] });
    for (const resolve of registrationWaiters.get(user) ?? []) resolve();
    registrationWaiters.delete(user);
  };

  const inviteCallee = (binding: Binding, user: string, relay: Relay, caller?: CallerLeg): CalleeLeg => {
    const leg: CalleeLeg = {
      peer: binding.peer,
      requestUri: binding.contact,
      callId: `pbx-${token()}`,
      fromHeader: `${relay.fromHeader};tag=${token()}`,
      to: `<sip:${user}@${domain}>`,
      branch: `z9hG4bK${token()}`,
      caller,
      finished: false,
      cseq: 1,
    };
    calleeLegs.set(leg.callId, leg);
    send(
      leg.peer,
      build(
        `INVITE ${leg.requestUri} SIP/2.0`,
        [
          via(leg.peer, leg.branch),
          'Max-Forwards: 70',
          `From: ${leg.fromHeader}`,
          `To: ${leg.to}`,
          `Call-ID: ${leg.callId}`,
          'CSeq: 1 INVITE',
          pbxContact(leg.peer),
          ...relay.extraHeaders,
        ],
        OFFER,
      ),
    );
    return leg;
  };

  const onInvite = (peer: Peer, req: SipMessage) => {
    const callId = header(req, 'call-id') ?? '';
    const existing = callerLegs.get(callId);
    if (existing && header(existing.invite, 'cseq') === header(req, 'cseq')) return; // a retransmission
    const caller = authenticate(peer, req);
    if (!caller) return;
    const callee = /^sips?:([^@;]+)/.exec(req.requestUri ?? '')?.[1];
    const leg: CallerLeg = { peer, invite: req, toTag: token(), done: false, cseq: 1 };
    callerLegs.set(callId, leg);
    respond(peer, req, 100, 'Trying');
    const decision = policy({ caller, callee: callee ?? '', invite: req, pbx });
    if ('silent' in decision) return;
    if ('respond' in decision) {
      leg.done = true;
      respond(peer, req, decision.respond, decision.reason ?? 'Refused', { toTag: leg.toTag });
      return;
    }
    const binding = callee ? bindings.get(callee) : undefined;
    if (!binding) {
      leg.done = true;
      respond(peer, req, 480, 'Temporarily Unavailable', { toTag: leg.toTag });
      return;
    }
    leg.callee = inviteCallee(binding, callee!, decision.relay, leg);
  };

  const ackCallee = (leg: CalleeLeg, res: SipMessage, success: boolean) => {
    const to = header(res, 'to') ?? leg.to;
    send(
      leg.peer,
      build(`ACK ${success ? (leg.remoteTarget ?? leg.requestUri) : leg.requestUri} SIP/2.0`, [
        via(leg.peer, success ? `z9hG4bK${token()}` : leg.branch),
        'Max-Forwards: 70',
        `From: ${leg.fromHeader}`,
        `To: ${to}`,
        `Call-ID: ${leg.callId}`,
        'CSeq: 1 ACK',
      ]),
    );
  };

  const onCalleeResponse = (leg: CalleeLeg, res: SipMessage) => {
    const status = res.status!;
    const caller = leg.caller;
    if (status < 200) {
      if (status > 100 && caller && !caller.done) {
        respond(caller.peer, caller.invite, status, res.reason ?? '', { toTag: caller.toTag });
      }
      return;
    }
    if (status < 300) {
      leg.answeredTo = header(res, 'to');
      leg.remoteTarget = parseNameAddr(header(res, 'contact') ?? '').uri || leg.requestUri;
      ackCallee(leg, res, true);
    } else {
      leg.finished = true;
      ackCallee(leg, res, false);
    }
    if (leg.onFinal) {
      leg.onFinal(status);
      leg.onFinal = undefined;
    }
    if (caller && !caller.done) {
      caller.done = true;
      respond(caller.peer, caller.invite, status, res.reason ?? '', {
        toTag: caller.toTag,
        headers: status < 300 ? [pbxContact(caller.peer)] : [],
        body: status < 300 ? ANSWER : undefined,
      });
    }
  };

  /** A request inside the callee's dialog (BYE, NOTIFY, re-INVITE), with extra header lines and a body. */
  const inDialog = (leg: CalleeLeg, method: string, extra: string[] = [], body = '') => {
    leg.cseq += 1;
    send(
      leg.peer,
      build(
        `${method} ${leg.remoteTarget ?? leg.requestUri} SIP/2.0`,
        [
          via(leg.peer, `z9hG4bK${token()}`),
          'Max-Forwards: 70',
          `From: ${leg.fromHeader}`,
          `To: ${leg.answeredTo}`,
          `Call-ID: ${leg.callId}`,
          `CSeq: ${leg.cseq} ${method}`,
          ...(method === 'INVITE' ? [pbxContact(leg.peer)] : []),
          ...extra,
        ],
        body,
      ),
    );
    return leg.cseq;
  };

  /** The final answer to a re-INVITE the PBX sent into a callee's dialog: ACKed, and told to whoever waits. */
  const reInviteAnswered = new Map<string, (status: number) => void>();
  const onReInviteResponse = (leg: CalleeLeg, res: SipMessage, cseq: number) => {
    if (res.status! < 200) return;
    send(
      leg.peer,
      build(`ACK ${leg.remoteTarget ?? leg.requestUri} SIP/2.0`, [
        via(leg.peer, `z9hG4bK${token()}`),
        'Max-Forwards: 70',
        `From: ${leg.fromHeader}`,
        `To: ${leg.answeredTo}`,
        `Call-ID: ${leg.callId}`,
        `CSeq: ${cseq} ACK`,
      ]),
    );
    const key = `${leg.callId}/${cseq}`;
    reInviteAnswered.get(key)?.(res.status!);
    reInviteAnswered.delete(key);
  };

  /** The rung legs (calls of the test's own making) that match `from`'s user, when given. */
  const rung = (from?: string) =>
    [...calleeLegs.values()].filter(
      (leg) => !leg.caller && !leg.finished && (from === undefined || leg.fromHeader.includes(`sip:${from}@`)),
    );

  const byeCallee = (leg: CalleeLeg, extra: string[] = []) => {
    if (leg.finished || !leg.answeredTo) return;
    leg.finished = true;
    inDialog(leg, 'BYE', extra);
  };

  /** Stops a leg that is still ringing, as Asterisk does when another device answered. */
  const cancelCallee = (leg: CalleeLeg, extra: string[]) => {
    if (leg.finished || leg.answeredTo) return;
    leg.finished = true;
    send(
      leg.peer,
      build(`CANCEL ${leg.requestUri} SIP/2.0`, [
        via(leg.peer, leg.branch),
        'Max-Forwards: 70',
        `From: ${leg.fromHeader}`,
        `To: ${leg.to}`,
        `Call-ID: ${leg.callId}`,
        'CSeq: 1 CANCEL',
        ...extra,
      ]),
    );
  };

  const byeCaller = (leg: CallerLeg) => {
    const contact = parseNameAddr(header(leg.invite, 'contact') ?? '').uri;
    leg.cseq += 1;
    send(
      leg.peer,
      build(`BYE ${contact} SIP/2.0`, [
        via(leg.peer, `z9hG4bK${token()}`),
        'Max-Forwards: 70',
        `From: ${header(leg.invite, 'to') ?? ''};tag=${leg.toTag}`,
        `To: ${header(leg.invite, 'from') ?? ''}`,
        `Call-ID: ${header(leg.invite, 'call-id') ?? ''}`,
        `CSeq: ${leg.cseq} BYE`,
      ]),
    );
  };

  const onMessage = (peer: Peer, text: string) => {
    trace.push(`<<< ${text}`);
    const msg = parseSipMessage(text);
    if (!msg) return;
    const callId = header(msg, 'call-id') ?? '';
    if (msg.status !== undefined) {
      const options = pendingOptions.get(callId);
      if (options && msg.status >= 200) {
        pendingOptions.delete(callId);
        options(msg.status);
        return;
      }
      const leg = calleeLegs.get(callId);
      const cseq = /^(\d+)\s+INVITE$/i.exec(header(msg, 'cseq') ?? '');
      if (leg && cseq) {
        if (Number(cseq[1]) > 1) onReInviteResponse(leg, msg, Number(cseq[1]));
        else onCalleeResponse(leg, msg);
      }
      return;
    }
    received.push(msg);
    switch (msg.method) {
      case 'REGISTER':
        return onRegister(peer, msg);
      case 'INVITE':
        // A re-INVITE (hold, resume, ICE restart): accepted, answering the offered direction as RFC 3264 says.
        if (parseNameAddr(header(msg, 'to') ?? '').params.tag) {
          // The DTLS roles stay as the first answer set them: the agent answered our INVITEs (active).
          const offer = msg.body ?? '';
          const answer = calleeLegs.has(callId) ? ANSWER.replace('a=setup:active', 'a=setup:passive') : ANSWER;
          return respond(peer, msg, 200, 'OK', {
            headers: [pbxContact(peer)],
            body: offer ? withDirection(answer, MIRROR[directionOf(offer)]) : undefined,
          });
        }
        return onInvite(peer, msg);
      case 'ACK':
        return;
      case 'OPTIONS':
        return respond(peer, msg, 200, 'OK', { toTag: token() });
      case 'CANCEL': {
        respond(peer, msg, 200, 'OK');
        const leg = callerLegs.get(callId);
        if (!leg || leg.done) return;
        leg.done = true;
        respond(peer, leg.invite, 487, 'Request Terminated', { toTag: leg.toTag });
        const callee = leg.callee;
        if (callee && !callee.answeredTo) {
          send(
            callee.peer,
            build(`CANCEL ${callee.requestUri} SIP/2.0`, [
              via(callee.peer, callee.branch),
              'Max-Forwards: 70',
              `From: ${callee.fromHeader}`,
              `To: ${callee.to}`,
              `Call-ID: ${callee.callId}`,
              'CSeq: 1 CANCEL',
            ]),
          );
        }
        return;
      }
      case 'BYE': {
        respond(peer, msg, 200, 'OK');
        const callerLeg = callerLegs.get(callId);
        if (callerLeg?.callee) return byeCallee(callerLeg.callee);
        const calleeLeg = calleeLegs.get(callId);
        if (calleeLeg) {
          calleeLeg.finished = true;
          if (calleeLeg.caller) byeCaller(calleeLeg.caller);
        }
        return;
      }
      default:
        return respond(peer, msg, 405, 'Method Not Allowed', { toTag: token() });
    }
  };

  // SIP over WebSocket (RFC 7118): one text frame per message, subprotocol "sip".
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    const peer: Peer = { transport: 'WS', contactHost: 'pbx.invalid', send: (text) => ws.send(text) };
    // One text frame per message; `ws` hands it over as a Buffer.
    ws.on('message', (data) => onMessage(peer, (data as Buffer).toString('utf8')));
    ws.on('close', () => sockets.delete(ws));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const wsPort = (http.address() as AddressInfo).port;

  let udp: Socket | undefined;
  let udpPort: number | undefined;
  if (options.udp) {
    const socket = createSocket('udp4');
    udp = socket;
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    udpPort = socket.address().port;
    const contactHost = `127.0.0.1:${udpPort}`;
    socket.on('message', (data, rinfo) => {
      const peer: Peer = {
        transport: 'UDP',
        contactHost,
        send: (text) => socket.send(text, rinfo.port, rinfo.address),
      };
      onMessage(peer, data.toString('utf8'));
    });
  }

  const pbx: ScriptedPbx = {
    wsUrl: `ws://127.0.0.1:${wsPort}/ws`,
    udpPort,
    domain,
    realm,
    options,
    trace,
    received,
    isRegistered: (user) => bindings.has(user),
    waitForRegistration(user, timeoutMs) {
      if (bindings.has(user)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${user} did not register within ${timeoutMs} ms`)), timeoutMs);
        const list = registrationWaiters.get(user) ?? [];
        list.push(() => {
          clearTimeout(timer);
          resolve();
        });
        registrationWaiters.set(user, list);
      });
    },
    qualify(user) {
      const binding = bindings.get(user);
      if (!binding) return Promise.reject(new Error(`${user} is not registered`));
      const callId = `pbx-${token()}`;
      return new Promise((resolve) => {
        pendingOptions.set(callId, resolve);
        send(
          binding.peer,
          build(`OPTIONS ${binding.contact} SIP/2.0`, [
            via(binding.peer, `z9hG4bK${token()}`),
            'Max-Forwards: 70',
            `From: <sip:pbx@${domain}>;tag=${token()}`,
            `To: <sip:${user}@${domain}>`,
            `Call-ID: ${callId}`,
            'CSeq: 1 OPTIONS',
          ]),
        );
      });
    },
    ring(user, invite) {
      const binding = bindings.get(user);
      if (!binding) return Promise.reject(new Error(`${user} is not registered`));
      return new Promise((resolve) => {
        const leg = inviteCallee(binding, user, {
          fromHeader: invite.fromHeader,
          extraHeaders: invite.extraHeaders ?? [],
        });
        leg.onFinal = resolve;
      });
    },
    hangUpRung(extraHeaders = [], from) {
      for (const leg of rung(from)) if (leg.answeredTo) byeCallee(leg, extraHeaders);
    },
    cancelRung(extraHeaders, from) {
      for (const leg of rung(from)) if (!leg.answeredTo) cancelCallee(leg, extraHeaders);
    },
    notifyRung(extraHeaders, from) {
      for (const leg of rung(from)) if (leg.answeredTo) inDialog(leg, 'NOTIFY', extraHeaders);
    },
    reInviteRung(direction, from) {
      const legs = rung(from).filter((leg) => leg.answeredTo);
      if (legs.length === 0) return Promise.reject(new Error('no answered call to re-INVITE'));
      return Promise.all(
        legs.map(
          (leg) =>
            new Promise<number>((resolve) => {
              const cseq = inDialog(leg, 'INVITE', [], withDirection(OFFER, direction));
              reInviteAnswered.set(`${leg.callId}/${cseq}`, resolve);
            }),
        ),
      ).then((codes) => Math.max(...codes));
    },
    dropConnections() {
      for (const ws of sockets) ws.terminate();
      bindings.clear();
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
      if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
  return pbx;
}
