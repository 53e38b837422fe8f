/** SQL conditions with their positional parameters, composed without string-built values. */
export class Conditions {
  readonly parts: string[] = [];
  constructor(readonly params: unknown[] = []) {}

  add(sql: string): void {
    this.parts.push(sql);
  }

  /** The placeholder of a new parameter holding `value`. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  toSql(): string {
    return this.parts.length ? this.parts.join(' AND ') : 'true';
  }
}
