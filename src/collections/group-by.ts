/**
 * Groups items by a key in one pass, each group in the order of the items. Linear in the items: each
 * one is pushed onto its group, never copied with the group (`map.set(k, [...map.get(k), x])` copies
 * the whole group on every item, and 45,000 alert instances took minutes).
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Groups as positions into the items: group g holds items[indices[starts[g]]] ... items[indices[starts[g + 1] - 1]]. */
export interface IndexGroups<K> {
  keys: K[];
  starts: Int32Array;
  indices: Int32Array;
}

/**
 * Groups item positions by key, each group in the order of the items, in two typed arrays (a counting
 * sort): no array per group, so a million items in tens of thousands of groups cost two passes and
 * almost no garbage.
 */
export function groupIndices<T, K>(items: readonly T[], keyOf: (item: T) => K): IndexGroups<K> {
  const ids = new Map<K, number>();
  const keys: K[] = [];
  const groupOf = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const key = keyOf(items[i]!);
    let id = ids.get(key);
    if (id === undefined) {
      id = keys.length;
      ids.set(key, id);
      keys.push(key);
    }
    groupOf[i] = id;
  }
  const starts = new Int32Array(keys.length + 1);
  for (const id of groupOf) starts[id + 1]! += 1;
  for (let g = 0; g < keys.length; g++) starts[g + 1]! += starts[g]!;
  const next = starts.slice(0, keys.length);
  const indices = new Int32Array(items.length);
  for (let i = 0; i < groupOf.length; i++) indices[next[groupOf[i]!]!++] = i;
  return { keys, starts, indices };
}
