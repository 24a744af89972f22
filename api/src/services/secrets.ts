/**
 * Keys derived from the server's root key, and the primitives built on them:
 * keyed hashes of identity document numbers, sealed SIP secrets, and
 * password hashing with scrypt.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';

export type Keys = { idHash: Buffer; seal: Buffer; loginCode: Buffer };

/** Separate keys for separate purposes, so one leaking does not give the other. */
export function deriveKeys(root: Buffer): Keys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', root, 'realcall', info, 32));
  return {
    idHash: derive('id-number-hash v1'),
    seal: derive('sip-secret-seal v1'),
    loginCode: derive('login-code-hash v1'),
  };
}

/** HMAC-SHA256 of a normalised identity document number, hex. */
export const hashIdNumber = (keys: Keys, normalised: string): string =>
  createHmac('sha256', keys.idHash).update(normalised, 'utf8').digest('hex');

/** HMAC-SHA256 of a one-time login code, bound to the person and the address it was sent to, hex. */
export const hashLoginCode = (keys: Keys, userId: number, sentTo: string, code: string): string =>
  createHmac('sha256', keys.loginCode).update(`${userId}\n${sentTo}\n${code}`, 'utf8').digest('hex');

/** Compares two hex digests in constant time. */
export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A fresh SIP secret: 192 random bits, URL-safe. Never derived from the password. */
export const newSipSecret = (): string => randomBytes(24).toString('base64url');

/** Whose SIP secret a sealed value is (bound into the seal, so one person's cannot be moved to another). */
export const sipSecretOwner = (userId: number) => `user:${userId}`;

/** AES-256-GCM, as `v1.<iv>.<tag>.<ciphertext>` in base64url; `aad` binds it to its owner. */
export function seal(keys: Keys, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.seal, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Opens what `seal` made; throws when the key, the owner or the bytes differ. */
export function unseal(keys: Keys, sealed: string, aad: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown sealed format');
  const decipher = createDecipheriv('aes-256-gcm', keys.seal, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** MD5 of `user:realm:secret`: what PJSIP's `password_digest=md5:` wants (RFC 2617 HA1). */
export const sipHa1 = (user: string, realm: string, secret: string): string =>
  createHash('md5').update(`${user}:${realm}:${secret}`, 'utf8').digest('hex');

export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** The SHA-256 of a secret, computed once, for `matchesDigest`. */
export const digestOf = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** Whether `candidate` is the secret behind `digest`; digests compared in constant time, so neither length nor content leaks. */
export const matchesDigest = (candidate: string, digest: Buffer): boolean =>
  timingSafeEqual(createHash('sha256').update(candidate).digest(), digest);

const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEY_LEN = 32;

function scryptAsync(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolvePromise, reject) => {
    scrypt(password, salt, KEY_LEN, { N, r, p, maxmem: 256 * N * r }, (err, key) =>
      err ? reject(err) : resolvePromise(key),
    );
  });
}

/** `scrypt$<logN>$<r>$<p>$<salt>$<hash>`; the cost travels with the hash, so it can be raised later. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, logN, SCRYPT_R, SCRYPT_P);
  return ['scrypt', logN, SCRYPT_R, SCRYPT_P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), Number(logN), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
