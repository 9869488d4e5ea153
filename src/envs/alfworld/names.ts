/**
 * Display names for PDDL object ids, as ALFWorld's renaming step produces them: `cabinet_bar__plus_00_dot_95_…`
 * becomes "cabinet N". Ids are sorted, instances of each kind counted, and numbers handed out from the highest down
 * in sorted-id order (so the first cabinet id is "cabinet 6" of six). An id containing "basin" is a basin kind
 * ("sinkbasin", "bathtubbasin"). Ids without `_bar_` (agent1, sinktype) keep their text plus a trailing space, as the
 * original formats them. Only ids that occur in facts are named and counted.
 */
export function demangle(ids: Iterable<string>): Map<string, string> {
  const sorted = [...new Set(ids)].sort();
  const kindOf = (id: string): string | undefined => {
    const cut = id.indexOf('_bar_');
    if (cut < 0) return undefined;
    const kind = id.slice(0, cut).replace(/_minus_/g, '-').replace(/_plus_/g, '+').replace(/_dot_/g, '.').replace(/_comma_/g, ',');
    return id.includes('basin') ? kind + 'basin' : kind;
  };
  const remaining = new Map<string, number>();
  for (const id of sorted) {
    const k = kindOf(id);
    if (k !== undefined) remaining.set(k, (remaining.get(k) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const id of sorted) {
    const k = kindOf(id);
    if (k === undefined) {
      const text = id.replace(/_bar_/g, '|').replace(/_minus_/g, '-').replace(/_plus_/g, '+').replace(/_dot_/g, '.').replace(/_comma_/g, ',');
      names.set(id, `${text} `);
    } else {
      const n = remaining.get(k)!;
      remaining.set(k, n - 1);
      names.set(id, `${k} ${n}`);
    }
  }
  return names;
}
