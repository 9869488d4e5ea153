import { describe, expect, it } from 'vitest';
import { displayNames } from './ids.js';
import { plan, walkthrough } from './planner.js';
import type { Scene, SceneObject, SceneReceptacle } from './scene.js';
import type { ObjectProp } from './stats.js';
import type { TaskSpec } from './tasks.js';

/** A hand-built scene: receptacles [type, openable, opened], objects [type, index of receptacle, props]. */
function scene(recs: [string, boolean, boolean][], objs: [string, number, ObjectProp[]][]): Scene {
  const receptacles: SceneReceptacle[] = recs.map(([type, openable, opened], i) =>
    ({ id: `${type.replace(/Basin$/, '')}_bar__plus_0${i}_dot_00_bar__plus_00_dot_00_bar__plus_00_dot_00${type.endsWith('Basin') ? `_bar_${type}` : ''}`, type, loc: `loc_bar_${i}_bar_0_bar_0_bar_0`, openable, opened }));
  const objects: SceneObject[] = objs.map(([type, r, props], i) =>
    ({ id: `${type}_bar__plus_0${i}_dot_50_bar__plus_00_dot_00_bar__plus_00_dot_00`, type, loc: receptacles[r].loc, in: receptacles[r].id, props }));
  return { room: 'kitchen', scene: 31, agentLoc: 'loc_bar_9_bar_9_bar_0_bar_0', receptacles, objects, names: displayNames([...receptacles.map((r) => r.id), ...objects.map((o) => o.id)]) };
}
const task = (type: TaskSpec['type'], object: string, target: string): TaskSpec => ({ type, room: 'kitchen', object, target, sentence: '' });
const any = (): boolean => true;

describe('planner', () => {
  it('opens the closed drawer, cleans at the sink and puts the knife down: the shortest plan', () => {
    const s = scene(
      [['CounterTop', false, false], ['Drawer', true, false], ['SinkBasin', false, false], ['Cabinet', true, false]],
      [['ButterKnife', 1, ['pickupable', 'cleanable']], ['Fork', 0, ['pickupable', 'cleanable']]],
    );
    expect(walkthrough(plan(s, task('pick_clean_then_place_in_recep', 'ButterKnife', 'CounterTop'), any), s.names)).toEqual([
      'go to drawer 1', 'open drawer 1', 'take butterknife 1 from drawer 1',
      'go to sinkbasin 1', 'clean butterknife 1 with sinkbasin 1',
      'go to countertop 1', 'move butterknife 1 to countertop 1',
    ]);
  });

  it('prefers an open target over a closed one and writes the EPO placing command on request', () => {
    const s = scene(
      [['Cabinet', true, false], ['Cabinet', false, false], ['CounterTop', false, false]],
      [['Mug', 2, ['pickupable']]],
    );
    const steps = plan(s, task('pick_and_place_simple', 'Mug', 'Cabinet'), any);
    const open = s.names.get(s.receptacles[1].id)!;
    expect(walkthrough(steps, s.names, 'put')).toEqual(['go to countertop 1', 'take mug 1 from countertop 1', `go to ${open}`, `put mug 1 in/on ${open}`]);
  });

  it('carries two objects one at a time for pick-two, into one receptacle', () => {
    const s = scene(
      [['Shelf', false, false], ['CounterTop', false, false], ['Fridge', true, false]],
      [['Apple', 1, ['pickupable']], ['Apple', 2, ['pickupable']]],
    );
    const wt = walkthrough(plan(s, task('pick_two_obj_and_place', 'Apple', 'Shelf'), any), s.names);
    expect(wt).toHaveLength(9);
    expect(wt.filter((c) => c.startsWith('move '))).toEqual(expect.arrayContaining([expect.stringMatching(/to shelf 1$/)]));
    expect(wt.filter((c) => c.startsWith('move ')).length).toBe(2);
    expect(wt).toContain('open fridge 1');
  });

  it('turns on the lamp where it stands while holding the object', () => {
    const s = scene(
      [['Desk', false, false], ['Bed', false, false]],
      [['DeskLamp', 0, ['toggleable']], ['Book', 0, ['pickupable']], ['Book', 1, ['pickupable']]],
    );
    const wt = walkthrough(plan(s, task('look_at_obj_in_light', 'Book', 'DeskLamp'), any), s.names);
    expect(wt).toHaveLength(3);
    expect(wt[0]).toBe('go to desk 1');
    expect(wt.slice(1).sort()).toEqual([expect.stringMatching(/^take book \d from desk 1$/), 'use desklamp 1']);
  });

  it('heats without opening the microwave, as the official experts do', () => {
    const s = scene([['Microwave', true, false], ['DiningTable', false, false]], [['Potato', 1, ['pickupable', 'heatable']]]);
    expect(walkthrough(plan(s, task('pick_heat_then_place_in_recep', 'Potato', 'DiningTable'), any), s.names)).toEqual([
      'go to diningtable 1', 'take potato 1 from diningtable 1', 'go to microwave 1', 'heat potato 1 with microwave 1',
      'go to diningtable 1', 'move potato 1 to diningtable 1',
    ]);
  });

  it('uses every receptacle at a shared place after one go to, as the official experts do', () => {
    const s = scene([['CoffeeMachine', false, false], ['CounterTop', false, false], ['Cabinet', true, false]], [['Mug', 0, ['pickupable']]]);
    s.receptacles[1].loc = s.receptacles[0].loc;
    const wt = walkthrough(plan(s, task('pick_and_place_simple', 'Mug', 'CounterTop'), any), s.names);
    expect(wt).toEqual(['go to coffeemachine 1', 'take mug 1 from coffeemachine 1', 'move mug 1 to countertop 1']);
  });
});
