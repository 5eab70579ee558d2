/** One measured number, in the shape `--json` prints. */
export interface BenchResult {
  readonly name: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly unit: string;
  /** The same measurement for the baseline, taken in the same process run. */
  readonly baseline?: number;
  /** value / baseline. */
  readonly ratio?: number;
}

export interface BenchSettings {
  /** Small sizes and short runs: for the test that keeps the bench working, not for numbers. */
  readonly quick: boolean;
  readonly log: (line: string) => void;
}
