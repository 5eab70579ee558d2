import { readFileSync } from 'node:fs';
import type { SwitchyardError } from '@switchyard/core';
import type {
  Envelope,
  EnvelopeHandler,
  Transport,
  TransportSubscription,
  UndeliveredHandler,
} from '@switchyard/core/internal';

/**
 * Fault injection for the chaos run (tools/chaos), off unless this variable names a file: once
 * the file holds a whole number N, the process SIGKILLs itself at the moment it would send its
 * N-th task_request from then on. By then the durable distributor has written the attempt's
 * claim to the journal, so this is the crash between journal write and send.
 */
export const CRASH_BEFORE_SEND_FILE_ENV = 'CHAOS_CRASH_BEFORE_SEND_FILE';

/** How often the file is read: arming needs no precision, and the hot path reads nothing. */
const POLL_MS = 50;

/** A transport that passes everything on to `inner`, and crashes instead of sending the armed task_request. */
export class CrashBeforeSendTransport implements Transport {
  /** task_requests still to send before the crash; undefined while unarmed. */
  private remaining: number | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private complained = false;

  constructor(
    private readonly inner: Transport,
    private readonly file: string,
    private readonly crash: () => void = () => process.kill(process.pid, 'SIGKILL'),
    private readonly complain: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  get onerror(): ((error: SwitchyardError) => void) | undefined {
    return this.inner.onerror;
  }

  set onerror(handler: ((error: SwitchyardError) => void) | undefined) {
    this.inner.onerror = handler;
  }

  /** Whether the file has armed it (for tests). */
  get armed(): boolean {
    return this.remaining !== undefined;
  }

  async start(): Promise<void> {
    await this.inner.start();
    this.poll ??= setInterval(() => {
      this.readFile();
    }, POLL_MS);
    this.poll.unref();
    this.readFile();
  }

  async stop(): Promise<void> {
    clearInterval(this.poll);
    this.poll = undefined;
    await this.inner.stop();
  }

  send(envelope: Envelope): Promise<void> {
    this.crashIfDue(envelope);
    return this.inner.send(envelope);
  }

  sendDetached(envelope: Envelope, onFailure: UndeliveredHandler): void {
    this.crashIfDue(envelope);
    this.inner.sendDetached(envelope, onFailure);
  }

  publish(envelope: Envelope): Promise<void> {
    this.crashIfDue(envelope);
    return this.inner.publish(envelope);
  }

  subscribe(address: string, handler: EnvelopeHandler): Promise<TransportSubscription> {
    return this.inner.subscribe(address, handler);
  }

  private crashIfDue(envelope: Envelope): void {
    if (this.remaining === undefined || envelope.kind !== 'task_request') return;
    this.remaining--;
    if (this.remaining === 0) this.crash();
  }

  private readFile(): void {
    if (this.remaining !== undefined) return;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8').trim();
    } catch {
      return; // Not written yet: unarmed.
    }
    const count = Number(text);
    if (text !== '' && Number.isInteger(count) && count >= 1) {
      this.remaining = count;
      clearInterval(this.poll);
    } else if (!this.complained) {
      this.complained = true;
      this.complain(
        `${CRASH_BEFORE_SEND_FILE_ENV}: ${this.file} holds '${text.slice(0, 40)}', not a whole number of at least 1; not armed`,
      );
    }
  }
}

/** `transport` itself, or wrapped to crash before a send when CHAOS_CRASH_BEFORE_SEND_FILE is set. */
export function crashBeforeSendFromEnv(transport: Transport, env: NodeJS.ProcessEnv): Transport {
  const file = env[CRASH_BEFORE_SEND_FILE_ENV];
  return file === undefined || file === '' ? transport : new CrashBeforeSendTransport(transport, file);
}
