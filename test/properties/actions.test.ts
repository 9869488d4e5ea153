/**
 * Properties of the thought and action parsers (src/agents/parse.ts with the ALFWorld and WebShop normalisers):
 * any answer gives an action or a failure, never a crash; a parsed action is one trimmed line that normalises to
 * itself; an action written the way the prompts ask, with the noise the parser promises to tolerate, reads back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAction, parseThought, unwrap, type ActionParseOptions, type Parsed } from '../../src/agents/parse.js';
import { normaliseAlfworldAction } from '../../src/agents/prompts/alfworld.js';
import { normaliseWebshopAction } from '../../src/agents/prompts/webshop.js';
import { messyText, RUNS, words } from './arbitraries.js';

const alf: ActionParseOptions = { normalise: normaliseAlfworldAction };
const web: ActionParseOptions = { normalise: normaliseWebshopAction };
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** Either a value (one trimmed line, no error) or the documented failure ('' and a reason). */
function expectWellFormed(p: Parsed): void {
  if (p.value) {
    expect(p.error).toBeUndefined();
    expect(p.value).toBe(p.value.trim());
    expect(p.value).not.toMatch(LINE_BREAK);
  } else {
    expect(typeof p.error).toBe('string');
    expect(p.error!.length).toBeGreaterThan(0);
  }
  expect(Array.isArray(p.noise)).toBe(true);
}

// ALFWorld commands as the game spells them: lower-case names with a number.
const thing = fc.tuple(fc.constantFrom('mug', 'apple', 'cabinet', 'countertop', 'drawer', 'fridge', 'sinkbasin', 'desklamp', 'soapbottle'), fc.integer({ min: 1, max: 12 }))
  .map(([n, k]) => `${n} ${k}`);
const alfworldCommand: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('look', 'inventory'),
  fc.tuple(fc.constantFrom('go to', 'open', 'close', 'use', 'examine'), thing).map(([v, a]) => `${v} ${a}`),
  fc.tuple(fc.constantFrom('take', 'move', 'put', 'clean', 'heat', 'cool', 'slice'), thing, thing).map(([v, a, b]) => {
    const prep = { take: 'from', move: 'to', put: 'in/on' }[v as 'take' | 'move' | 'put'] ?? 'with';
    return `${v} ${a} ${prep} ${b}`;
  }),
);

/** The noise the parser's header promises to tolerate: case, quotes, markdown, a full stop, a prompt marker, spacing. */
const noisyCommand = (cmd: string) => fc.record({
  upper: fc.boolean(),
  spaces: fc.constantFrom(' ', '  ', '\t'),
  marker: fc.constantFrom('', '> '),
  wrap: fc.constantFrom('', '"', '`', '**', '“', "'"),
  stop: fc.constantFrom('', '.', '!', ' .', '..', ' . .', '; '),
  stopOutside: fc.boolean(),
}).map((n) => {
  let c = cmd.split(' ').join(n.spaces);
  if (n.upper) c = c.toUpperCase();
  const [a, b] = [n.wrap, n.wrap === '“' ? '”' : n.wrap];
  const inner = `${n.marker}${c}`;
  return n.stopOutside ? `${a}${inner}${b}${n.stop}` : `${a}${inner}${n.stop}${b}`;
});

/** How an answer around the action line is laid out: a thought before, text after, a label in markdown, CRLF. */
const layout = fc.record({
  label: fc.constantFrom('Action: ', 'Action:', 'action: ', '**Action:** ', '**Action**: ', '> Action: '),
  thought: fc.option(words(), { nil: undefined }),
  after: fc.option(fc.constantFrom('I will look there next.', 'Observation: nothing yet'), { nil: undefined }),
  eol: fc.constantFrom('\n', '\r\n'),
});
/** (A bold action right after the colon, `Action:**look**`, is ambiguous with a bold label `**Action:**look`.) */
const render = (action: string, l: { label: string; thought?: string; after?: string; eol: string }) => {
  const label = l.label.endsWith(':') && action.startsWith('*') ? `${l.label} ` : l.label;
  return [l.thought !== undefined ? `Thought: ${l.thought}` : undefined, `${label}${action}`, l.after].filter((s) => s !== undefined).join(l.eol);
};

/** Answers that come close to an action: messy text around a label, a verb or a bracket. */
const nearAction = fc.tuple(messyText, fc.constantFrom('', 'Action: ', '\nAction:'), fc.constantFrom('search[', 'click[ ', 'go to ', '"look', '> open '), messyText, fc.constantFrom(']', ' ]', '."', ''), messyText)
  .map((p) => p.join(''));
const answer = fc.oneof(messyText, nearAction);

