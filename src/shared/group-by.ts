/** Distributes rows to their keys in key order, mapping each row (the shape DataLoader batches return). */
export function groupBy<K, R, T>(keys: readonly K[], rows: R[], keyOf: (row: R) => K, map: (row: R) => T): T[][] {
  const groups = new Map<K, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(map(row));
  return keys.map((key) => groups.get(key) ?? []);
}

/** Picks each key's row or null, in key order. */
export function pickBy<K, R, T>(keys: readonly K[], rows: R[], keyOf: (row: R) => K, map: (row: R) => T): (T | null)[] {
  const byKey = new Map<K, T>(rows.map((row) => [keyOf(row), map(row)]));
  return keys.map((key) => byKey.get(key) ?? null);
}
