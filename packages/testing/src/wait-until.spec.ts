import { describe, expect, it } from 'vitest';
import { deferred } from './deferred.js';
import { waitUntil } from './wait-until.js';

describe('waitUntil', () => {
  it('resolves as soon as the condition holds', async () => {
    let ready = false;
    setTimeout(() => {
      ready = true;
    }, 10);
    await expect(waitUntil(() => ready, 'ready')).resolves.toBeUndefined();
  });

  it('fails naming what it waited for when the condition never holds', async () => {
    await expect(waitUntil(() => false, 'pigs fly', 30)).rejects.toThrow(
      'Timed out after 30 ms waiting until pigs fly',
    );
  });
});

describe('deferred', () => {
  it('settles from outside the promise', async () => {
    const value = deferred<number>();
    value.resolve(7);
    await expect(value.promise).resolves.toBe(7);
    const failure = deferred();
    failure.reject(new Error('no'));
    await expect(failure.promise).rejects.toThrow('no');
  });
});
