import type { SwitchyardError } from '@switchyard/core';
import type { Envelope, Transport } from '@switchyard/core/internal';
import { CommunicationError } from '@switchyard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred } from './deferred.js';
import { taskRequestEnvelope, taskResponseEnvelope } from './envelope-builders.js';
import type { TransportFixture } from './transport-fixture.js';
import { waitUntil } from './wait-until.js';

const SENDER = 'orchestrator';
const RECEIVER = 'agent.receiver';

/**
 * The behaviour every Transport must have. Run it from each transport package's tests:
 * `runTransportConformanceSuite('memory', async () => fixture)`.
 */
export function runTransportConformanceSuite(name: string, createFixture: () => Promise<TransportFixture>): void {
  describe(`${name} transport conformance`, () => {
    let fixture: TransportFixture;
    let opened: Transport[];
    let errors: SwitchyardError[];

    async function open(): Promise<Transport> {
      const transport = await fixture.connect();
      transport.onerror = (error) => errors.push(error);
      await transport.start();
      opened.push(transport);
      return transport;
    }

    beforeEach(async () => {
      fixture = await createFixture();
      opened = [];
      errors = [];
    });

    afterEach(async () => {
      await Promise.all(opened.map((transport) => transport.stop()));
      await fixture.dispose();
    });

    it('delivers an envelope intact to the subscriber at its address', async () => {
      const [sender, receiver] = [await open(), await open()];
      const received: Envelope[] = [];
      await receiver.subscribe(RECEIVER, (envelope) => {
        received.push(envelope);
      });
      const envelope = taskRequestEnvelope(SENDER, RECEIVER, 1, 'corr-1');
      await sender.send(envelope);
      await waitUntil(() => received.length === 1, 'the envelope arrives');
      expect(received[0]).toEqual(envelope);
    });

    it('carries a task_progress envelope intact, in order with the answer published after it', async () => {
      const [sender, receiver] = [await open(), await open()];
      const received: Envelope[] = [];
      await receiver.subscribe(RECEIVER, (envelope) => {
        received.push(envelope);
      });
      const request = taskRequestEnvelope(RECEIVER, SENDER, 7);
      const report: Envelope = {
        id: 'progress-7',
        kind: 'task_progress',
        from: SENDER,
        to: RECEIVER,
        priority: 'normal',
        sentAt: Date.now(),
        payload: {
          taskId: 'task-7',
          attempt: 1,
          fence: 'fence-7',
          agentId: 'agent-7',
          session: 's'.repeat(32),
          message: 'half way',
          fraction: 0.5,
          partial: { rows: [1, 2] },
        },
      };
      const answer = { ...taskResponseEnvelope(request, 'agent-7'), from: SENDER, to: RECEIVER };
      await sender.publish(report);
      await sender.publish(answer);
      await waitUntil(() => received.length === 2, 'the report and the answer arrive');
      expect(received).toEqual([report, answer]);
    });

    it('keeps the order of envelopes from one sender', async () => {
      const [sender, receiver] = [await open(), await open()];
      const sequence: number[] = [];
      await receiver.subscribe(RECEIVER, (envelope) => {
        if (envelope.kind === 'task_request') sequence.push((envelope.payload.data as { sequence: number }).sequence);
      });
      const count = 500;
      await Promise.all(
        Array.from({ length: count }, (_, index) => sender.send(taskRequestEnvelope(SENDER, RECEIVER, index))),
      );
      await waitUntil(() => sequence.length === count, `${String(count)} envelopes arrive`);
      expect(sequence).toEqual(Array.from({ length: count }, (_, index) => index));
    });

    it('carries correlation ids so concurrent requests and out-of-order replies match up', async () => {
      const [requester, responder] = [await open(), await open()];
      const held: Envelope[] = [];
      await responder.subscribe(RECEIVER, (request) => {
        held.push(request);
      });
      const replies = new Map<string, Envelope>();
      await requester.subscribe(SENDER, (reply) => {
        if (reply.correlationId !== undefined) replies.set(reply.correlationId, reply);
      });
      const requests = Array.from({ length: 50 }, (_, index) => taskRequestEnvelope(SENDER, RECEIVER, index));
      await Promise.all(requests.map((request) => requester.send(request)));
      await waitUntil(() => held.length === requests.length, 'every request arrives');
      // Answer in reverse order: correlation, not arrival order, must pair them.
      for (const request of [...held].reverse()) await responder.send(taskResponseEnvelope(request, 'receiver'));
      await waitUntil(() => replies.size === requests.length, 'every reply arrives');
      for (const request of requests) {
        const reply = replies.get(request.id);
        expect(reply?.kind).toBe('task_response');
        expect(reply?.kind === 'task_response' ? reply.payload.result : undefined).toEqual({ answered: request.id });
      }
    });

    it('publishes without waiting for the receiver, in order with sends, and without error when nobody listens', async () => {
      const [sender, receiver] = [await open(), await open()];
      const sequence: number[] = [];
      await receiver.subscribe(RECEIVER, (envelope) => {
        if (envelope.kind === 'task_request') sequence.push((envelope.payload.data as { sequence: number }).sequence);
      });
      await sender.publish(taskRequestEnvelope(SENDER, RECEIVER, 0));
      await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 1));
      await sender.publish(taskRequestEnvelope(SENDER, RECEIVER, 2));
      await waitUntil(() => sequence.length === 3, 'all three arrive');
      expect(sequence).toEqual([0, 1, 2]);
      await expect(sender.publish(taskRequestEnvelope(SENDER, 'agent.nobody', 3))).resolves.toBeUndefined();
      await sender.stop();
      await expect(sender.publish(taskRequestEnvelope(SENDER, RECEIVER, 4))).rejects.toMatchObject({
        code: 'TRANSPORT_CLOSED',
      });
    });

    it('rejects a send to an address nobody listens at with UNKNOWN_ADDRESS', async () => {
      const sender = await open();
      const failure = await sender
        .send(taskRequestEnvelope(SENDER, 'agent.nobody', 1))
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CommunicationError);
      expect((failure as CommunicationError).code).toBe('UNKNOWN_ADDRESS');
    });

    it('delivers detached sends in order with sends and publishes, and tells their sender only of failures, once and later', async () => {
      const [sender, receiver] = [await open(), await open()];
      const sequence: number[] = [];
      await receiver.subscribe(RECEIVER, (envelope) => {
        if (envelope.kind === 'task_request') sequence.push((envelope.payload.data as { sequence: number }).sequence);
      });
      const failures: { sequence: unknown; code: string }[] = [];
      const onFailure = (envelope: Envelope, error: Error): void => {
        failures.push({
          sequence:
            envelope.kind === 'task_request' ? (envelope.payload.data as { sequence: number }).sequence : undefined,
          code: error instanceof CommunicationError ? error.code : String(error),
        });
      };
      sender.sendDetached(taskRequestEnvelope(SENDER, RECEIVER, 0), onFailure);
      await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 1));
      sender.sendDetached(taskRequestEnvelope(SENDER, RECEIVER, 2), onFailure);
      await sender.publish(taskRequestEnvelope(SENDER, RECEIVER, 3));
      sender.sendDetached(taskRequestEnvelope(SENDER, 'agent.nobody', 4), onFailure);
      // Never from inside the call: the caller is not re-entered.
      expect(failures).toEqual([]);
      await waitUntil(
        () => sequence.length === 4 && failures.length === 1,
        'the four delivered arrive and the undeliverable one is reported',
      );
      expect(sequence).toEqual([0, 1, 2, 3]);
      expect(failures).toEqual([{ sequence: 4, code: 'UNKNOWN_ADDRESS' }]);
      await sender.stop();
      sender.sendDetached(taskRequestEnvelope(SENDER, RECEIVER, 5), onFailure);
      expect(failures).toHaveLength(1);
      await waitUntil(() => failures.length === 2, 'the refusal after stop is reported');
      expect(failures[1]).toEqual({ sequence: 5, code: 'TRANSPORT_CLOSED' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(failures).toHaveLength(2);
      expect(sequence).toEqual([0, 1, 2, 3]);
    });

    it('refuses to send before start and after stop with TRANSPORT_CLOSED', async () => {
      const receiver = await open();
      await receiver.subscribe(RECEIVER, () => undefined);
      const unstarted = await fixture.connect();
      const beforeStart = await unstarted
        .send(taskRequestEnvelope(SENDER, RECEIVER, 1))
        .catch((error: unknown) => error);
      expect((beforeStart as CommunicationError).code).toBe('TRANSPORT_CLOSED');
      const sender = await open();
      await sender.stop();
      const afterStop = await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 2)).catch((error: unknown) => error);
      expect((afterStop as CommunicationError).code).toBe('TRANSPORT_CLOSED');
      await sender.stop();
    });

    it('finishes the handlers already running when stopped while busy, then takes no more', async () => {
      const [sender, receiver] = [await open(), await open()];
      const release = deferred();
      const started: number[] = [];
      const finished: number[] = [];
      await receiver.subscribe(RECEIVER, async (envelope) => {
        const sequence =
          envelope.kind === 'task_request' ? (envelope.payload.data as { sequence: number }).sequence : -1;
        started.push(sequence);
        await release.promise;
        finished.push(sequence);
      });
      for (let index = 0; index < 3; index++) await sender.send(taskRequestEnvelope(SENDER, RECEIVER, index));
      await waitUntil(() => started.length === 3, 'three handlers are running');
      let stopped = false;
      const stopping = receiver.stop().then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stopped).toBe(false);
      release.resolve();
      await stopping;
      expect(finished).toEqual([0, 1, 2]);
      const afterStop = await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 9)).catch((error: unknown) => error);
      expect((afterStop as CommunicationError).code).toBe('UNKNOWN_ADDRESS');
    });

    it('drops a malformed message, reports it, and keeps delivering valid ones', async () => {
      const [sender, receiver] = [await open(), await open()];
      const received: Envelope[] = [];
      await receiver.subscribe(RECEIVER, (envelope) => {
        received.push(envelope);
      });
      await fixture.injectMalformed(RECEIVER, { kind: 'task_request', id: 42, payload: 'not a payload' });
      await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 7));
      await waitUntil(() => received.length === 1, 'the valid envelope arrives');
      await waitUntil(() => errors.length > 0, 'the malformed message is reported');
      expect(received).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(CommunicationError);
      expect(errors[0]?.code).toBe('MALFORMED_MESSAGE');
    });

    it('reports a handler that throws and keeps delivering', async () => {
      const [sender, receiver] = [await open(), await open()];
      let calls = 0;
      await receiver.subscribe(RECEIVER, () => {
        calls++;
        if (calls === 1) throw new Error('handler exploded');
      });
      await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 1));
      await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 2));
      await waitUntil(() => calls === 2, 'both envelopes reach the handler');
      await waitUntil(() => errors.length === 1, 'the failure is reported');
      expect(errors[0]?.message).toContain('handler exploded');
    });

    it('stops delivering to a handler after unsubscribe', async () => {
      const [sender, receiver] = [await open(), await open()];
      const received: Envelope[] = [];
      const subscription = await receiver.subscribe(RECEIVER, (envelope) => {
        received.push(envelope);
      });
      await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 1));
      await waitUntil(() => received.length === 1, 'the first envelope arrives');
      await subscription.unsubscribe();
      const failure = await sender.send(taskRequestEnvelope(SENDER, RECEIVER, 2)).catch((error: unknown) => error);
      expect((failure as CommunicationError).code).toBe('UNKNOWN_ADDRESS');
      expect(received).toHaveLength(1);
    });

    it('can be stopped twice', async () => {
      const transport = await open();
      await transport.stop();
      await expect(transport.stop()).resolves.toBeUndefined();
    });
  });
}
