/**
 * A minimal TURN client (RFC 8656 over RFC 8489 STUN) for tests against a
 * real coturn: Allocate with long-term credentials, CreatePermission and
 * Refresh, over UDP or TCP. Only what the tests need; every message is
 * built and parsed here, byte by byte, so a test sees exactly what coturn
 * answered.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { connect as connectTls } from 'node:tls';

const MAGIC = 0x2112a442;
export const METHOD = { allocate: 0x003, refresh: 0x004, createPermission: 0x008 } as const;
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  xorPeerAddress: 0x0012,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
  xorMappedAddress: 0x0020,
} as const;

export type StunAnswer = {
  ok: boolean;
  /** The ERROR-CODE of an error response (401, 403, 438 …); undefined on success. */
  error?: number;
  reason?: string;
  realm?: string;
  nonce?: string;
  relayed?: { address: string; port: number };
  mapped?: { address: string; port: number };
};

type Attr = { type: number; value: Buffer };

function attr(type: number, value: Buffer): Attr {
  return { type, value };
}

function encode(type: number, id: Buffer, attrs: Attr[], integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(
    attrs.map(({ type: t, value }) => {
      const head = Buffer.alloc(4);
      head.writeUInt16BE(t, 0);
      head.writeUInt16BE(value.length, 2);
      const pad = Buffer.alloc((4 - (value.length % 4)) % 4);
      return Buffer.concat([head, value, pad]);
    }),
  );
  const header = (length: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC, 4);
    id.copy(h, 8);
    return h;
  };
  if (!integrityKey) return Buffer.concat([header(body.length), body]);
  // MESSAGE-INTEGRITY covers the message with its length already counting the attribute (24 bytes).
  const covered = Buffer.concat([header(body.length + 24), body]);
  const mac = createHmac('sha1', integrityKey).update(covered).digest();
  const head = Buffer.alloc(4);
  head.writeUInt16BE(ATTR.messageIntegrity, 0);
  head.writeUInt16BE(20, 2);
  return Buffer.concat([covered, head, mac]);
}

function xorAddress(value: Buffer): { address: string; port: number } {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16);
  const family = value[1];
  if (family === 0x01) {
    const raw = value.readUInt32BE(4) ^ MAGIC;
    return { address: [24, 16, 8, 0].map((s) => (raw >>> s) & 0xff).join('.'), port };
  }
  return { address: 'ipv6', port };
}

function xorPeer(address: string, port: number): Buffer {
  const v = Buffer.alloc(8);
  v[1] = 0x01;
  v.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const raw = address.split('.').reduce((n, octet) => (n << 8) | Number(octet), 0) >>> 0;
  v.writeUInt32BE((raw ^ MAGIC) >>> 0, 4);
  return v;
}

