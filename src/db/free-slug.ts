import { EntityManager, QueryFailedError } from 'typeorm';
import { uniqueSlug } from '../shared/slug';

const ATTEMPTS = 5;
/** First key of the two-key advisory locks that serialize writers wanting the same slug (a key space apart from single-key locks). */
const SLUG_LOCK_CLASS = 7361;

/**
 * Runs `insert` with `base` or the first free `base-N` in `table`. Writers wanting the same base take turns
 * (a transaction-scoped advisory lock); should a slug still be taken meanwhile (e.g. someone asked for "x-2"
 * explicitly), the unique violation is rolled back to a savepoint and the next free one is tried.
 */
export async function insertWithFreeSlug<T>(tx: EntityManager, table: 'article' | 'person', base: string, fallback: string,
  insert: (slug: string) => Promise<T>): Promise<T> {
  const root = base || fallback;
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SLUG_LOCK_CLASS, `${table}:${root}`]);
  for (let attempt = 1; ; attempt += 1) {
    const rows: { slug: string }[] = await tx.query(`SELECT slug FROM ${table} WHERE slug = $1 OR slug LIKE $2`, [root, `${root}-%`]);
    const slug = uniqueSlug(root, new Set(rows.map((r) => r.slug)));
    await tx.query('SAVEPOINT free_slug');
    try {
      const result = await insert(slug);
      await tx.query('RELEASE SAVEPOINT free_slug');
      return result;
    } catch (error) {
      if (!isUniqueViolation(error, `${table}_slug_key`) || attempt >= ATTEMPTS) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT free_slug');
    }
  }
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}
