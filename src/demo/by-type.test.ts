import { describe, expect, it } from 'vitest';
import { formatByType, successByType, typeLabel } from './by-type.js';

const ep = (type: string | undefined, success: boolean) => ({ task: type ? { type } : {}, outcome: { success, reward: success ? 1 : 0 } });

describe('demo: held-out success per task type', () => {
  it('counts successes and episodes per type, in name order', () => {
    const by = successByType([
      ep('pick_clean_then_place_in_recep', false), ep('pick_and_place_simple', true), ep('look_at_obj_in_light', true),
      ep('pick_and_place_simple', false), ep('pick_and_place_simple', true), ep('look_at_obj_in_light', true), ep(undefined, false),
    ]);
    expect(by).toEqual({
      look_at_obj_in_light: { successes: 2, episodes: 2 }, other: { successes: 0, episodes: 1 },
      pick_and_place_simple: { successes: 2, episodes: 3 }, pick_clean_then_place_in_recep: { successes: 0, episodes: 1 },
    });
    expect(Object.keys(by)).toEqual(['look_at_obj_in_light', 'other', 'pick_and_place_simple', 'pick_clean_then_place_in_recep']);
  });

  it('names the types shortly', () => {
    expect(['pick_and_place_simple', 'pick_clean_then_place_in_recep', 'pick_heat_then_place_in_recep', 'pick_cool_then_place_in_recep', 'look_at_obj_in_light', 'pick_two_obj_and_place', 'other'].map(typeLabel))
      .toEqual(['put', 'clean', 'heat', 'cool', 'look', 'two', 'other']);
  });

  it('prints one line per iteration, and nothing without breakdowns', () => {
    const byType = (a: number, b: number) => ({ look_at_obj_in_light: { successes: a, episodes: 50 }, pick_and_place_simple: { successes: b, episodes: 50 } });
    expect(formatByType([{ iteration: 0, byType: byType(20, 10) }, { iteration: 3, byType: byType(45, 40) }])).toEqual([
      'success per task type:',
      '  0        look 20/50, put 10/50',
      '  3        look 45/50, put 40/50',
    ]);
    expect(formatByType([{ iteration: 0 }])).toEqual([]);
  });
});
