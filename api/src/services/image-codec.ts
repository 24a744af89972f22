/**
 * Decoding and re-encoding pictures with maintained WebAssembly codecs from
 * npm (@jsquash: libpng via Rust, mozjpeg, libwebp), so nothing that is not
 * pixels survives an upload: any chunk, comment, metadata or trailing bytes
 * are gone, and the result is one format (WebP) at one bounded size.
 *
 * The codecs' own loaders fetch their .wasm over a URL, which Node cannot do
 * for files: each module is read from node_modules and handed to its init()
 * once per process.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import decodePngWasm, { init as initPngDecode } from '@jsquash/png/decode.js';
import decodeJpegWasm, { init as initJpegDecode } from '@jsquash/jpeg/decode.js';
import decodeWebpWasm, { init as initWebpDecode } from '@jsquash/webp/decode.js';
import encodeWebpWasm, { init as initWebpEncode } from '@jsquash/webp/encode.js';
import { simd } from 'wasm-feature-detect';

export type Pixels = { data: Uint8ClampedArray; width: number; height: number; colorSpace: 'srgb' };
export type SourceType = 'png' | 'jpeg' | 'webp';

const resolve = createRequire(import.meta.url).resolve;
const wasmBytes = (spec: string) => readFile(resolve(spec));
/** Emscripten's options: the module's bytes, and no printing of libjpeg/libwebp warnings of their own. */
const emscripten = async (spec: string) => ({ wasmBinary: await wasmBytes(spec), print: () => {}, printErr: () => {} });

let ready: Promise<void> | undefined;

/** Loads every codec once; later calls wait for the same load. */
export function loadCodecs(): Promise<void> {
  ready ??= (async () => {
    await initPngDecode(await wasmBytes('@jsquash/png/codec/pkg/squoosh_png_bg.wasm'));
    await initJpegDecode(await emscripten('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'));
    await initWebpDecode(await emscripten('@jsquash/webp/codec/dec/webp_dec.wasm'));
    // encode.js picks its SIMD build when the engine has SIMD: the .wasm must be the matching one.
    const encoder = (await simd()) ? 'webp_enc_simd.wasm' : 'webp_enc.wasm';
    await initWebpEncode(await emscripten(`@jsquash/webp/codec/enc/${encoder}`));
  })();
  return ready;
}

/** Decodes to RGBA; throws an Error (never the codecs' own non-Error throws). */
export async function decode(type: SourceType, bytes: Uint8Array): Promise<Pixels> {
  await loadCodecs();
  // A fresh ArrayBuffer: the codecs read the whole buffer, ignoring a view's offset.
  const buffer = bytes.slice().buffer;
  type Decoded = { data: Uint8ClampedArray; width: number; height: number } | null;
  let image: Decoded;
  try {
    // The codecs' types name the DOM's ImageData, which this (DOM-less) project does not declare.
    const decoder = (type === 'png' ? decodePngWasm : type === 'jpeg' ? decodeJpegWasm : decodeWebpWasm) as (
      buffer: ArrayBuffer,
    ) => Promise<Decoded>;
    image = await decoder(buffer);
  } catch (err) {
    throw new Error(err instanceof Error ? err.message : 'the image could not be decoded', { cause: err });
  }
  if (!image || !image.width || !image.height) throw new Error('the image could not be decoded');
  return { data: image.data, width: image.width, height: image.height, colorSpace: 'srgb' };
}

/**
 * Shrinks to fit within `maxSide` × `maxSide` by area averaging (each output
 * pixel is the alpha-weighted mean of the source pixels it covers); smaller
 * images are returned as they are.
 */
export function fitWithin(src: Pixels, maxSide: number): Pixels {
  const scale = Math.min(1, maxSide / Math.max(src.width, src.height));
  if (scale === 1) return src;
  const width = Math.max(1, Math.round(src.width * scale));
  const height = Math.max(1, Math.round(src.height * scale));
  const out = new Uint8ClampedArray(width * height * 4);
  const s = src.data;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * src.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * src.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * src.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * src.width) / width));
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0, i = (yy * src.width + x0) * 4; xx < x1; xx++, i += 4) {
          const alpha = s[i + 3]!;
          r += s[i]! * alpha;
          g += s[i + 1]! * alpha;
          b += s[i + 2]! * alpha;
          a += alpha;
        }
      }
      const o = (y * width + x) * 4;
      if (a > 0) {
        out[o] = r / a;
        out[o + 1] = g / a;
        out[o + 2] = b / a;
      }
      out[o + 3] = a / ((y1 - y0) * (x1 - x0));
    }
  }
  return { data: out, width, height, colorSpace: 'srgb' };
}

/** Encodes RGBA as a lossy WebP. */
export async function encodeWebp(pixels: Pixels, quality = 80): Promise<Uint8Array> {
  await loadCodecs();
  try {
    // The codec's types name the DOM's ImageData; what it reads is exactly these fields.
    return new Uint8Array(await encodeWebpWasm(pixels as Parameters<typeof encodeWebpWasm>[0], { quality }));
  } catch (err) {
    throw new Error(err instanceof Error ? err.message : 'the image could not be encoded', { cause: err });
  }
}
