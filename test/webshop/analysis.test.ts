import { describe, expect, it } from 'vitest';
import { analyze, tokenize } from '../../src/envs/webshop/analyzer.js';
import { Bm25Index, lengthToNorm, normToLength } from '../../src/envs/webshop/bm25.js';
import { porterStem } from '../../src/envs/webshop/porter.js';
import { PyRandom } from '../../src/envs/webshop/pyrandom.js';

describe('Porter stemmer (Lucene PorterStemFilter)', () => {
  it('stems the algorithm paper examples', () => {
    const cases: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', relational: 'relat', conditional: 'condit', hopping: 'hop', filing: 'file',
      happy: 'happi', agreed: 'agre', sized: 'size', generalization: 'gener', triplicate: 'triplic', adoption: 'adopt',
      adjustable: 'adjust', controlling: 'control', shoes: 'shoe', running: 'run', wireless: 'wireless', analogy: 'analog',
      abilities: 'abil', feed: 'feed', is: 'is',
    };
    for (const [w, s] of Object.entries(cases)) expect(porterStem(w), w).toBe(s);
  });
});

describe('analyzer (StandardTokenizer + possessive + lower case + stop words + Porter)', () => {
  it('segments words as UAX #29 does', () => {
    expect(tokenize("Finish/Frame Description:Solid, l'eau 6.76 fl oz 3,000 x-large U.S.A. 3.5oz a_b 中文"))
      .toEqual(['Finish', 'Frame', 'Description:Solid', "l'eau", '6.76', 'fl', 'oz', '3,000', 'x', 'large', 'U.S.A', '3.5oz', 'a_b', '中', '文']);
  });
  it('drops possessives and stop words, then stems', () => {
    expect(analyze("Men's Running Shoes for the Women, and a Bottle")).toEqual(['men', 'run', 'shoe', 'women', 'bottl']);
  });
});

describe('BM25 as Lucene 8 scores it', () => {
  it('encodes document lengths in one lossy byte', () => {
    expect([0, 5, 23, 24, 100, 1000].map((n) => normToLength(lengthToNorm(n)))).toEqual([0, 5, 23, 24, 96, 984]);
  });
  it('scores a worked example with k1 0.9, b 0.4', () => {
    const idx = Bm25Index.build(['red shoes', 'red red hat', 'blue running shoes', 'green hat']);
    // avgdl = 10/4; df(red) = 2 of N = 4: idf = ln(1 + 2.5/2.5) = ln 2.
    const idf = Math.log(2);
    const s = (tf: number, len: number) => idf * tf / (tf + 0.9 * (0.6 + 0.4 * len / 2.5));
    const hits = idx.search('red');
    expect(hits.map((h) => h.doc)).toEqual([1, 0]);
    expect(hits[0].score).toBeCloseTo(s(2, 3), 5);
    expect(hits[1].score).toBeCloseTo(s(1, 2), 5);
    // A repeated query term weighs twice; unknown terms add nothing.
    expect(idx.search('red red zebra')[1].score).toBeCloseTo(2 * s(1, 2), 5);
  });
  it('breaks ties by the earlier document and returns at most k hits', () => {
    const idx = Bm25Index.build(Array.from({ length: 60 }, () => 'same text'));
    const hits = idx.search('same');
    expect(hits).toHaveLength(50);
    expect(hits.slice(0, 3).map((h) => h.doc)).toEqual([0, 1, 2]);
    expect(idx.search('the and of')).toEqual([]);
  });
  it('breaks ties by document id string when ids are given, as Anserini does', () => {
    const idx = Bm25Index.build(['same text', 'same text', 'same text']);
    idx.setDocIds(['B02', 'B10', 'A99']);
    expect(idx.search('same').map((h) => h.doc)).toEqual([2, 0, 1]);
  });
});

describe("Python's random (goal order)", () => {
  it('reproduces random.seed(233) draws and shuffles', () => {
    expect(new PyRandom(233).random()).toBe(0.6824769139473528);
    expect(new PyRandom(233).shuffle([...Array(10).keys()])).toEqual([5, 9, 0, 1, 4, 7, 6, 3, 8, 2]);
    const big = new PyRandom(233).shuffle([...Array(12087).keys()]);
    expect(big.slice(0, 5)).toEqual([8655, 10304, 6940, 2750, 3667]);
    expect(big.slice(-3)).toEqual([2856, 10294, 11181]);
  });
});
