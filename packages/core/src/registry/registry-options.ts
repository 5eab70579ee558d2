export interface RegistryOptions {
  /**
   * Most candidate pools (one per distinct capability set asked for) kept at once; the least
   * recently used is dropped beyond it, so arbitrary capability combinations cannot grow memory.
   */
  readonly maxCandidatePools: number;
}
