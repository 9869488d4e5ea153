import { describe, expect, it } from 'vitest';
import { parseTaskType, REPORT_ORDER, TASK_TYPES, taskTypeIn, typeName } from './task-types.js';

describe('ALFWorld task types (one table)', () => {
  it('reads a type by id, table name or alias, in any case', () => {
    for (const t of ['pick_two_obj_and_place', 'Pick Two', 'PickTwo', 'picktwo', 'two', 'TWO']) expect(parseTaskType(t)).toBe('pick_two_obj_and_place');
    expect(parseTaskType('Heat')).toBe('pick_heat_then_place_in_recep');
    expect(parseTaskType('juggle')).toBeUndefined();
  });
  it('finds the type in a game path and names it for tables', () => {
    expect(taskTypeIn('/d/valid_seen/pick_cool_then_place_in_recep-Egg-None-Fridge-1/trial_x/game.tw-pddl')).toBe('pick_cool_then_place_in_recep');
    expect(typeName('look_at_obj_in_light')).toBe('Look');
    expect(REPORT_ORDER.map(typeName)).toEqual(['Pick', 'Clean', 'Heat', 'Cool', 'Look', 'Pick Two']);
    expect([...REPORT_ORDER].sort()).toEqual([...TASK_TYPES].sort());
  });
});
