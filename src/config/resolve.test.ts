import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configToYaml, resolveConfig } from './resolve.js';
import { bool, fileKey, flagName, int, list, num, repeat, str } from './schema.js';

const sections = {
  model: { strategist: str('strategist spec', { arg: '<spec>' }), temperature: num('sampling temperature', { default: 0, min: 0, max: 2 }) },
  rollout: {
    maxSteps: int('step limit', { min: 1, max: 10_000 }),
    concurrency: int('episodes in flight', { default: 16, min: 1, max: 4096 }),
    showAdmissible: bool('offer the valid actions', { default: false }),
    example: bool('one-shot example', { default: true }),
    types: list('task types'),
    next: repeat('served checkpoints'),
    mode: str('mode', { default: 'epo', choices: ['epo', 'actor-only'] }),
  },
};

describe('resolveConfig', () => {
  it('takes a flag over the file over the default, and says where each value came from', () => {
    const r = resolveConfig(sections, {
      flags: { concurrency: '4' },
      file: { path: 'run.yaml', values: { concurrency: 8, max_steps: 30, temperature: 0.5, types: ['Pick', 'Look'] } },
    });
    expect(r.config).toEqual({ temperature: 0.5, maxSteps: 30, concurrency: 4, showAdmissible: false, example: true, types: ['Pick', 'Look'], mode: 'epo' });
    expect(r.sources).toMatchObject({ concurrency: 'flag', maxSteps: 'file', temperature: 'file', example: 'default' });
    expect(r.sources.strategist).toBeUndefined();
  });

  it('reads comma lists and repeated flags from the command line, YAML lists from the file', () => {
    expect(resolveConfig(sections, { flags: { types: 'Pick, Look,' , next: ['1=a', '2=b'] } }).config).toMatchObject({ types: ['Pick', 'Look'], next: ['1=a', '2=b'] });
    expect(resolveConfig(sections, { flags: {}, file: { path: 'f', values: { next: ['1=a'] } } }).config.next).toEqual(['1=a']);
  });

  it('accepts file keys as snake_case, kebab-case or camelCase', () => {
    for (const key of ['max_steps', 'max-steps', 'maxSteps']) {
      expect(resolveConfig(sections, { flags: {}, file: { path: 'f', values: { [key]: 7 } } }).config.maxSteps).toBe(7);
    }
  });

  it('refuses counts that are not plain whole numbers, and values out of range, naming key, flag and source', () => {
    for (const bad of ['1e2', '2.5', '', 'ten', '0']) {
      expect(() => resolveConfig(sections, { flags: { maxSteps: bad } })).toThrow(/--max-steps must be a whole number from 1 to 10000, got "/);
    }
    expect(() => resolveConfig(sections, { flags: {}, file: { path: 'run.yaml', values: { max_steps: 1e20 } } }))
      .toThrow(/max_steps must be a whole number from 1 to 10000, got 100000000000000000000 \(in run\.yaml; flag --max-steps\)/);
    expect(() => resolveConfig(sections, { flags: { temperature: '3' } })).toThrow(/--temperature must be a number from 0 to 2, got "3"/);
    expect(() => resolveConfig(sections, { flags: { mode: 'solo' } })).toThrow(/must be one of epo, actor-only, got "solo"/);
  });

  it('lists every problem at once, with a suggestion for a misspelt key', () => {
    let message = '';
    try {
      resolveConfig(sections, { flags: {}, file: { path: 'run.yaml', values: { concurency: 3, show_admissible: 'yes' } } });
    } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/concurency: unknown key \(did you mean concurrency\?\)/);
    expect(message).toMatch(/show_admissible must be true or false, got "yes" \(in run\.yaml; flag --show-admissible\)/);
  });

  it('refuses a file that is not a mapping', () => {
    expect(() => resolveConfig(sections, { flags: {}, file: { path: 'x.yaml', values: ['a'] } })).toThrow(/must be a mapping/);
  });
});

describe('configToYaml', () => {
  it('writes sectioned snake_case YAML that resolves back to the same configuration', () => {
    const { config } = resolveConfig(sections, { flags: { strategist: 'http://127.0.0.1:8000/v1#m', types: 'Pick,Look', maxSteps: '12' } });
    const yaml = configToYaml(sections, config, 'epo eval');
    expect(yaml).toBe([
      '# epo eval', '', '### model', 'strategist: http://127.0.0.1:8000/v1#m', 'temperature: 0', '',
      '### rollout', 'max_steps: 12', 'concurrency: 16', 'show_admissible: false', 'example: true', 'types:', '  - Pick', '  - Look', 'mode: epo', '',
    ].join('\n'));
    expect(resolveConfig(sections, { flags: {}, file: { path: 'p', values: parse(yaml) } }).config).toEqual(config);
  });
});

describe('names', () => {
  it('derives flags and file keys from camelCase keys', () => {
    expect(flagName('maxSteps')).toBe('--max-steps');
    expect(fileKey('evalTemperature')).toBe('eval_temperature');
  });
});

describe('required fields', () => {
  const s = { run: { dataset: str('dataset folder', { required: true }), seed: int('seed', { default: 0 }) } };
  it('must come from a flag or the file, unless printing', () => {
    expect(() => resolveConfig(s, { flags: {} })).toThrow(/--dataset is required \(or `dataset:` in a config file\)/);
    expect(resolveConfig(s, { flags: {}, file: { path: 'f', values: { dataset: 'd' } } }).config.dataset).toBe('d');
    expect(resolveConfig(s, { flags: {}, allowMissing: true }).config).toEqual({ seed: 0 });
  });
});
