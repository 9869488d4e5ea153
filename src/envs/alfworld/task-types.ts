/**
 * The six ALFWorld task types, in one table: the id (the game folder's prefix), the name result tables use, and a
 * short lower-case alias for flags. Listed in the order of the game release (the generator draws in this order);
 * `REPORT_ORDER` is the order papers print them in.
 */
export const ALFWORLD_TASK_TYPES = [
  { id: 'pick_and_place_simple', name: 'Pick', alias: 'pick' },
  { id: 'look_at_obj_in_light', name: 'Look', alias: 'look' },
  { id: 'pick_clean_then_place_in_recep', name: 'Clean', alias: 'clean' },
  { id: 'pick_heat_then_place_in_recep', name: 'Heat', alias: 'heat' },
  { id: 'pick_cool_then_place_in_recep', name: 'Cool', alias: 'cool' },
  { id: 'pick_two_obj_and_place', name: 'Pick Two', alias: 'two' },
] as const;

export type TaskType = (typeof ALFWORLD_TASK_TYPES)[number]['id'];

export const TASK_TYPES: readonly TaskType[] = ALFWORLD_TASK_TYPES.map((t) => t.id);

/** Pick, Clean, Heat, Cool, Look, Pick Two: the column order of published ALFWorld tables. */
export const REPORT_ORDER: readonly TaskType[] = ['pick_and_place_simple', 'pick_clean_then_place_in_recep', 'pick_heat_then_place_in_recep', 'pick_cool_then_place_in_recep', 'look_at_obj_in_light', 'pick_two_obj_and_place'];

export const typeName = (id: string): string => ALFWORLD_TASK_TYPES.find((t) => t.id === id)?.name ?? id;

/** A type given by its id, table name (`Pick Two`, `PickTwo`) or alias (`two`), any case; undefined when unknown. */
export function parseTaskType(text: string): TaskType | undefined {
  const key = text.trim().toLowerCase().replace(/\s+/g, '');
  return ALFWORLD_TASK_TYPES.find((t) => t.id === key || t.name.toLowerCase().replace(/\s+/g, '') === key || t.alias === key)?.id;
}

/** The task type named in a game path or folder, e.g. `…/pick_heat_then_place_in_recep-Egg-None-Fridge-1/trial_x`. */
export function taskTypeIn(path: string): TaskType | undefined {
  return ALFWORLD_TASK_TYPES.find((t) => path.includes(t.id))?.id;
}
