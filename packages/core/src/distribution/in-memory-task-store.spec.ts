import { describe, expect, it } from 'vitest';
import { InMemoryTaskStore } from './in-memory-task-store.js';
import { TaskRecord } from './task-record.js';

const record = (id: string): TaskRecord => new TaskRecord(id, 'work', ['work'], null, 'test', 'normal', null, 0);

function finish(store: InMemoryTaskStore, task: TaskRecord): void {
  task.status = 'completed';
  store.finished(task);
}

describe('InMemoryTaskStore', () => {
  it('keeps every unfinished task and at most retainFinished finished ones, oldest dropped first', () => {
    const store = new InMemoryTaskStore(2);
    const tasks = ['a', 'b', 'c', 'd'].map(record);
    for (const task of tasks) store.add(task);
    for (const task of tasks.slice(0, 3)) finish(store, task);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBe(tasks[1]);
    expect(store.get('c')).toBe(tasks[2]);
    expect(store.get('d')).toBe(tasks[3]);
    expect(store.size).toBe(3);
  });

  it('does not count a finished task once it was replaced or removed, and never evicts its replacement', () => {
    const store = new InMemoryTaskStore(2);
    const first = record('a');
    store.add(first);
    finish(store, first);
    const again = record('a');
    store.add(again);
    store.add(record('b'));
    finish(store, store.get('b') as TaskRecord);
    store.add(record('c'));
    finish(store, store.get('c') as TaskRecord);
    // 'a' (the first) no longer counts: b and c fit, and the pending resubmission stays.
    expect(store.get('a')).toBe(again);
    expect(store.get('b')).toBeDefined();
    store.remove('b');
    store.add(record('d'));
    finish(store, store.get('d') as TaskRecord);
    expect(store.get('c')).toBeDefined();
    expect(store.get('d')).toBeDefined();
    finish(store, again);
    expect(store.get('c')).toBeUndefined();
    expect([store.get('a'), store.get('d')]).toEqual([again, expect.any(TaskRecord)]);
  });

  it('stays bounded through many tasks, with or without replacements', () => {
    const store = new InMemoryTaskStore(10);
    for (let index = 0; index < 5_000; index++) {
      const task = record(`t${String(index % 3_000)}`);
      store.add(task);
      finish(store, task);
      if (index % 7 === 0) store.remove(task.id);
    }
    expect(store.size).toBeLessThanOrEqual(10);
    expect(store.list().every((task) => task.status === 'completed')).toBe(true);
  });
});
