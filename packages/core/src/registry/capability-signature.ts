export interface CapabilitySignature {
  /** The capabilities, deduplicated and sorted. */
  readonly capabilities: readonly string[];
  /** One string per distinct set, used to find its candidate pool. */
  readonly key: string;
}

/** Capability sets that differ only in order or repetition share one signature. */
export function capabilitySignature(capabilities: readonly string[]): CapabilitySignature {
  if (capabilities.length === 0) return { capabilities: [], key: '' };
  if (capabilities.length === 1) return { capabilities, key: capabilities[0] as string };
  const sorted = [...new Set(capabilities)].sort();
  // NUL cannot occur in a capability name, so keys never collide.
  return { capabilities: sorted, key: sorted.join('\u0000') };
}
