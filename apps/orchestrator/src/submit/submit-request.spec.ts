import { ValidationError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { parseSubmitBatch } from './submit-request.js';

function issuesOf(text: string): { field: string; message: string }[] {
  try {
    parseSubmitBatch(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).issues];
  }
  throw new Error('expected the batch to be refused');
}

describe('parseSubmitBatch', () => {
  it('reads one task per line, skipping blank lines and keeping line numbers', () => {
    const batch = parseSubmitBatch(
      '{"type":"summarize","capabilities":["summarize"],"data":{"text":"hi"}}\n\n{"id":"t-2","type":"review","capabilities":["code","review"],"priority":"high","strategy":"round_robin"}\n',
    );
    expect(batch).toEqual([
      { line: 1, request: { type: 'summarize', capabilities: ['summarize'], data: { text: 'hi' } } },
      {
        line: 3,
        request: {
          id: 't-2',
          type: 'review',
          capabilities: ['code', 'review'],
          priority: 'high',
          strategy: 'round_robin',
        },
      },
    ]);
  });

  it('names every bad line and field at once', () => {
    const issues = issuesOf(
      [
        '{"type":"ok","capabilities":["a"]}',
        'not json',
        '{"type":"","capabilities":["bad capability!"]}',
        '{"type":"x","capabilities":["a"],"priority":"urgent","colour":"red"}',
      ].join('\n'),
    );
    expect(issues.map((issue) => issue.field)).toEqual([
      'line 2',
      'line 3.type',
      'line 3.capabilities.0',
      'line 4.priority',
      'line 4',
    ]);
    expect(issues[0]?.message).toMatch(/^not JSON/);
    expect(issues[4]?.message).toMatch(/colour/);
  });

  it("takes a task's own retry and timeout limits, checked by core's rules", () => {
    expect(
      parseSubmitBatch(
        '{"type":"t","capabilities":["a"],"maxAttempts":5,"attemptTimeoutMs":2000,"queueTimeoutMs":60000}',
      )[0]?.request,
    ).toEqual({
      type: 't',
      capabilities: ['a'],
      maxAttempts: 5,
      attemptTimeoutMs: 2000,
      queueTimeoutMs: 60000,
    });
    expect(
      issuesOf('{"type":"t","capabilities":["a"],"maxAttempts":0,"attemptTimeoutMs":1.5}').map((issue) => issue.field),
    ).toEqual(['line 1.maxAttempts', 'line 1.attemptTimeoutMs']);
  });

  it("takes a task's weight, checked by core's rules", () => {
    expect(parseSubmitBatch('{"type":"t","capabilities":["a"],"weight":3}')[0]?.request).toEqual({
      type: 't',
      capabilities: ['a'],
      weight: 3,
    });
    expect(
      issuesOf(
        ['{"type":"t","capabilities":["a"],"weight":0}', '{"type":"t","capabilities":["a"],"weight":1000001}'].join(
          '\n',
        ),
      ).map((issue) => issue.field),
    ).toEqual(['line 1.weight', 'line 2.weight']);
  });

  it('refuses a line that is JSON but not an object, and a batch with no task', () => {
    expect(issuesOf('[1,2]').map((issue) => issue.field)).toEqual(['line 1']);
    expect(issuesOf('\n  \n')).toEqual([{ field: 'file', message: 'holds no task (one JSON object per line)' }]);
  });
});
