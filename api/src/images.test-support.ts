/**
 * Real, decodable images built in memory for avatar tests (no fixtures on disk).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import encodeJpeg, { init as initJpegEncode } from '@jsquash/jpeg/encode.js';
import { encodeWebp } from './services/image-codec';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A solid-colour RGB PNG of the given size. */
export function png(width: number, height: number, rgb: [number, number, number] = [200, 40, 40]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG with an extra chunk of `payload` between IHDR and IDAT (a polyglot, as an attacker makes). */
export function pngWithChunk(width: number, height: number, type: string, payload: string): Buffer {
  const image = png(width, height);
  // IHDR ends at 8 (signature) + 8 + 13 + 4.
  const at = 8 + 8 + 13 + 4;
  return Buffer.concat([image.subarray(0, at), chunk(type, Buffer.from(payload, 'latin1')), image.subarray(at)]);
}

const solid = (width: number, height: number, rgb: [number, number, number]) => ({
  data: new Uint8ClampedArray(Array.from({ length: width * height }, () => [...rgb, 255]).flat()),
  width,
  height,
  colorSpace: 'srgb' as const,
});

/** A real WebP of the given size (encoded by the same maintained codec the API decodes with). */
export async function webp(
  width: number,
  height: number,
  rgb: [number, number, number] = [40, 120, 200],
): Promise<Buffer> {
  return Buffer.from(await encodeWebp(solid(width, height, rgb)));
}

/** A real baseline JPEG of the given size (mozjpeg, from npm). */
export async function jpeg(
  width: number,
  height: number,
  rgb: [number, number, number] = [40, 160, 60],
): Promise<Buffer> {
  jpegReady ??= (async () => {
    const wasmBinary = await readFile(
      createRequire(import.meta.url).resolve('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'),
    );
    await initJpegEncode({ wasmBinary, print: () => {}, printErr: () => {} });
  })();
  await jpegReady;
  return Buffer.from(await encodeJpeg(solid(width, height, rgb) as Parameters<typeof encodeJpeg>[0], { quality: 90 }));
}
let jpegReady: Promise<void> | undefined;
