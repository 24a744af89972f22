/**
 * Reading a small request body as text, with a size limit, on the internal
 * (per-REGISTER, per-call) paths. Under @hono/node-server it reads Node's
 * request stream directly: going through the web Request's body stream
 * costs about as much again as the whole realtime lookup (measured in
 * bench/). Under `app.request()` (tests) it reads the Request as usual.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { AppError } from '../errors';

const tooLarge = (max: number) =>
  new AppError(413, 'too_large', `The request body may be at most ${Math.round(max / 1024)} KiB.`);

export async function readText(c: Context, max: number): Promise<string> {
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > max) throw tooLarge(max);
    return text;
  }
  // Plain stream events: cheaper than an async iterator for bodies that arrive in one chunk.
  return new Promise<string>((resolveText, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        incoming.destroy();
        reject(tooLarge(max));
        return;
      }
      chunks.push(chunk);
    });
    incoming.once('end', () =>
      resolveText(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    incoming.once('error', reject);
  });
}
