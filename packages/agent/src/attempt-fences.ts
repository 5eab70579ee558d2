/** base64url's value of each character code below 128; -1 for the others. */
const BASE64URL_VALUES = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((character, value) => {
  BASE64URL_VALUES[character.charCodeAt(0)] = value;
});
/** The orchestrator's fences are 16 base64url characters (96 bits): kept as four 24-bit words. */
const FENCE_LENGTH = 16;
const WORDS = 4;

/**
 * Fences of the attempts an agent holds or finished lately, so that an attempt sent again (an
 * orchestrator took the task over after its owner died) is not run twice; the oldest finished
 * one is forgotten beyond `finishedLimit`.
 *
 * Finished fences in the orchestrator's form live as numbers in typed arrays (a ring, and hash
 * buckets chained through it), not as strings in a Set: thousands of fence strings kept
 * alive, each met in a Set lookup per task, cost the agent about a sixth of its CPU per task
 * over NATS (docs/benchmarks.md). Fences in any other form (the protocol lets them be any
 * string) go to a Set, exactly as before. Held attempts go to a Set only when their handler
 * returned a promise: a synchronous handler's attempt is answered before the next envelope is
 * read, so nothing can arrive for it in between.
 */
export class AttemptFences {
  private readonly held = new Set<string>();
  private readonly otherFinished = new Set<string>();
  /** Per ring position: the fence's words, or (for a fence of another form) the string. */
  private readonly words: Int32Array;
  private readonly otherAt: (string | undefined)[];
  /** Per ring position: 0 free, 1 a fence in words, 2 one in otherAt. */
  private readonly kinds: Uint8Array;
  /**
   * Per bucket: the ring position + 1 of its newest fence (0 for none); per ring position: the
   * next older fence of its bucket, and its bucket. Chains, not open addressing: a fence leaves
   * by unlinking (it is the oldest, so the last of its chain), with nothing to shift back.
   */
  private readonly buckets: Int32Array;
  private readonly older: Int32Array;
  private readonly bucketAt: Int32Array;
  private readonly mask: number;
  /** Mixed into the bucket hash, so fences chosen to collide cannot lengthen chains. */
  private readonly seed = (Math.random() * 0x7fffffff) | 0;
  private next = 0;
  /** The last fence decoded and its words: a task's fence is looked up, then finished. */
  private decodedFence = '';
  private readonly decoded = new Int32Array(WORDS);
  /** The last fence `has` did not find, while nothing was remembered since: finish need not look again. */
  private absentFence = '';

  constructor(private readonly finishedLimit: number) {
    this.words = new Int32Array(finishedLimit * WORDS);
    this.otherAt = new Array<string | undefined>(finishedLimit).fill(undefined);
    this.kinds = new Uint8Array(finishedLimit);
    this.older = new Int32Array(finishedLimit);
    this.bucketAt = new Int32Array(finishedLimit);
    let buckets = 2;
    while (buckets < finishedLimit * 2) buckets *= 2;
    this.buckets = new Int32Array(buckets);
    this.mask = buckets - 1;
  }

  /** Whether the attempt is in hand or finished lately (a copy, not to be run again). */
  has(fence: string): boolean {
    if (this.held.size > 0 && this.held.has(fence)) return true;
    const found = this.decode(fence) ? this.find(this.bucketOf(this.decoded)) : this.otherFinished.has(fence);
    if (!found) this.absentFence = fence;
    return found;
  }

  /** An attempt whose handler is still running (it returned a promise). */
  hold(fence: string): void {
    this.held.add(fence);
  }

  /** The attempt left the agent's hands: remembered among the last `finishedLimit` finished ones (a second finish changes nothing). */
  finish(fence: string): void {
    if (this.held.size > 0) this.held.delete(fence);
    const inWords = this.decode(fence);
    const bucket = inWords ? this.bucketOf(this.decoded) : 0;
    const known = fence === this.absentFence ? false : inWords ? this.find(bucket) : this.otherFinished.has(fence);
    this.absentFence = '';
    if (known) return;
    const position = this.next;
    this.next = position + 1 === this.finishedLimit ? 0 : position + 1;
    this.forget(position);
    if (!inWords) {
      this.otherFinished.add(fence);
      this.otherAt[position] = fence;
      this.kinds[position] = 2;
      return;
    }
    this.words.set(this.decoded, position * WORDS);
    this.kinds[position] = 1;
    this.bucketAt[position] = bucket;
    this.older[position] = this.buckets[bucket] ?? 0;
    this.buckets[bucket] = position + 1;
  }

  /** Frees a ring position; the oldest fence is the last of its bucket's chain, and is unlinked there. */
  private forget(position: number): void {
    const kind = this.kinds[position];
    this.kinds[position] = 0;
    if (kind === 2) {
      this.otherFinished.delete(this.otherAt[position] ?? '');
      this.otherAt[position] = undefined;
      return;
    }
    if (kind !== 1) return;
    const bucket = this.bucketAt[position] ?? 0;
    const entry = position + 1;
    let link = this.buckets[bucket] ?? 0;
    if (link === entry) {
      this.buckets[bucket] = this.older[position] ?? 0;
      return;
    }
    while (link !== 0) {
      const following = this.older[link - 1] ?? 0;
      if (following === entry) {
        this.older[link - 1] = this.older[position] ?? 0;
        return;
      }
      link = following;
    }
  }

  /** Whether the decoded words are among the bucket's fences. */
  private find(bucket: number): boolean {
    const words = this.decoded;
    for (let entry = this.buckets[bucket] ?? 0; entry !== 0; entry = this.older[entry - 1] ?? 0) {
      const at = (entry - 1) * WORDS;
      if (
        this.words[at] === words[0] &&
        this.words[at + 1] === words[1] &&
        this.words[at + 2] === words[2] &&
        this.words[at + 3] === words[3]
      )
        return true;
    }
    return false;
  }

  private bucketOf(words: Int32Array): number {
    let hash = Math.imul((words[0] ?? 0) ^ this.seed, 0x85ebca6b);
    hash = Math.imul(hash ^ (words[1] ?? 0) ^ (hash >>> 15), 0xc2b2ae35);
    hash = Math.imul(hash ^ (words[2] ?? 0) ^ (hash >>> 13), 0x85ebca6b);
    hash = Math.imul(hash ^ (words[3] ?? 0) ^ (hash >>> 16), 0xc2b2ae35);
    return (hash ^ (hash >>> 16)) & this.mask;
  }

  /** Reads a fence of the orchestrator's form into `decoded`; false for any other string. */
  private decode(fence: string): boolean {
    if (fence === this.decodedFence) return true;
    this.decodedFence = '';
    if (fence.length !== FENCE_LENGTH) return false;
    for (let word = 0; word < WORDS; word++) {
      let value = 0;
      for (let offset = word * 4; offset < word * 4 + 4; offset++) {
        const code = fence.charCodeAt(offset);
        const bits = code < 128 ? (BASE64URL_VALUES[code] ?? -1) : -1;
        if (bits < 0) return false;
        value = (value << 6) | bits;
      }
      this.decoded[word] = value;
    }
    this.decodedFence = fence;
    return true;
  }
}
