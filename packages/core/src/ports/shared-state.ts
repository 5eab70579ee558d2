/**
 * A small key-value store every orchestrator connected to the same servers shares (a JetStream
 * KV bucket over NATS). Eventually consistent: a value put by one orchestrator is read by the
 * others a moment later; the last put of a key wins. Values are bytes; a key is dot-separated
 * tokens of letters, digits, "_" and "-". Without one (the memory transport), state stays in
 * each process.
 */
export interface SharedState {
  /** The newest value of `key`, or undefined when no orchestrator put one (or it expired). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `value` under `key`, replacing what any orchestrator put there before. */
  put(key: string, value: Uint8Array): Promise<void>;
  /** The newest value of every key that starts with `prefix` followed by a dot, by key. */
  entries(prefix: string): Promise<ReadonlyMap<string, Uint8Array>>;
}
