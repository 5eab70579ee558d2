/** Time, injectable so tests and simulations can control it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}
