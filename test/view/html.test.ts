/** The one escaping helper and the template function built on it; chart ticks. */
import { describe, expect, it } from 'vitest';
import { esc, html, query, raw } from '../../src/view/html.js';
import { niceTicks, intervalChart } from '../../src/view/svg.js';
import { estimateText } from '../../src/view/format.js';

describe('html', () => {
  it('escapes text and attribute values, quotes included', () => {
    expect(esc(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  });

  it('escapes every interpolated value, but not markup it built itself, and flattens lists', () => {
    const name = '<script>alert(1)</script>';
    const row = html`<td title="${name}">${name}</td>`;
    expect(html`<tr>${row}${[html`<b>${'a&b'}</b>`, '<i>']}${undefined}${null}${false}${0}</tr>`.text)
      .toBe('<tr><td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td><b>a&amp;b</b>&lt;i&gt;0</tr>');
    expect(html`${raw('<svg/>')}`.text).toBe('<svg/>');
  });

  it('builds query strings without empty parameters', () => {
    expect(query({ run: 'sp/it1-eval', id: 'task#0', page: 2, q: '', type: undefined })).toBe('?run=sp%2Fit1-eval&id=task%230&page=2');
    expect(query({})).toBe('');
  });
});

describe('charts', () => {
  it('chooses round ticks covering the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 2.3)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(niceTicks(-0.3, 0.3, 6)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
  });

  it('draws an error bar per interval with a hover title naming series, category and interval', () => {
    const svg = intervalChart({ title: 'held-out <success>', categories: ['0', '1'], xLabel: 'iteration', yLabel: 'success',
      series: [{ name: 'held-out', values: [{ n: 20, mean: 0.5, lo: 0.3, hi: 0.7 }, undefined] }] }).text;
    expect(svg).toContain('<title>held-out · 0: 50% [30%, 70%] (n=20)</title>');
    expect(svg).toContain('aria-label="held-out &lt;success&gt;"');
    expect(svg.match(/<circle/g)).toHaveLength(1);
  });

  it('writes estimates with their intervals', () => {
    expect(estimateText({ n: 10, mean: 0.625, lo: 0.481, hi: 0.75 })).toBe('62.5% [48.1, 75.0]');
    expect(estimateText({ n: 1, mean: 0.5, lo: NaN, hi: NaN })).toBe('50.0%');
    expect(estimateText({ n: 0, mean: NaN, lo: NaN, hi: NaN })).toBe('n/a');
  });
});
