import { describe, expect, it } from 'vitest';
import { BUILTIN_CHARACTERS, BUILTIN_COMBOS, BUILTIN_SCENARIOS } from './builtin.js';
import { EPO_ACTION_TYPES, DEFAULT_RULES } from './episode-rules.js';
import { SotopiaEnv, sotopiaEnvTask } from './env.js';

const combo = BUILTIN_COMBOS[0];
const task = sotopiaEnvTask({
  combo,
  scenario: BUILTIN_SCENARIOS.find((s) => s.id === combo.scenarioId)!,
  characters: combo.characterIds.map((id) => BUILTIN_CHARACTERS.find((c) => c.id === id)!) as [typeof BUILTIN_CHARACTERS[0], typeof BUILTIN_CHARACTERS[0]],
});
const speak = (argument: string) => ({ type: 'speak' as const, argument });
const none = { type: 'none' as const, argument: '' };

describe('SotopiaEnv (the multi-seat contract)', () => {
  it('gives each seat its own view: its own goal shown, the partner\'s hidden', () => {
    const env = new SotopiaEnv();
    const [v0, v1] = env.reset(task);
    expect(v0).not.toEqual(v1);
    expect(v0).toContain('(nothing has happened yet)');
    expect(v0.match(/goal: Unknown/g)).toHaveLength(1);
    expect(v1.match(/goal: Unknown/g)).toHaveLength(1);
  });

  it('alternates seats, shows each action to both, and refuses acting out of turn', () => {
    const env = new SotopiaEnv();
    env.reset(task);
    expect(env.turn()).toBe(0);
    const r = env.step(0, speak(' Hello there. '));
    expect(r.done).toBe(false);
    expect(r.views[1]).toContain('said: "Hello there."');
    expect(env.turn()).toBe(1);
    expect(() => env.step(0, speak('again'))).toThrow(/seat 0 acted out of turn/);
  });

  it('ends after more than two consecutive none actions (the third), and after a leave', () => {
    const env = new SotopiaEnv();
    env.reset(task);
    env.step(0, speak('Hi'));
    expect(env.step(1, none).done).toBe(false);
    expect(env.step(0, none).done).toBe(false);
    const third = env.step(1, none);
    expect(third).toMatchObject({ done: true, reason: 'stale' });
    expect(() => env.step(0, speak('late'))).toThrow(/has ended \(stale\)/);
    env.reset(task);
    expect(env.step(0, { type: 'leave', argument: 'bye' })).toMatchObject({ done: true, reason: 'left' });
  });

  it('ends at the turn limit, and treats a disallowed action type as none', () => {
    const env = new SotopiaEnv({ ...DEFAULT_RULES, maxTurns: 3, actionTypes: EPO_ACTION_TYPES });
    env.reset(task);
    expect(env.step(0, { type: 'action', argument: 'waves' }).info.action).toEqual(none);
    env.step(1, speak('b'));
    expect(env.step(0, speak('c'))).toMatchObject({ done: true, reason: 'max_turns' });
  });
});
