import type { IncomingMessage } from 'node:http';
import { RequestBodyError } from './request-body-error.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export interface BodyLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

/**
 * Nesting depth of JSON text, tracked a chunk at a time, so a body nested millions of levels is
 * refused at the first level too many instead of after a full (event-loop blocking) JSON.parse.
 */
class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly maxDepth: number) {}

  /** Throws RequestBodyError once the text nests deeper than allowed. */
  scan(chunk: Uint8Array): void {
    for (const byte of chunk) {
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.depth++;
        if (this.depth > this.maxDepth)
          throw new RequestBodyError(
            400,
            'BODY_TOO_DEEP',
            `request body nests deeper than ${String(this.maxDepth)} levels`,
          );
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
      }
    }
  }
}

/**
 * The request's JSON body, checked for size (Content-Length first, then as bytes arrive) and
 * nesting while it is read; only a body within both limits reaches JSON.parse.
 */
export function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const tooLarge = (): RequestBodyError =>
    new RequestBodyError(
      413,
      'BODY_TOO_LARGE',
      `request body over ${String(limits.maxBytes)} bytes (mcp.http.maxBodyBytes)`,
    );
  if (Number(req.headers['content-length'] ?? 0) > limits.maxBytes) {
    // The rest is read and dropped (not destroyed), so the client still gets the answer.
    req.resume();
    return Promise.reject(tooLarge());
  }
  const scanner = new JsonDepthScanner(limits.maxDepth);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      try {
        if (size > limits.maxBytes) throw tooLarge();
        scanner.scan(chunk);
      } catch (error) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.resume();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch (error) {
        reject(
          new RequestBodyError(
            400,
            'MALFORMED_REQUEST',
            `Parse error: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}
