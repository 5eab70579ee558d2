import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleSum } from './prometheus-text.test-helpers.js';

// The metrics tests rely on this parser refusing what Prometheus would refuse.
describe('the Prometheus text parser of the metrics tests', () => {
  it('reads samples with labels, escapes and special values', () => {
    const samples = parsePrometheusText(
      [
        '# HELP jobs_total Jobs.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="a",note="say \\"hi\\""} 3',
        'jobs_total{kind="b"} 4.5',
        '# TYPE cap gauge',
        'cap{agent="x"} +Inf',
        '# TYPE lag gauge',
        'lag Nan',
        '',
      ].join('\n'),
    );
    expect(samples).toEqual([
      { name: 'jobs_total', labels: { kind: 'a', note: 'say "hi"' }, value: 3 },
      { name: 'jobs_total', labels: { kind: 'b' }, value: 4.5 },
      { name: 'cap', labels: { agent: 'x' }, value: Infinity },
      { name: 'lag', labels: {}, value: NaN },
    ]);
    expect(sampleSum(samples, 'jobs_total')).toBe(7.5);
    expect(sampleSum(samples, 'jobs_total', { kind: 'b' })).toBe(4.5);
  });

  it('refuses samples without a TYPE, bad values and stray text', () => {
    expect(() => parsePrometheusText('untyped_metric 1')).toThrow(/line 1 .*no TYPE/);
    expect(() => parsePrometheusText('# TYPE a gauge\na one')).toThrow(/line 2 .*bad value/);
    expect(() => parsePrometheusText('# TYPE a gauge\n<html>')).toThrow(/line 2 .*bad sample syntax/);
  });
});
