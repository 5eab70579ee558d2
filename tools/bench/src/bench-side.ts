/** One system under test, set up and ready: `call` does one request and resolves with its answer. */
export interface BenchSide {
  /** Short name used in result params: `switchyard`, `moleculer-fake`, `raw` … */
  readonly system: string;
  call(): Promise<unknown>;
  close(): Promise<void>;
}
