/**
 * Avatars: PNG, JPEG or WebP, recognised by their content (signature,
 * header structure, dimensions and end marker), never by a name or a
 * declared type — then decoded and re-encoded (image-codec.ts) as one WebP
 * of at most AVATAR_SIDE × AVATAR_SIDE, so only pixels are ever stored or
 * served: no chunk, comment, metadata or trailing byte of the upload
 * survives. Without one, the web draws initials.
 */
import { createHash } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { appMeta, avatars, sipAccounts, users } from '../../../db/schema';
import { AppError } from '../errors';
import { decode, encodeWebp, fitWithin } from './image-codec';

export const MAX_AVATAR_BYTES = 256 * 1024;
export const MAX_AVATAR_SIDE = 2048;
/** What is stored and served: at most this many pixels on each side. */
export const AVATAR_SIDE = 256;

export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type AvatarType = (typeof AVATAR_TYPES)[number];

export type ImageInfo = { mime: AvatarType; width: number; height: number };

const invalid = (message: string) => new AppError(415, 'invalid_image', message);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** Reads an image's type and size from its bytes; throws 415 when it is none of ours or malformed. */
export function inspectImage(data: Buffer): ImageInfo {
  const info = inspectPng(data) ?? inspectJpeg(data) ?? inspectWebp(data);
  if (!info) throw invalid('The file is not a PNG, JPEG or WebP image.');
  if (info.width < 1 || info.height < 1 || info.width > MAX_AVATAR_SIDE || info.height > MAX_AVATAR_SIDE) {
    throw invalid(`The image must be between 1×1 and ${MAX_AVATAR_SIDE}×${MAX_AVATAR_SIDE} pixels.`);
  }
  return info;
}

