import { describe, expect, it } from 'vitest';
import { AttemptFences } from './attempt-fences.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A seeded generator, so a failure here can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function orchestratorFence(random: () => number): string {
  let fence = '';
  for (let index = 0; index < 16; index++) fence += ALPHABET.charAt(Math.floor(random() * 64));
  return fence;
}

/** What the class must behave like: the plain Set and ring it replaces. */
class ReferenceFences {
  private readonly held = new Set<string>();
  private readonly finished = new Set<string>();
  private readonly order: (string | undefined)[];
  private next = 0;
  constructor(private readonly limit: number) {
    this.order = new Array<string | undefined>(limit).fill(undefined);
  }
  has(fence: string): boolean {
    return this.held.has(fence) || this.finished.has(fence);
  }
  hold(fence: string): void {
    this.held.add(fence);
  }
  finish(fence: string): void {
    this.held.delete(fence);
    if (this.finished.has(fence)) return;
    const forgotten = this.order[this.next];
    if (forgotten !== undefined) this.finished.delete(forgotten);
    this.order[this.next] = fence;
    this.next = (this.next + 1) % this.limit;
    this.finished.add(fence);
  }
}

describe('AttemptFences', () => {
  it('knows an attempt while its handler runs and after it finished, and not one it never saw', () => {
    const fences = new AttemptFences(4);
    expect(fences.has('AAAAAAAAAAAAAAAA')).toBe(false);
    fences.hold('AAAAAAAAAAAAAAAA');
    expect(fences.has('AAAAAAAAAAAAAAAA')).toBe(true);
    fences.finish('AAAAAAAAAAAAAAAA');
    expect(fences.has('AAAAAAAAAAAAAAAA')).toBe(true);
    expect(fences.has('AAAAAAAAAAAAAAAB')).toBe(false);
  });

  it('forgets the oldest finished attempt beyond its limit, in the orchestrator form and in any other', () => {
    const fences = new AttemptFences(3);
    const names = ['AAAAAAAAAAAAAAA1', 'short', 'AAAAAAAAAAAAAAA2', 'AAAAAAAAAAAAAA€3'];
    for (const name of names) fences.finish(name);
    expect(names.map((name) => fences.has(name))).toEqual([false, true, true, true]);
    fences.finish('another');
    expect(names.map((name) => fences.has(name))).toEqual([false, false, true, true]);
  });

  it('answers as a Set and a ring would, over many random fences of both forms and crowded index slots', () => {
    const random = generator(7);
    for (const limit of [1, 2, 5, 16, 64]) {
      const fences = new AttemptFences(limit);
      const reference = new ReferenceFences(limit);
      const seen: string[] = [];
      for (let step = 0; step < 5_000; step++) {
        const roll = random();
        // Mostly new fences, some repeated ones (finished twice), some of another form.
        const fence =
          roll < 0.1 && seen.length > 0
            ? (seen[Math.floor(random() * seen.length)] as string)
            : roll < 0.2
              ? `other-${String(Math.floor(random() * 50))}`
              : orchestratorFence(random);
        seen.push(fence);
        expect(fences.has(fence)).toBe(reference.has(fence));
        if (random() < 0.3) {
          fences.hold(fence);
          reference.hold(fence);
        }
        fences.finish(fence);
        reference.finish(fence);
        const probe = seen[Math.floor(random() * seen.length)] as string;
        expect(fences.has(probe), `limit ${String(limit)}, step ${String(step)}`).toBe(reference.has(probe));
      }
    }
  });
});
