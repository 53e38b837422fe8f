/**
 * The region tree's one rule, in SQL: a place is inside a region (the region itself included) when the region is on
 * the place's `path` (its ancestors' codes and its own, the region first). Every "this region and the places inside
 * it" reads through here (a region's page of articles and its feed, the `regionCode` filter, the articles a changed
 * place shows in), whatever the depth of the tree.
 */

/** `place` (an alias of `region`) is the region `code` (an SQL text expression) or inside it. */
export function insideRegionSql(place: string, code: string): string {
  return `${place}.path @> ARRAY[${code}::text]`;
}

/** `place` (an alias of `region`) is one of the regions `codes` (an SQL text[] expression) or inside one of them. */
export function insideAnyRegionSql(place: string, codes: string): string {
  return `${place}.path && ${codes}::text[]`;
}