function inspectPng(d: Buffer): ImageInfo | undefined {
  if (d.length < 8 || !d.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (d.length < 45 || d.toString('latin1', 12, 16) !== 'IHDR' || d.readUInt32BE(8) !== 13) {
    throw invalid('The PNG has no valid header.');
  }
  if (!d.subarray(d.length - 12).equals(PNG_IEND)) throw invalid('The PNG is truncated (no IEND chunk).');
  return { mime: 'image/png', width: d.readUInt32BE(16), height: d.readUInt32BE(20) };
}

function inspectJpeg(d: Buffer): ImageInfo | undefined {
  if (d.length < 4 || d[0] !== 0xff || d[1] !== 0xd8 || d[2] !== 0xff) return undefined;
  let i = 2;
  while (i + 9 < d.length) {
    if (d[i] !== 0xff) throw invalid('The JPEG is malformed.');
    const marker = d[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const length = d.readUInt16BE(i + 2);
    if (length < 2) throw invalid('The JPEG is malformed.');
    // SOF0–SOF15 carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (d.lastIndexOf(Buffer.from([0xff, 0xd9])) < i) throw invalid('The JPEG is truncated (no end marker).');
      return { mime: 'image/jpeg', height: d.readUInt16BE(i + 5), width: d.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  throw invalid('The JPEG has no frame header.');
}

function inspectWebp(d: Buffer): ImageInfo | undefined {
  if (d.length < 12 || d.toString('latin1', 0, 4) !== 'RIFF' || d.toString('latin1', 8, 12) !== 'WEBP')
    return undefined;
  if (d.readUInt32LE(4) + 8 !== d.length) throw invalid('The WebP is truncated or has trailing bytes.');
  if (d.length < 30) throw invalid('The WebP has no valid header.');
  const chunk = d.toString('latin1', 12, 16);
  if (chunk === 'VP8X') {
    return { mime: 'image/webp', width: d.readUIntLE(24, 3) + 1, height: d.readUIntLE(27, 3) + 1 };
  }
  if (chunk === 'VP8L' && d[20] === 0x2f) {
    const bits = d.readUInt32LE(21);
    return { mime: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ' && d[23] === 0x9d && d[24] === 0x01 && d[25] === 0x2a) {
    return { mime: 'image/webp', width: d.readUInt16LE(26) & 0x3fff, height: d.readUInt16LE(28) & 0x3fff };
  }
  throw invalid('The WebP has no valid header.');
}

export type StoredAvatar = { mime: 'image/webp'; width: number; height: number; uploaded: ImageInfo };

/** Checks, decodes and re-encodes an upload; what `setAvatar` stores. Throws 415 for anything that is not a whole image. */
export async function reencodeAvatar(data: Buffer): Promise<{ webp: Buffer; stored: StoredAvatar }> {
  if (data.length > MAX_AVATAR_BYTES) {
    throw new AppError(413, 'too_large', `An avatar may be at most ${MAX_AVATAR_BYTES / 1024} KiB.`);
  }
  const uploaded = inspectImage(data);
  const type = uploaded.mime === 'image/png' ? 'png' : uploaded.mime === 'image/jpeg' ? 'jpeg' : 'webp';
  let pixels;
  try {
    pixels = await decode(type, data);
  } catch {
    throw invalid('The image could not be decoded.');
  }
  if (pixels.width !== uploaded.width || pixels.height !== uploaded.height) {
    throw invalid('The image is not what its header says.');
  }
  const small = fitWithin(pixels, AVATAR_SIDE);
  const webp = Buffer.from(await encodeWebp(small));
  return { webp, stored: { mime: 'image/webp', width: small.width, height: small.height, uploaded } };
}

/** Stores (or replaces) a person's avatar: only the re-encoded pixels, never the uploaded bytes. */
export async function setAvatar(db: Db, userId: number, data: Buffer, now = Date.now()): Promise<StoredAvatar> {
  const { webp, stored } = await reencodeAvatar(data);
  const etag = createHash('sha256').update(webp).digest('base64url').slice(0, 27);
  const values = { mime: stored.mime, data: webp, etag, updatedAt: new Date(now) };
  db.insert(avatars)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: avatars.userId, set: values })
    .run();
  return stored;
}

const REENCODED_MARK = 'avatars_reencoded';

/**
 * Re-encodes avatars stored before uploads were re-encoded, once per
 * database; one that cannot be decoded is removed (it was never a whole
 * image). Returns how many were re-encoded and removed.
 */
export async function reencodeStoredAvatars(db: Db): Promise<{ reencoded: number; removed: number }> {
  const counts = { reencoded: 0, removed: 0 };
  if (db.select().from(appMeta).where(eq(appMeta.key, REENCODED_MARK)).get()) return counts;
  for (const row of db.select().from(avatars).where(ne(avatars.mime, 'image/webp')).all()) {
    try {
      const { webp } = await reencodeAvatar(row.data);
      const etag = createHash('sha256').update(webp).digest('base64url').slice(0, 27);
      db.update(avatars).set({ mime: 'image/webp', data: webp, etag }).where(eq(avatars.userId, row.userId)).run();
      counts.reencoded += 1;
    } catch {
      db.delete(avatars).where(eq(avatars.userId, row.userId)).run();
      counts.removed += 1;
    }
  }
  db.insert(appMeta).values({ key: REENCODED_MARK, value: '1' }).onConflictDoNothing().run();
  return counts;
}

export function removeAvatar(db: Db, userId: number): void {
  db.delete(avatars).where(eq(avatars.userId, userId)).run();
}

/** The avatar of an enabled person by extension. */
export function avatarByExtension(db: Db, extension: string): { mime: string; data: Buffer; etag: string } | undefined {
  return db
    .select({ mime: avatars.mime, data: avatars.data, etag: avatars.etag })
    .from(sipAccounts)
    .innerJoin(users, and(eq(users.id, sipAccounts.userId), eq(users.disabled, false)))
    .innerJoin(avatars, eq(avatars.userId, sipAccounts.userId))
    .where(eq(sipAccounts.extension, extension))
    .get();
}
