import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/random.js';
import { displayNames, locationId, thingId } from './ids.js';

describe('ids and display names', () => {
  it('numbers instances from the highest down in sorted id order, as ALFWorld renames them', () => {
    // The three alarm clocks of official game look_at_obj_in_light-AlarmClock-None-DeskLamp-323: the walkthrough
    // takes "alarmclock 2" from the desk, which holds the +02.04 one.
    const names = displayNames([
      'AlarmClock_bar__plus_02_dot_04_bar__plus_00_dot_90_bar__minus_03_dot_32',
      'AlarmClock_bar__plus_02_dot_69_bar__plus_01_dot_23_bar__plus_01_dot_40',
      'AlarmClock_bar__minus_02_dot_48_bar__plus_00_dot_68_bar__minus_03_dot_30',
      'Desk_bar__plus_02_dot_32_bar__minus_00_dot_01_bar__minus_03_dot_22',
    ]);
    expect([...names.values()]).toEqual(['alarmclock 3', 'alarmclock 2', 'alarmclock 1', 'desk 1']);
    expect(names.get('AlarmClock_bar__plus_02_dot_04_bar__plus_00_dot_90_bar__minus_03_dot_32')).toBe('alarmclock 2');
  });

  it('names basins after their fixture plus "basin", apart from the fixture itself', () => {
    const names = displayNames([
      'Sink_bar__minus_01_dot_99_bar__plus_01_dot_14_bar__minus_00_dot_98_bar_SinkBasin',
      'Sink_bar__minus_01_dot_99_bar__plus_01_dot_14_bar__minus_00_dot_98',
      'Bathtub_bar__minus_03_dot_00_bar__plus_00_dot_50_bar__plus_01_dot_00_bar_BathtubBasin',
    ]);
    expect(names.get('Sink_bar__minus_01_dot_99_bar__plus_01_dot_14_bar__minus_00_dot_98_bar_SinkBasin')).toBe('sinkbasin 1');
    expect(names.get('Sink_bar__minus_01_dot_99_bar__plus_01_dot_14_bar__minus_00_dot_98')).toBe('sink 1');
    expect(names.get('Bathtub_bar__minus_03_dot_00_bar__plus_00_dot_50_bar__plus_01_dot_00_bar_BathtubBasin')).toBe('bathtubbasin 1');
  });

  it('writes ids in the official spelling and never repeats one', () => {
    const rng = createRng(3);
    const taken = new Set<string>();
    const ids = Array.from({ length: 200 }, () => thingId(rng, 'Cabinet', taken));
    expect(new Set(ids).size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^Cabinet(_bar_(_plus_|_minus_)?\d\d_dot_\d\d){3}$/);
    expect(thingId(rng, 'SinkBasin', taken)).toMatch(/^Sink(_bar_(_plus_|_minus_)?\d\d_dot_\d\d){3}_bar_SinkBasin$/);
    const locs = new Set<string>();
    expect(locationId(rng, locs)).toMatch(/^loc_bar_(_minus_)?\d+_bar_(_minus_)?\d+_bar_[0-3]_bar_(_minus_)?\d+$/);
  });
});
