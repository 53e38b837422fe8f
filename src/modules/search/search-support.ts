import type { Sql } from '../../db/sql';

/** What search can do on this database, checked once at startup. */
export interface SearchSupport {
  /** LC_CTYPE of the database. */
  ctype: string;
  /** pg_trgm finds trigrams in Arabic text: false under a `C` LC_CTYPE, where only ASCII letters are word characters. */
  trigrams: boolean;
}

/** C and POSIX: the LC_CTYPE values under which pg_trgm sees no letters outside ASCII. */
const ASCII_ONLY_CTYPES = new Set(['C', 'POSIX']);

/**
 * Asks pg_trgm itself rather than trusting locale names. A replica may start before the migration job has installed
 * it (MIGRATE_ON_START off): then the LC_CTYPE name decides.
 */
export async function checkSearchSupport(sql: Sql): Promise<SearchSupport> {
  const [{ ctype, installed }] = await sql.query<{ ctype: string; installed: boolean }>(
    `SELECT datctype AS ctype, to_regprocedure('public.show_trgm(text)') IS NOT NULL AS installed
     FROM pg_database WHERE datname = current_database()`);
  if (!installed) return { ctype, trigrams: !ASCII_ONLY_CTYPES.has(ctype) };
  const [{ trigrams }] = await sql.query<{ trigrams: boolean }>(`SELECT cardinality(public.show_trgm('وزير')) > 0 AS trigrams`);
  return { ctype, trigrams };
}

/** The startup warning for a database search cannot fully use, or null when it can. */
export function searchSupportWarning(support: SearchSupport): string | null {
  if (support.trigrams) return null;
  return `Search is degraded: the database's LC_CTYPE is "${support.ctype}", under which pg_trgm finds no trigrams in Arabic, `
    + 'so people are found by the words of their names and aliases only (no fuzzy spellings); article search works. '
    + 'Create the database with a UTF-8 locale (e.g. LC_CTYPE \'C.UTF-8\') for full search.';
}
