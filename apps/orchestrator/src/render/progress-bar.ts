const WIDTH = 30;
const REDRAW_EVERY_MS = 100;

/** A one-line progress bar on a TTY; elsewhere (logs, CI) one line per quarter, so output stays readable. */
export class ProgressBar {
  private lastDraw = 0;
  private lastQuarter = -1;
  private readonly startedAt = performance.now();

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    if (this.stream.isTTY) {
      const now = performance.now();
      if (now - this.lastDraw < REDRAW_EVERY_MS && done < this.total) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.render(done)}`);
      return;
    }
    const quarter = Math.floor((4 * done) / this.total);
    if (quarter > this.lastQuarter) {
      this.lastQuarter = quarter;
      this.stream.write(`${this.render(done)}\n`);
    }
  }

  finish(): void {
    this.update(this.total);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private render(done: number): string {
    const fraction = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const filled = Math.round(fraction * WIDTH);
    const elapsed = (performance.now() - this.startedAt) / 1000;
    return `${this.label.padEnd(16)} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${String(done)}/${String(this.total)} ${elapsed.toFixed(1)}s`;
  }
}
