/** The GraphQL fields an operation shows of a type, or all of them (reads that serve more than one operation). */
export type Fields = readonly string[] | 'all';

interface ProjectionSpec {
  /** SQL expression of each property of a row, in select-list order; a property named like a field serves that field. */
  columns: Record<string, string>;
  /** Properties every row carries whatever is shown: keys, and what cursors, resolvers and cache tags read. */
  always: readonly string[];
  /** Properties a field reads when they are not its own name (a field computed from a column, a relation's key). */
  needs?: Record<string, readonly string[]>;
}

/**
 * The columns of a table that a statement reads for the fields an operation shows: a page of twenty articles with their
 * people's names does not read, decode and parse every person's biography. Rows built from it carry only those
 * properties; the fields that read others say so in `needs`, and the API tests compare every field with a full read.
 */
export class Projection {
  private readonly all: readonly string[];

  constructor(private readonly spec: ProjectionSpec) {
    this.all = Object.keys(spec.columns);
  }

  /** A select list: `r.code AS "code", r.name_ar AS "nameAr"`. */
  select(fields: Fields = 'all'): string {
    return this.properties(fields).map((property) => `${this.spec.columns[property]} AS "${property}"`).join(', ');
  }

  /** A JSON object of the row, `json_build_object('code', r.code, 'nameAr', r.name_ar)`, and `more` members (a nested row). */
  json(fields: Fields = 'all', more: string[] = []): string {
    const members = this.properties(fields).map((property) => `'${property}', ${this.spec.columns[property]}`);
    return `json_build_object(${[...members, ...more].join(', ')})`;
  }

  /** The rows a `FROM … WHERE …` clause finds, as a JSON array of their objects (`[]` for none) in `order`. */
  jsonArray(fields: Fields, from: string, order: string, more: string[] = []): string {
    return `(SELECT coalesce(json_agg(${this.json(fields, more)} ORDER BY ${order}), '[]') ${from})`;
  }

  /** The properties the fields need, in the spec's column order, so one set of fields is always one statement text. */
  private properties(fields: Fields): readonly string[] {
    if (fields === 'all') return this.all;
    const wanted = new Set(this.spec.always);
    for (const field of fields) {
      if (field in this.spec.columns) wanted.add(field);
      for (const property of this.spec.needs?.[field] ?? []) wanted.add(property);
    }
    return this.all.filter((property) => wanted.has(property));
  }
}
