/** Layers of the ziggurat under the normal density: 128 leaves about 1.2 % of draws to the slower paths. */
const LAYERS = 128;
/** Where the base layer's rectangle ends and the tail begins, for 128 layers of equal area. */
const TAIL_START = 3.442619855899;
/** The area of every layer (the base one including the tail beyond TAIL_START). */
const LAYER_AREA = 9.91256303526217e-3;

/** exp(-x²/2): the normal density without its constant, which a rejection test does not need. */
const density = (x: number): number => Math.exp(-0.5 * x * x);

/**
 * The ziggurat's edges: layer i covers |x| < edges[i] between heights heights[i] and
 * heights[i + 1]; edges[0] is the base layer's virtual width, which makes its rectangle and the
 * tail together as wide as one layer's area.
 */
const edges = new Float64Array(LAYERS + 1);
const heights = new Float64Array(LAYERS + 1);
edges[0] = LAYER_AREA / density(TAIL_START);
edges[1] = TAIL_START;
for (let layer = 1; layer < LAYERS - 1; layer++) {
  const edge = edges[layer] ?? 0;
  edges[layer + 1] = Math.sqrt(-2 * Math.log(LAYER_AREA / edge + density(edge)));
}
edges[LAYERS] = 0;
for (let layer = 0; layer <= LAYERS; layer++) heights[layer] = density(edges[layer] ?? 0);

/**
 * Draws from the distributions Thompson sampling needs, using the random source it is given
 * (seeded in tests and benchmarks) and allocating nothing. A decision draws about three normals
 * per agent it scores, so their cost is most of what scoring costs.
 */
export class PosteriorSampler {
  constructor(private readonly random: () => number) {}

  /**
   * Standard normal by Marsaglia and Tsang's ziggurat: almost always two uniforms, a multiply
   * and a comparison (the polar method needs a logarithm and a square root per pair of draws;
   * this halved a draw's cost). Exact: the rare rejections and the tail keep the density normal.
   */
  normal(): number {
    const random = this.random;
    for (;;) {
      const layer = Math.floor(random() * LAYERS);
      const signed = 2 * random() - 1;
      const edge = edges[layer] ?? 0;
      const inner = edges[layer + 1] ?? 0;
      const x = signed * edge;
      if (Math.abs(x) < inner) return x;
      if (layer === 0) return signed < 0 ? -this.tail() : this.tail();
      const height = (heights[layer] ?? 0) + random() * ((heights[layer + 1] ?? 0) - (heights[layer] ?? 0));
      if (height < density(x)) return x;
    }
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

  /** |x| of a normal draw beyond TAIL_START (Marsaglia's exponential rejection). */
  private tail(): number {
    for (;;) {
      const beyond = -Math.log(1 - this.random()) / TAIL_START;
      const check = -Math.log(1 - this.random());
      if (2 * check > beyond * beyond) return TAIL_START + beyond;
    }
  }
}
