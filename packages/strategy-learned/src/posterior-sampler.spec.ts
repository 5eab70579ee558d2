import { seededRandom } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { PosteriorSampler } from './posterior-sampler.js';

/** The standard normal CDF (Abramowitz and Stegun 7.1.26 for erf: error below 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Largest gap between the empirical CDF of the draws and the normal CDF (the Kolmogorov–Smirnov statistic). */
function ksDistance(draws: Float64Array): number {
  const sorted = draws.slice().sort();
  let distance = 0;
  for (let index = 0; index < sorted.length; index++) {
    const expected = normalCdf(sorted[index] ?? 0);
    distance = Math.max(
      distance,
      Math.abs((index + 1) / sorted.length - expected),
      Math.abs(index / sorted.length - expected),
    );
  }
  return distance;
}

describe('posterior sampler', () => {
  it('draws standard normals: the normal CDF everywhere, its moments, and its tails beyond the ziggurat base', () => {
    const sampler = new PosteriorSampler(seededRandom(11, 'normal'));
    const count = 400_000;
    const draws = new Float64Array(count);
    for (let index = 0; index < count; index++) draws[index] = sampler.normal();
    // 1.95/√n is the KS critical value at the 0.1 % level: a wrong layer table or tail fails by far more.
    expect(ksDistance(draws)).toBeLessThan(1.95 / Math.sqrt(count));
    let sum = 0;
    let squares = 0;
    let fourths = 0;
    let beyondBase = 0;
    let beyondFour = 0;
    for (const draw of draws) {
      sum += draw;
      squares += draw * draw;
      fourths += draw ** 4;
      if (Math.abs(draw) > 3.442619855899) beyondBase++;
      if (Math.abs(draw) > 4) beyondFour++;
    }
    expect(Math.abs(sum / count)).toBeLessThan(0.01);
    expect(Math.abs(squares / count - 1)).toBeLessThan(0.01);
    expect(Math.abs(fourths / count - 3)).toBeLessThan(0.06);
    // P(|Z| > 3.4426) = 5.76e-4 and P(|Z| > 4) = 6.33e-5: the tail path is taken and is normal.
    expect(beyondBase / count).toBeGreaterThan(4.5e-4);
    expect(beyondBase / count).toBeLessThan(7e-4);
    expect(beyondFour).toBeGreaterThan(10);
    expect(beyondFour).toBeLessThan(45);
  });

  it('draws Beta(a, b) with its mean and variance, for little evidence and for much', () => {
    const sampler = new PosteriorSampler(seededRandom(12, 'beta'));
    for (const [a, b] of [
      [1, 1],
      [1.5, 3.2],
      [81, 21],
    ] as const) {
      const count = 100_000;
      let sum = 0;
      let squares = 0;
      let lowest = 1;
      let highest = 0;
      for (let index = 0; index < count; index++) {
        const draw = sampler.beta(a, b);
        lowest = Math.min(lowest, draw);
        highest = Math.max(highest, draw);
        sum += draw;
        squares += draw * draw;
      }
      expect(lowest).toBeGreaterThanOrEqual(0);
      expect(highest).toBeLessThanOrEqual(1);
      const mean = a / (a + b);
      const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
      const drawnMean = sum / count;
      expect(Math.abs(drawnMean - mean)).toBeLessThan(5 * Math.sqrt(variance / count));
      expect(Math.abs(squares / count - drawnMean * drawnMean - variance) / variance).toBeLessThan(0.03);
    }
  });
});
