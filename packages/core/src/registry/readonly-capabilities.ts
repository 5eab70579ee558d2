/**
 * A capability list as plugins see it: the registry's own Set stays private, so a plugin that
 * calls `add` on what it was given gets a TypeError instead of changing every agent of the group.
 * One per capability group, shared by its agents' views.
 */
export class ReadonlyCapabilities implements ReadonlySet<string> {
  readonly #set: ReadonlySet<string>;

  constructor(set: ReadonlySet<string>) {
    this.#set = set;
    Object.freeze(this);
  }

  get size(): number {
    return this.#set.size;
  }

  has(capability: string): boolean {
    return this.#set.has(capability);
  }

  forEach(visit: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const capability of this.#set) visit.call(thisArg, capability, capability, this);
  }

  entries(): SetIterator<[string, string]> {
    return this.#set.entries();
  }

  keys(): SetIterator<string> {
    return this.#set.keys();
  }

  values(): SetIterator<string> {
    return this.#set.values();
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.#set.values();
  }

  toJSON(): string[] {
    return [...this.#set];
  }
}