function decode(message: Buffer): StunAnswer & { id: Buffer } {
  const type = message.readUInt16BE(0);
  const length = message.readUInt16BE(2);
  const id = message.subarray(8, 20);
  const answer: StunAnswer & { id: Buffer } = { ok: (type & 0x0110) === 0x0100, id };
  for (let at = 20; at + 4 <= 20 + length;) {
    const t = message.readUInt16BE(at);
    const len = message.readUInt16BE(at + 2);
    const value = message.subarray(at + 4, at + 4 + len);
    if (t === ATTR.errorCode) {
      answer.error = (value[2]! & 0x07) * 100 + value[3]!;
      answer.reason = value.subarray(4).toString('utf8');
    }
    if (t === ATTR.realm) answer.realm = value.toString('utf8');
    if (t === ATTR.nonce) answer.nonce = value.toString('utf8');
    if (t === ATTR.xorRelayedAddress) answer.relayed = xorAddress(value);
    if (t === ATTR.xorMappedAddress) answer.mapped = xorAddress(value);
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
  return answer;
}

/** One TURN client connection (one allocation at most), over UDP or TCP. */
export class TurnClient {
  private udp: UdpSocket | undefined;
  private tcp: TcpSocket | undefined;
  private buffered = Buffer.alloc(0);
  private readonly waiting = new Map<string, (m: Buffer) => void>();
  private realm: string | undefined;
  private nonce: string | undefined;
  private key: Buffer | undefined;
  private username: string | undefined;

  private constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** `tls`: TURN over TLS (the relay's certificate is not checked: tests make their own). */
  static async open(host: string, port: number, transport: 'udp' | 'tcp' | 'tls'): Promise<TurnClient> {
    const client = new TurnClient(host, port);
    if (transport === 'udp') {
      const socket = createSocket('udp4');
      socket.on('message', (m) => client.received(m));
      await new Promise<void>((r) => socket.bind(0, r));
      client.udp = socket;
    } else {
      const socket =
        transport === 'tls' ? connectTls({ host, port, rejectUnauthorized: false }) : connect({ host, port });
      await new Promise<void>((resolveConnect, reject) => {
        socket.once(transport === 'tls' ? 'secureConnect' : 'connect', resolveConnect);
        socket.once('error', reject);
      });
      socket.on('data', (chunk) => {
        client.buffered = Buffer.concat([client.buffered, chunk]);
        while (client.buffered.length >= 20) {
          const total = 20 + client.buffered.readUInt16BE(2);
          if (client.buffered.length < total) break;
          client.received(client.buffered.subarray(0, total));
          client.buffered = client.buffered.subarray(total);
        }
      });
      client.tcp = socket;
    }
    return client;
  }

  /**
   * Allocate with these credentials: first unauthenticated (coturn answers
   * 401 with its realm and a nonce), then signed with them.
   */
  async allocate(username: string, password: string): Promise<StunAnswer & { first: StunAnswer }> {
    const transport = Buffer.from([17, 0, 0, 0]); // UDP relay
    const first = await this.request(METHOD.allocate, [attr(ATTR.requestedTransport, transport)]);
    if (first.ok || first.error !== 401 || !first.realm || !first.nonce) return { ...first, first };
    this.realm = first.realm;
    this.nonce = first.nonce;
    this.username = username;
    this.key = createHash('md5').update(`${username}:${first.realm}:${password}`).digest();
    const second = await this.signed(METHOD.allocate, [attr(ATTR.requestedTransport, transport)]);
    return { ...second, first };
  }

  /** Asks the relay to let this peer's packets through (coturn refuses denied ranges with 403). */
  createPermission(address: string, port = 9): Promise<StunAnswer> {
    return this.signed(METHOD.createPermission, [attr(ATTR.xorPeerAddress, xorPeer(address, port))]);
  }

  /** Refreshes the allocation (lifetime 0 releases it). */
  refresh(lifetimeSeconds: number): Promise<StunAnswer> {
    const lifetime = Buffer.alloc(4);
    lifetime.writeUInt32BE(lifetimeSeconds, 0);
    return this.signed(METHOD.refresh, [attr(ATTR.lifetime, lifetime)]);
  }

  close(): void {
    this.udp?.close();
    this.tcp?.destroy();
  }

  private async signed(method: number, attrs: Attr[]): Promise<StunAnswer> {
    if (!this.key || !this.username || !this.realm || !this.nonce) throw new Error('allocate first');
    const auth = [
      attr(ATTR.username, Buffer.from(this.username)),
      attr(ATTR.realm, Buffer.from(this.realm)),
      attr(ATTR.nonce, Buffer.from(this.nonce)),
    ];
    const answer = await this.request(method, [...attrs, ...auth], this.key);
    // A stale nonce (438) comes with a fresh one: sign again with it, once.
    if (answer.error === 438 && answer.nonce) {
      this.nonce = answer.nonce;
      return this.signed(method, attrs);
    }
    return answer;
  }

  private request(method: number, attrs: Attr[], key?: Buffer): Promise<StunAnswer> {
    const id = randomBytes(12);
    const message = encode(method, id, attrs, key);
    return new Promise((resolveAnswer, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id.toString('hex'));
        reject(new Error(`no answer from ${this.host}:${this.port} in 3 s`));
      }, 3000);
      this.waiting.set(id.toString('hex'), (m) => {
        clearTimeout(timer);
        const { id: _id, ...answer } = decode(m);
        resolveAnswer(answer);
      });
      if (this.udp) this.udp.send(message, this.port, this.host);
      else this.tcp!.write(message);
    });
  }

  private received(message: Buffer): void {
    if (message.length < 20) return;
    const id = message.subarray(8, 20).toString('hex');
    const resolveWaiting = this.waiting.get(id);
    this.waiting.delete(id);
    resolveWaiting?.(message);
  }
}
