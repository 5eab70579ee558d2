/**
 * Draws from the distributions Thompson sampling needs, using the random source it is given
 * (seeded in tests and benchmarks) and allocating nothing.
 */
export class PosteriorSampler {
  /** Normals come in pairs; the second waits here. */
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(private readonly random: () => number) {}

  /** Standard normal (Marsaglia's polar method: no trigonometry, about 1.27 pairs of uniforms per pair of normals). */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    let u: number;
    let v: number;
    let radiusSquared: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      radiusSquared = u * u + v * v;
    } while (radiusSquared >= 1 || radiusSquared === 0);
    const scale = Math.sqrt((-2 * Math.log(radiusSquared)) / radiusSquared);
    this.spareNormal = v * scale;
    this.hasSpareNormal = true;
    return u * scale;
  }

  /** Gamma(shape, 1) for shape ≥ 1 (Marsaglia and Tsang): every shape here is a prior of 1 plus evidence. */
  gamma(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.random();
      const xx = x * x;
      if (u < 1 - 0.0331 * xx * xx || Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) for a, b ≥ 1. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }
}
