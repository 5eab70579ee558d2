import type { AgentCard, SendMessageRequest, StreamResponse, TaskState as TaskStateValue } from '@a2a-js/sdk';
import { AgentCard as AgentCardCodec, Role, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { ClientFactory, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client';
import type { AgentTask, TaskContext } from '@switchyard/agent';
import { CircuitBreaker, probeWithBackoff, SwitchyardAgent, TaskFailure } from '@switchyard/agent';
import type { JsonValue, Logger } from '@switchyard/core';
import type { Transport } from '@switchyard/core/internal';
import type { A2aAgentsOptions, A2aCard } from './a2a-agents-options.js';
import type { A2aCredentials } from './a2a-credentials.js';
import { a2aCredentials, fetchWithCredentials } from './a2a-credentials.js';
import { a2aFailureKind } from './a2a-failure-kind.js';
import type { ArtifactJson } from './a2a-parts.js';
import { artifactJson, jsonOfPart, partsOfTaskData, textOfParts } from './a2a-parts.js';
import { agentCardUrl, defaultAgentId, skillCapabilities } from './skill-capabilities.js';

/** One A2A agent as the adapter sees it: for logs, `switchyard agents` and tests. */
export interface A2aAgentState {
  readonly agentId: string;
  readonly cardUrl: string;
  readonly reachable: boolean;
  readonly capabilities: readonly string[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((entry, index) => entry === b[index]);
}

/** How an A2A task ended, short of `completed`: the attempt's failure. */
const ENDED: Partial<Record<TaskStateValue, { code: string; what: string }>> = {
  [TaskState.TASK_STATE_FAILED]: { code: 'A2A_TASK_FAILED', what: 'failed' },
  [TaskState.TASK_STATE_REJECTED]: { code: 'A2A_TASK_REJECTED', what: 'rejected the task' },
  [TaskState.TASK_STATE_CANCELED]: { code: 'A2A_TASK_CANCELED', what: 'cancelled the task itself' },
  [TaskState.TASK_STATE_INPUT_REQUIRED]: { code: 'A2A_INPUT_REQUIRED', what: 'asked for more input' },
  [TaskState.TASK_STATE_AUTH_REQUIRED]: { code: 'A2A_AUTH_REQUIRED', what: 'asked for authentication' },
};
/** Interrupted, not ended, on the agent's side: the adapter cancels the A2A task so it does not linger. */
const INTERRUPTED = new Set<TaskStateValue>([TaskState.TASK_STATE_INPUT_REQUIRED, TaskState.TASK_STATE_AUTH_REQUIRED]);

/** Longest progress message the orchestrator takes: a longer status text is cut. */
const PROGRESS_MESSAGE_LENGTH = 2_000;

/** A `working` status update with words is the task's progress (one without words says nothing new). */
function reportProgress(context: TaskContext, parts: Parameters<typeof textOfParts>[0]): void {
  const text = textOfParts(parts);
  if (text !== '') context.progress({ message: text.slice(0, PROGRESS_MESSAGE_LENGTH) });
}

/** How a streamed call ends: its result, or a failure (after cancelling the A2A task when it is only interrupted). */
type CallEnd = { result: JsonValue; failure?: undefined } | { result: null; failure: TaskFailure; cancel: boolean };

/** What one streamed call has gathered so far. */
class CallProgress {
  remoteTaskId: string | undefined;
  readonly artifacts = new Map<string, ArtifactJson>();

  keepArtifact(artifact: ArtifactJson, append: boolean): void {
    const known = this.artifacts.get(artifact.artifactId);
    this.artifacts.set(
      artifact.artifactId,
      append && known !== undefined ? { ...known, parts: [...known.parts, ...artifact.parts] } : artifact,
    );
  }

  result(statusText: string): JsonValue {
    return {
      a2aTaskId: this.remoteTaskId ?? null,
      artifacts: [...this.artifacts.values()].map((artifact) => ({ ...artifact })),
      ...(statusText === '' ? {} : { statusMessage: statusText }),
    };
  }
}

/**
 * One A2A agent, known by its Agent Card's URL: a Switchyard agent whose capabilities are the
 * card's skills (mapped by the config). Up, the card is fetched again every refreshIntervalMs and a
 * changed skill list changes the agent's capabilities in place. A card that cannot be fetched, or a
 * call meeting a refused connection, takes it down at once (offline: its tasks go elsewhere,
 * uncounted), and it is probed with back-off until the card answers again.
 */
export class A2aCardLink {
  private state: 'starting' | 'up' | 'down' = 'starting';
  /** Aborted when the agent goes down: calls in flight end at once. */
  private generation = new AbortController();
  private readonly stopping = new AbortController();
  private agent: SwitchyardAgent | undefined;
  private client: Client | undefined;
  private clientKey: string | undefined;
  private credentials: A2aCredentials = { headers: {}, query: {}, unmet: [] };
  private capabilities: string[] = [];
  private skillOf: ReadonlyMap<string, string> = new Map();
  private readonly breaker: CircuitBreaker;
  private refreshing: Promise<void> | undefined;
  private probing: Promise<void> | undefined;
  private offlineReported: Promise<void> = Promise.resolve();
  readonly cardUrl: string;

  constructor(
    private readonly entry: A2aCard,
    /** Where the entry is in config (`a2a.agents.cards[0]`): errors name it. */
    private readonly field: string,
    private readonly options: A2aAgentsOptions,
    private readonly connect: () => Transport,
    private readonly logger: Logger,
    private readonly idTaken: (agentId: string, by: A2aCardLink) => boolean,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.cardUrl = agentCardUrl(entry.url);
    this.breaker = new CircuitBreaker(options.circuitBreaker.failures, options.circuitBreaker.openMs);
  }

  get agentId(): string | undefined {
    return this.agent?.agentId;
  }

  stateOf(): A2aAgentState | undefined {
    const agent = this.agent;
    if (agent === undefined) return undefined;
    return {
      agentId: agent.agentId,
      cardUrl: this.cardUrl,
      reachable: this.state === 'up',
      capabilities: [...this.capabilities],
    };
  }

  start(): Promise<void> {
    return this.refresh();
  }

  /** Fetches the card again (one fetch at a time) and follows it; an agent that is down is left to its probe. */
  refresh(): Promise<void> {
    if (this.state === 'down' || this.stopping.signal.aborted) return Promise.resolve();
    this.refreshing ??= this.sync()
      .then(() => undefined)
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.probing;
    await this.agent?.stop();
    this.agent = undefined;
    this.generation.abort(new Error('the A2A adapter stopped'));
  }

  private async fetchCard(): Promise<AgentCard> {
    const response = await fetch(this.cardUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.refreshTimeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the agent card at ${this.cardUrl} answered HTTP ${String(response.status)}`);
    }
    return AgentCardCodec.fromJSON(await response.json());
  }

  /** Fetches and follows the card; true when it answered (the agent is up now). */
  private async sync(): Promise<boolean> {
    let card: AgentCard;
    try {
      card = await this.fetchCard();
    } catch (error) {
      if (this.state === 'down')
        this.logger.debug('A2A agent card still not answering', { card: this.cardUrl, error: messageOf(error) });
      else await this.markDown(error);
      return false;
    }
    try {
      await this.follow(card);
    } catch (error) {
      this.logger.error('A2A agent not joined', { card: this.cardUrl, error: messageOf(error) });
      return false;
    }
    return true;
  }

  private async follow(card: AgentCard): Promise<void> {
    const mapped = skillCapabilities(card, this.options.skills);
    if (mapped.refused.length > 0)
      this.logger.warn('A2A skills that are not valid capability names are left out', {
        card: this.cardUrl,
        refused: mapped.refused,
      });
    const capabilities = [...new Set([...mapped.capabilities, ...this.entry.capabilities])];
    this.credentials = a2aCredentials(card, this.entry.auth, this.field, this.env);
    if (this.credentials.unmet.length > 0)
      this.logger.warn('the A2A agent card declares security schemes the config gives no credentials for', {
        card: this.cardUrl,
        schemes: this.credentials.unmet,
      });
    const clientKey = JSON.stringify(card.supportedInterfaces);
    if (this.client === undefined || clientKey !== this.clientKey) {
      const fetchImpl = fetchWithCredentials(() => this.credentials);
      const factory = new ClientFactory({
        transports: [
          // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the SDK types its options as a class it does not export; it reads a plain object
          new JsonRpcTransportFactory({ fetchImpl }),
          // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- as above
          new RestTransportFactory({ fetchImpl }),
        ],
      });
      this.client = await factory.createFromAgentCard(card);
      this.clientKey = clientKey;
    }
    this.skillOf = mapped.skillOf;
    const wasUp = this.state === 'up';
    this.breaker.succeeded();
    this.state = 'up';
    const agent = this.agent;
    if (agent === undefined) {
      await this.join(card, capabilities);
      return;
    }
    if (!wasUp) {
      this.logger.info('A2A agent reachable again: online', { card: this.cardUrl, agentId: agent.agentId });
      await agent.setStatus('online').catch((error: unknown) => {
        this.logger.warn('could not report an A2A agent online', { agentId: agent.agentId, error: messageOf(error) });
      });
    }
    if (!sameList(capabilities, this.capabilities)) {
      await agent.setCapabilities(capabilities);
      this.logger.info('A2A agent card changed: new capabilities', {
        agentId: agent.agentId,
        from: this.capabilities,
        to: capabilities,
      });
      this.capabilities = capabilities;
    }
  }

  private async join(card: AgentCard, capabilities: string[]): Promise<void> {
    const agentId = this.entry.agentId ?? defaultAgentId(card);
    if (this.idTaken(agentId, this)) {
      this.logger.error('A2A agent not registered: its id is taken by another A2A agent (give it an agentId)', {
        card: this.cardUrl,
        agentId,
      });
      return;
    }
    const token = this.entry.token ?? this.options.token;
    const agent = new SwitchyardAgent(
      {
        agentId,
        capabilities,
        priority: this.entry.priority,
        capacity: this.entry.capacity,
        metadata: { a2a: { card: this.cardUrl, name: card.name, version: card.version } },
        ...(token === undefined ? {} : { authToken: token }),
      },
      this.connect(),
      (task, context) => this.call(task, context),
      this.logger,
    );
    await agent.start();
    this.agent = agent;
    this.capabilities = capabilities;
    this.logger.info('A2A agent registered', { card: this.cardUrl, agentId, capabilities });
  }

  /** The agent is unreachable: calls in flight end, it goes offline at once, and a probe waits for its card. */
  private markDown(error: unknown, circuitOpened = false): Promise<void> {
    if (this.state === 'down' || this.stopping.signal.aborted) return this.offlineReported;
    const wasUp = this.state === 'up';
    this.state = 'down';
    this.generation.abort(new Error(`A2A agent at ${this.cardUrl} is unreachable`));
    this.generation = new AbortController();
    if (circuitOpened)
      this.logger.warn('A2A circuit open: the agent failed too many calls in a row, it goes offline', {
        card: this.cardUrl,
        openMs: this.breaker.openMs,
        error: messageOf(error),
      });
    else
      this.logger[wasUp ? 'info' : 'warn'](
        wasUp ? 'A2A agent unreachable: offline' : 'A2A agent card not answering: probing until it does',
        { card: this.cardUrl, error: messageOf(error) },
      );
    const agent = this.agent;
    this.offlineReported =
      agent === undefined
        ? Promise.resolve()
        : agent.setStatus('offline').catch((failure: unknown) => {
            this.logger.warn('could not report an A2A agent offline', {
              agentId: agent.agentId,
              error: messageOf(failure),
            });
          });
    this.probing ??= this.probe().finally(() => {
      this.probing = undefined;
    });
    return this.offlineReported;
  }

  private probe(): Promise<void> {
    return probeWithBackoff({
      stop: this.stopping.signal,
      maxDelayMs: this.options.probeMaxIntervalMs,
      breaker: this.breaker,
      attempt: () => this.sync(),
    });
  }

  private unavailable(): TaskFailure {
    // A refusal, not the task's failure: the agent is offline by now and the task goes elsewhere.
    return new TaskFailure(`A2A agent at ${this.cardUrl} is unreachable: the task goes to another agent or waits`, {
      code: 'AGENT_NOT_ACCEPTING',
    });
  }

  /** The message for a task: its data as parts; metadata names the skill its capability maps to, and the Switchyard task. */
  private request(task: AgentTask): SendMessageRequest {
    const skill = task.requiredCapabilities.map((capability) => this.skillOf.get(capability)).find(Boolean);
    return {
      tenant: '',
      message: {
        messageId: globalThis.crypto.randomUUID(),
        contextId: '',
        taskId: '',
        role: Role.ROLE_USER,
        parts: partsOfTaskData(task.data),
        metadata: {
          ...(skill === undefined ? {} : { skill }),
          switchyard: { taskId: task.id, taskType: task.type, attempt: task.attempt },
        },
        extensions: [],
        referenceTaskIds: [],
      },
      configuration: undefined,
      metadata: undefined,
    };
  }

  /**
   * One task, one streamed A2A message (`message/stream`): status updates are the task's progress,
   * artifacts its result. When the attempt ends or callTimeoutMs passes, the A2A task is cancelled
   * (`tasks/cancel`); if its id has not arrived yet, the stream is read on (up to refreshTimeoutMs)
   * until it does, so the agent is not left working on an orphan.
   */
  private async call(task: AgentTask, context: TaskContext): Promise<JsonValue> {
    const client = this.client;
    if (this.state !== 'up' || client === undefined) {
      await this.offlineReported;
      throw this.unavailable();
    }
    const deadline = AbortSignal.timeout(this.options.callTimeoutMs);
    const serverDown = this.generation.signal;
    const ended = AbortSignal.any([context.signal, deadline]);
    const stream = new AbortController();
    const progress = new CallProgress();
    let giveUp: ReturnType<typeof setTimeout> | undefined;
    const onEnded = (): void => {
      if (progress.remoteTaskId !== undefined) stream.abort();
      else
        giveUp = setTimeout(() => {
          stream.abort();
        }, this.options.refreshTimeoutMs);
    };
    if (ended.aborted) onEnded();
    else ended.addEventListener('abort', onEnded, { once: true });
    try {
      for await (const event of client.sendMessageStream(this.request(task), {
        signal: AbortSignal.any([stream.signal, serverDown]),
      })) {
        const step = this.followEvent(event, progress, context);
        if (ended.aborted) {
          if (progress.remoteTaskId !== undefined) break;
          continue;
        }
        if (step === undefined) continue;
        if (step.failure === undefined) return step.result;
        if (step.cancel) await this.cancelRemote(progress.remoteTaskId);
        throw step.failure;
      }
      if (!ended.aborted)
        throw new TaskFailure(`A2A agent at ${this.cardUrl}: the stream ended before the task did`, {
          code: 'A2A_STREAM_ENDED',
        });
    } catch (error) {
      if (!ended.aborted) {
        if (error instanceof TaskFailure) throw error;
        if (serverDown.aborted) {
          await this.offlineReported;
          throw this.unavailable();
        }
        throw await this.failureOf(error);
      }
    } finally {
      clearTimeout(giveUp);
      ended.removeEventListener('abort', onEnded);
    }
    await this.cancelRemote(progress.remoteTaskId);
    stream.abort();
    if (deadline.aborted)
      throw new TaskFailure(
        `A2A agent at ${this.cardUrl} did not finish within ${String(this.options.callTimeoutMs)} ms; the A2A task was cancelled`,
        { code: 'A2A_TIMEOUT' },
      );
    throw new TaskFailure(`A2A agent at ${this.cardUrl}: the attempt ended; the A2A task was cancelled`, {
      code: 'A2A_CANCELLED',
    });
  }

  /** One streamed event: undefined to read on, or how the call ends (a result, or a failure, after cancelling an interrupted A2A task). */
  private followEvent(event: StreamResponse, progress: CallProgress, context: TaskContext): CallEnd | undefined {
    const payload = event.payload;
    switch (payload?.$case) {
      case 'message':
        // A direct reply, no task: its parts are the result.
        return { result: { message: payload.value.parts.map(jsonOfPart) } };
      case 'task': {
        progress.remoteTaskId = payload.value.id;
        for (const artifact of payload.value.artifacts) progress.keepArtifact(artifactJson(artifact), false);
        const status = payload.value.status;
        return status === undefined
          ? undefined
          : this.statusReached(status.state, status.message?.parts ?? [], progress);
      }
      case 'statusUpdate': {
        progress.remoteTaskId ??= payload.value.taskId;
        const status = payload.value.status;
        if (status === undefined) return undefined;
        if (status.state === TaskState.TASK_STATE_WORKING) reportProgress(context, status.message?.parts ?? []);
        return this.statusReached(status.state, status.message?.parts ?? [], progress);
      }
      case 'artifactUpdate': {
        progress.remoteTaskId ??= payload.value.taskId;
        const artifact = payload.value.artifact;
        if (artifact !== undefined) progress.keepArtifact(artifactJson(artifact), payload.value.append);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private statusReached(
    state: TaskStateValue,
    parts: Parameters<typeof textOfParts>[0],
    progress: CallProgress,
  ): CallEnd | undefined {
    const text = textOfParts(parts);
    if (state === TaskState.TASK_STATE_COMPLETED) return { result: progress.result(text) };
    const ended = ENDED[state];
    if (ended === undefined) return undefined;
    return {
      result: null,
      failure: new TaskFailure(`A2A agent at ${this.cardUrl} ${ended.what}${text === '' ? '' : `: ${text}`}`, {
        code: ended.code,
        permanent: true,
      }),
      cancel: INTERRUPTED.has(state),
    };
  }

  /** Asks the agent to cancel its task (best effort: it may have finished already). */
  private async cancelRemote(remoteTaskId: string | undefined): Promise<void> {
    const client = this.client;
    if (remoteTaskId === undefined || client === undefined) return;
    try {
      await client.cancelTask(
        { tenant: '', id: remoteTaskId, metadata: undefined },
        { signal: AbortSignal.timeout(this.options.refreshTimeoutMs) },
      );
      this.logger.debug('A2A task cancelled', { card: this.cardUrl, a2aTaskId: remoteTaskId });
    } catch (error) {
      this.logger.debug('A2A task not cancelled', {
        card: this.cardUrl,
        a2aTaskId: remoteTaskId,
        error: messageOf(error),
      });
    }
  }

  private async failureOf(error: unknown): Promise<Error> {
    const kind = a2aFailureKind(error);
    if (kind === 'connection') {
      await this.markDown(error);
      return this.unavailable();
    }
    if (kind === 'unauthorized')
      return new TaskFailure(`A2A agent at ${this.cardUrl} refused the credentials: ${messageOf(error)}`, {
        code: 'A2A_UNAUTHORIZED',
        permanent: true,
      });
    if (kind === 'refused')
      return new TaskFailure(`A2A agent at ${this.cardUrl} refused the request: ${messageOf(error)}`, {
        code: 'A2A_REQUEST_REFUSED',
        permanent: true,
      });
    if (this.breaker.failed()) {
      await this.markDown(error, true);
      return this.unavailable();
    }
    return new TaskFailure(`A2A agent at ${this.cardUrl} failed: ${messageOf(error)}`, { code: 'A2A_SERVER_ERROR' });
  }
}