describe('action parsing never crashes and gives one trimmed line', () => {
  it('ALFWorld: any text parses to a well-formed value or failure', () => {
    fc.assert(fc.property(answer, (text) => expectWellFormed(parseAction(text, alf))), RUNS);
  });
  it('WebShop: any text parses to a well-formed value or failure', () => {
    fc.assert(fc.property(answer, (text) => expectWellFormed(parseAction(text, web))), RUNS);
  });
  it('a thought from any text is well formed', () => {
    fc.assert(fc.property(answer, (text) => expectWellFormed(parseThought(text))), RUNS);
  });
  it('a parsed action is already normal: normalising it again changes nothing (ALFWorld, WebShop)', () => {
    fc.assert(fc.property(answer, (text) => {
      for (const opts of [alf, web]) {
        const { value } = parseAction(text, opts);
        if (value) expect(opts.normalise(value)).toBe(value);
      }
    }), RUNS);
  });
  it('unwrap returns trimmed text and is idempotent', () => {
    fc.assert(fc.property(messyText, (text) => {
      const u = unwrap(text);
      expect(u).toBe(u.trim());
      expect(unwrap(u)).toBe(u);
    }), RUNS);
  });
  it('unwrap removes any nesting of wrappers (quotes, backticks, bold, angle brackets, doubled or not) around a phrase', () => {
    const kinds = fc.uniqueArray(fc.constantFrom('"', "'", '`', '**', '“', '<'), { maxLength: 4 });
    const close = (a: string) => ({ '“': '”', '<': '>' })[a] ?? a;
    fc.assert(fc.property(words(), kinds, fc.array(fc.constantFrom(1, 2), { minLength: 4, maxLength: 4 }), fc.constantFrom('', ' '), (w, ks, times, pad) => {
      const wrapped = ks.reduce((t, a, i) => `${a.repeat(times[i])}${pad}${t}${pad}${close(a).repeat(times[i])}`, w);
      expect(unwrap(wrapped)).toBe(w);
    }), RUNS);
  });
});

describe('an action written as the prompts ask reads back', () => {
  it('ALFWorld: "Action: <command>" gives the command, with the noise the parser tolerates', () => {
    fc.assert(fc.property(alfworldCommand.chain((cmd) => fc.tuple(fc.constant(cmd), noisyCommand(cmd), layout)), ([cmd, noisy, l]) => {
      expect(parseAction(render(cmd, l), alf).value).toBe(cmd);
      expect(parseAction(render(noisy, l), alf).value).toBe(cmd);
    }), RUNS);
  });
  it('ALFWorld: an unlabelled command line is found among loose lines', () => {
    fc.assert(fc.property(alfworldCommand, fc.constantFrom('Sure!', 'Here is my move:', ''), (cmd, before) => {
      expect(parseAction(`${before}\n${cmd}`, alf)).toMatchObject({ value: cmd });
    }), RUNS);
  });
  it('WebShop: "Action: search[<keywords>]" and "Action: click[<element>]" give the action', () => {
    const argument = words('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$&,.<>-/()\'"');
    fc.assert(fc.property(fc.constantFrom('search', 'click'), argument, layout, fc.constantFrom('', ' '), (verb, arg, l, pad) => {
      expect(parseAction(render(`${verb}[${pad}${arg}${pad}]`, l), web).value).toBe(`${verb}[${arg}]`);
      expect(parseAction(render(`${verb.toUpperCase()}${pad}[${arg}]`, l), web).value).toBe(`${verb}[${arg}]`);
    }), RUNS);
  });
  it('a thought written as "Thought: <strategy>" reads back (words joined by single spaces, quoted phrases kept)', () => {
    const phrase = fc.tuple(fc.constantFrom('', '"', '`', '**', '<'), words()).map(([a, w]) => `${a}${w}${a === '<' ? '>' : a}`);
    const text = fc.array(fc.oneof(phrase, words('abcdefghijklmnopqrstuvwxyz0123456789.,;!?\'"()-<>*`')), { minLength: 2, maxLength: 4 }).map((p) => p.join(' '));
    fc.assert(fc.property(text, fc.option(words(), { nil: undefined }), (t, next) => {
      const answer = next === undefined ? `Thought: ${t}` : `Thought: ${t}\nAction: ${next}`;
      expect(parseThought(answer).value).toBe(t);
    }), RUNS);
  });
});

describe('defects the properties found', () => {
  it('ALFWorld: a full stop outside the quotes or after a space is tolerated', () => {
    expect(parseAction('Action: "close countertop 4"!', alf).value).toBe('close countertop 4');
    expect(parseAction('Action: "go to desk 1".', alf).value).toBe('go to desk 1');
    expect(parseAction('Action: go to desk 1 . .', alf).value).toBe('go to desk 1');
  });
  it('a thought that starts and ends with a quoted phrase keeps its quotes', () => {
    expect(parseThought('Thought: "mug 1" is on "countertop 2"').value).toBe('"mug 1" is on "countertop 2"');
    expect(unwrap('`a` a `a`')).toBe('`a` a `a`');
    expect(unwrap('<a a <a>')).toBe('<a a <a>');
    expect(unwrap('"`go to desk 1`"')).toBe('go to desk 1');
    expect(unwrap('``go to desk 1``')).toBe('go to desk 1');
  });
});
