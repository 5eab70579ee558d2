import type { AgentTask } from '@switchyard/agent';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '@switchyard/agent';
import { promptOf } from './fast-agent-server-link.js';
import { fastAgentTools } from './fast-agent-tool.js';

const message = { properties: { message: { type: 'string' } } };

describe('fast-agent tools', () => {
  it('finds agents in both tool shapes: named after the agent (0.8+) and <agent>_send (0.2.x)', () => {
    expect(
      fastAgentTools([
        { name: 'summarizer', inputSchema: message },
        { name: 'translator_send', inputSchema: message },
        { name: 'not_an_agent', inputSchema: { properties: { query: {} } } },
      ]),
    ).toEqual([
      { agent: 'summarizer', tool: 'summarizer' },
      { agent: 'translator', tool: 'translator_send' },
    ]);
  });

  it("gives the agent the task's prompt, or the task data as JSON", () => {
    const task = (data: AgentTask['data']): AgentTask => ({
      id: 't',
      type: 'x',
      data,
      requiredCapabilities: [],
      senderId: 's',
      priority: 'normal',
      attempt: 1,
      weight: 1,
    });
    expect(promptOf(task({ prompt: 'Summarize this', extra: 1 }))).toBe('Summarize this');
    expect(promptOf(task('plain text'))).toBe('plain text');
    expect(promptOf(task({ text: 'no prompt' }))).toBe('{"text":"no prompt"}');
  });
});

describe('CircuitBreaker', () => {
  it('opens at the configured run of failures, stays open for openMs, and a success closes it', () => {
    let now = 0;
    const breaker = new CircuitBreaker(2, 1_000, () => now);
    expect(breaker.failed()).toBe(false);
    expect(breaker.failed()).toBe(true);
    expect(breaker.isOpen).toBe(true);
    // Already open: another failure does not open it again.
    expect(breaker.failed()).toBe(false);
    now = 1_001;
    expect(breaker.isOpen).toBe(false);
    breaker.succeeded();
    expect(breaker.failed()).toBe(false);
    expect(breaker.isOpen).toBe(false);
  });
});
