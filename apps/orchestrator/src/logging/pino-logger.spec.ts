import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PinoLogger } from './pino-logger.js';

/** A stream that keeps what is written, line by line. */
function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter((line) => line.length > 0) };
}

describe('PinoLogger', () => {
  it('writes JSON lines with the level as a word and the fields as their own keys', () => {
    const { stream, lines } = capture();
    const logger = PinoLogger.create('info', 'json', stream);
    logger.info('task finished', { taskId: 't-1', agentId: 'writer-1', latencyMs: 12 });
    logger.warn('agent missed its heartbeats: marked offline', { agentId: 'writer-2' });
    const records = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toMatchObject([
      { level: 'info', msg: 'task finished', taskId: 't-1', agentId: 'writer-1', latencyMs: 12 },
      { level: 'warn', msg: 'agent missed its heartbeats: marked offline', agentId: 'writer-2' },
    ]);
    expect(typeof records[0]?.time).toBe('string');
  });

  it('drops records below its level, and everything when silent', () => {
    const { stream, lines } = capture();
    const logger = PinoLogger.create('warn', 'json', stream);
    logger.debug('hidden');
    logger.info('hidden too');
    logger.error('shown', { taskId: 't-2' });
    expect(lines().map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['shown']);
    const silent = capture();
    PinoLogger.create('silent', 'json', silent.stream).error('nothing');
    expect(silent.lines()).toEqual([]);
  });

  it('writes one readable line per record in the pretty format', () => {
    const { stream, lines } = capture();
    PinoLogger.create('debug', 'pretty', stream).debug('task assigned', { taskId: 't-3', agentId: 'writer-1' });
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(/DEBUG.*: task assigned taskId=t-3 agentId=writer-1$/);
  });
});
