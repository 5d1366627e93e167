import { describe, expect, it } from 'vitest';
import {
  alignSeries, formatStep, queryParams, seriesLabel, seriesStats, stateFromParams, stateToParams, tagChoice, withTagChoice, DEFAULT_STATE,
} from '../src/pages/explorer-state';

describe('explorer URL state', () => {
  it('round-trips through the URL so a chart can be shared', () => {
    const s = { metric: 'http.latency', filters: ['service:checkout', '!env:dev'], groupBy: ['region', 'az'], agg: 'p95' as const,
      from: '-7d', to: 'now', step: '1h', events: false };
    expect(stateFromParams(new URLSearchParams(stateToParams(s).toString()))).toEqual(s);
  });

  it('leaves defaults out of the URL', () => {
    expect(stateToParams({ ...DEFAULT_STATE, metric: 'm' }).toString()).toBe('metric=m');
  });

  it('ignores an unknown aggregation and splits comma-separated group keys', () => {
    const s = stateFromParams(new URLSearchParams('metric=m&agg=median&groupBy=a,b'));
    expect(s.agg).toBe('avg');
    expect(s.groupBy).toEqual(['a', 'b']);
  });

  it('becomes the parameters of GET /v1/query', () => {
    expect(queryParams({ ...DEFAULT_STATE, metric: 'm', filters: ['a:b'], groupBy: ['c'] }))
      .toEqual({ metric: 'm', agg: 'avg', from: '-1h', to: 'now', filter: ['a:b'], groupBy: ['c'] });
  });
});

describe('tag filters', () => {
  it('reads the choice for a key from the filters', () => {
    const f = ['service:checkout', '!env:dev', 'region:*'];
    expect(tagChoice(f, 'service')).toBe('=checkout');
    expect(tagChoice(f, 'env')).toBe('!dev');
    expect(tagChoice(f, 'region')).toBe('*');
    expect(tagChoice(f, 'az')).toBe('');
  });

  it('replaces the filter of one key and keeps the others', () => {
    const f = ['service:checkout', '!env:dev'];
    expect(withTagChoice(f, 'service', '!cart')).toEqual(['!env:dev', '!service:cart']);
    expect(withTagChoice(f, 'env', '')).toEqual(['service:checkout']);
    expect(withTagChoice(f, 'az', '*')).toEqual(['service:checkout', '!env:dev', 'az:*']);
  });

  it('keeps values that contain a colon whole', () => {
    expect(withTagChoice([], 'url', '=http://x')).toEqual(['url:http://x']);
    expect(tagChoice(['url:http://x'], 'url')).toBe('=http://x');
  });
});

describe('chart data', () => {
  it('aligns groups on the union of their step times, with gaps as null, in seconds', () => {
    const { xs, ys } = alignSeries({ series: [
      { tags: { env: 'prod' }, points: [[60_000, 1], [180_000, 3]] },
      { tags: { env: 'dev' }, points: [[120_000, 2], [180_000, null]] },
    ] });
    expect(xs).toEqual([60, 120, 180]);
    expect(ys).toEqual([[1, null, 3], [null, 2, null]]);
  });

  it('labels a series by its group tags, or by the metric without groups', () => {
    expect(seriesLabel({ env: 'prod', az: 'a' }, 'm')).toBe('env:prod, az:a');
    expect(seriesLabel({}, 'm')).toBe('m');
  });

  it('summarises a series without its gaps', () => {
    expect(seriesStats([[1, 5], [2, null], [3, -1], [4, 2]])).toEqual({ count: 3, min: -1, max: 5, last: 2 });
  });

  it('names steps in the largest whole unit', () => {
    expect(formatStep(60_000)).toBe('1m');
    expect(formatStep(7_200_000)).toBe('2h');
    expect(formatStep(86_400_000)).toBe('1d');
    expect(formatStep(90 * 60_000)).toBe('90m');
  });
});
