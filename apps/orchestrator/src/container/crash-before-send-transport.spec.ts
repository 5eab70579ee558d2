import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '@switchyard/core/internal';
import { InMemoryTransport, MemoryBus } from '@switchyard/transport-memory';
import { taskRequestEnvelope, waitUntil } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CrashBeforeSendTransport,
  crashBeforeSendFromEnv,
  CRASH_BEFORE_SEND_FILE_ENV,
} from './crash-before-send-transport.js';

describe('CrashBeforeSendTransport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-crash-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes everything on until the file arms it, then crashes instead of sending the N-th task_request', async () => {
    const bus = new MemoryBus();
    const receiver = new InMemoryTransport(bus);
    const received: Envelope[] = [];
    await receiver.start();
    await receiver.subscribe('agent.a', (envelope) => {
      received.push(envelope);
    });
    const file = join(dir, 'crash');
    let crashes = 0;
    // A real crash never returns: throwing stands in for it, so nothing after it runs.
    const transport = new CrashBeforeSendTransport(new InMemoryTransport(bus), file, () => {
      crashes++;
      throw new Error('crashed');
    });
    await transport.start();
    try {
      await transport.send(taskRequestEnvelope('orchestrator', 'agent.a', 1));
      expect(transport.armed).toBe(false);
      await writeFile(file, '2\n');
      await waitUntil(() => transport.armed, 'the file armed it', 10_000);
      await transport.send(taskRequestEnvelope('orchestrator', 'agent.a', 2));
      expect(crashes).toBe(0);
      // The crash comes before the envelope is handed on: the journal has the claim, the agent never hears of it.
      expect(() => {
        transport.sendDetached(taskRequestEnvelope('orchestrator', 'agent.a', 3), () => undefined);
      }).toThrow('crashed');
      expect(crashes).toBe(1);
      await transport.send(taskRequestEnvelope('orchestrator', 'agent.a', 4));
      await waitUntil(() => received.length >= 3, 'task-1, task-2 and task-4 arrived', 10_000);
      expect(
        received.map((envelope) => (envelope.kind === 'task_request' ? envelope.payload.taskId : envelope.kind)),
      ).toEqual(['task-1', 'task-2', 'task-4']);
      expect(crashes).toBe(1);
    } finally {
      await transport.stop();
      await receiver.stop();
    }
  });

  it('says once that a file not holding a whole number does not arm it', async () => {
    const file = join(dir, 'crash');
    await writeFile(file, 'soon');
    const lines: string[] = [];
    const transport = new CrashBeforeSendTransport(
      new InMemoryTransport(new MemoryBus()),
      file,
      () => undefined,
      (line) => lines.push(line),
    );
    await transport.start();
    try {
      await waitUntil(() => lines.length > 0, 'it complained', 10_000);
      expect(lines[0]).toContain(
        `${CRASH_BEFORE_SEND_FILE_ENV}: ${file} holds 'soon', not a whole number of at least 1`,
      );
      expect(transport.armed).toBe(false);
    } finally {
      await transport.stop();
    }
  });

  it('wraps the transport only when CHAOS_CRASH_BEFORE_SEND_FILE is set', () => {
    const plain = new InMemoryTransport(new MemoryBus());
    expect(crashBeforeSendFromEnv(plain, {})).toBe(plain);
    expect(crashBeforeSendFromEnv(plain, { [CRASH_BEFORE_SEND_FILE_ENV]: join(dir, 'crash') })).toBeInstanceOf(
      CrashBeforeSendTransport,
    );
  });
});
