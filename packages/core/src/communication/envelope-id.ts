/** A random per-process prefix plus a counter: unique, cheap, and sortable within one sender. */
const processPrefix = globalThis.crypto.randomUUID().slice(0, 8);
let counter = 0;

export function nextEnvelopeId(): string {
  counter++;
  return `${processPrefix}-${counter.toString(36)}`;
}
