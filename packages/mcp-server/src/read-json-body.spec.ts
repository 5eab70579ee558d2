import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from './read-json-body.js';

function request(
  chunks: readonly string[],
  headers: Record<string, string> = {},
): { req: IncomingMessage; written: () => number } {
  const stream = new PassThrough();
  let written = 0;
  const req = Object.assign(stream, { headers }) as unknown as IncomingMessage;
  // Feed one chunk per turn, as a socket would, so the reader can stop early.
  const feed = (index: number): void => {
    const chunk = chunks[index];
    if (chunk === undefined) {
      stream.end();
      return;
    }
    written++;
    stream.write(chunk);
    setImmediate(() => {
      feed(index + 1);
    });
  };
  feed(0);
  return { req, written: () => written };
}

describe('readJsonBody', () => {
  it('parses a body within the limits, brackets inside strings not counted as nesting', async () => {
    const { req } = request(['{"a":"[[[[[[[[", "b"', ':[1,{"c":"\\\\"}]}']);
    await expect(readJsonBody(req, { maxBytes: 1_000, maxDepth: 3 })).resolves.toEqual({
      a: '[[[[[[[[',
      b: [1, { c: '\\' }],
    });
  });

  it('refuses nesting past maxDepth in the chunk where it happens, before the rest arrives', async () => {
    const chunks = ['['.repeat(65_536), ...Array.from({ length: 30 }, () => '['.repeat(65_536))];
    const { req, written } = request(chunks);
    await expect(readJsonBody(req, { maxBytes: 10 * 1024 * 1024, maxDepth: 136 })).rejects.toMatchObject({
      status: 400,
      code: 'BODY_TOO_DEEP',
    });
    expect(written()).toBeLessThan(chunks.length);
  });

  it('refuses a body over maxBytes by its Content-Length or as it streams (413)', async () => {
    await expect(
      readJsonBody(request(['{}'], { 'content-length': '5000' }).req, { maxBytes: 1_000, maxDepth: 10 }),
    ).rejects.toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    await expect(
      readJsonBody(request(['"', 'x'.repeat(600), 'x'.repeat(600), '"']).req, { maxBytes: 1_000, maxDepth: 10 }),
    ).rejects.toMatchObject({ status: 413 });
  });

  it('answers malformed JSON with a parse error', async () => {
    await expect(readJsonBody(request(['{"a":']).req, { maxBytes: 1_000, maxDepth: 10 })).rejects.toMatchObject({
      status: 400,
      code: 'MALFORMED_REQUEST',
    });
  });
});
