/** One progress display for long work: redrawn in place on a TTY, a line per tenth of a stage elsewhere. */
import { describe, expect, it } from 'vitest';
import { createLineProgress } from '../../src/core/progress.js';

const sink = () => { const out: string[] = []; return { out, stream: { write: (s: string) => { out.push(s); return true; } } as unknown as NodeJS.WritableStream }; };

describe('line progress', () => {
  it('off a TTY says the line at every tenth of a stage and at its end, and starts over per stage', () => {
    const said: string[] = [];
    const { out, stream } = sink();
    const p = createLineProgress({ say: (l) => said.push(l), stream, tty: false });
    for (let k = 1; k <= 20; k++) p.update('iteration 1 rollouts', `${k}/20`, k, 20);
    for (let k = 3; k <= 5; k++) p.update('iteration 1 eval', `${k}/5`, k, 5);
    expect(said).toEqual([
      'iteration 1 rollouts: 2/20', 'iteration 1 rollouts: 4/20', 'iteration 1 rollouts: 6/20', 'iteration 1 rollouts: 8/20', 'iteration 1 rollouts: 10/20',
      'iteration 1 rollouts: 12/20', 'iteration 1 rollouts: 14/20', 'iteration 1 rollouts: 16/20', 'iteration 1 rollouts: 18/20', 'iteration 1 rollouts: 20/20',
      'iteration 1 eval: 3/5', 'iteration 1 eval: 4/5', 'iteration 1 eval: 5/5',
    ]);
    expect(out).toEqual([]);
  });

  it('on a TTY redraws one line per stage and closes it at the last episode', () => {
    const { out, stream } = sink();
    const p = createLineProgress({ say: () => { throw new Error('not on a TTY'); }, stream, tty: true });
    p.update('it 1 eval', 'a', 1, 2);
    p.update('it 1 eval', 'b', 2, 2);
    p.update('it 2 eval', 'c', 1, 3);
    p.end();
    p.end();
    expect(out).toEqual(['\rit 1 eval: a\x1b[K', '\rit 1 eval: b\x1b[K', '\n', '\rit 2 eval: c\x1b[K', '\n']);
  });

  it('says nothing when quiet', () => {
    const said: string[] = [];
    const p = createLineProgress({ say: (l) => said.push(l), tty: false, quiet: true });
    p.update('s', 'x', 1, 1);
    expect(said).toEqual([]);
  });
});
