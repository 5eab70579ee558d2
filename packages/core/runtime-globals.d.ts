// The few runtime globals core uses, as the web platform defines them: Node, Deno, Bun and browsers
// all provide them. Core's build compiles against this file instead of Node's types, so Node-only
// APIs (Buffer, a timer's unref, process) fail to compile here instead of slipping in.

/** An opaque timer handle: whatever the runtime returns. */
interface RuntimeTimer {
  readonly __runtimeTimer?: never;
}

declare function setTimeout(callback: (...args: never[]) => void, ms?: number, ...args: unknown[]): RuntimeTimer;
declare function clearTimeout(timer: RuntimeTimer | undefined): void;
declare function setInterval(callback: (...args: never[]) => void, ms?: number, ...args: unknown[]): RuntimeTimer;
declare function clearInterval(timer: RuntimeTimer | undefined): void;

declare var performance: { now(): number };

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare var crypto: {
  randomUUID(): string;
  getRandomValues<T extends Uint8Array | Uint16Array | Uint32Array>(array: T): T;
  readonly subtle: { digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer> };
};
declare function queueMicrotask(callback: () => void): void;
