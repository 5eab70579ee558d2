import type { Clock } from './clock.js';

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
