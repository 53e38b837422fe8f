import pg from 'pg';

const TIMESTAMPTZ = 1184;
/** pg's own parser (postgres-date): every form PostgreSQL writes (other offsets, BC, infinity, years before 100). */
const parseAnyTimestamp = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

/**
 * A `timestamp with time zone` as PostgreSQL writes it in a UTC session, `2026-12-07 09:30:00.123456+00`, read
 * without regular expressions; any other form goes to pg's parser, whose Date this one equals (the same milliseconds,
 * truncated). A page of twenty articles reads twenty, and pg's parser was a fiftieth of its CPU.
 */
export function parseTimestamptz(text: string): Date | number | null {
  const length = text.length;
  if (length >= 22 && text.endsWith('+00') && text.charCodeAt(4) === DASH && text.charCodeAt(7) === DASH && text.charCodeAt(10) === SPACE
    && text.charCodeAt(13) === COLON && text.charCodeAt(16) === COLON && (length === 22 || (length >= 24 && text.charCodeAt(19) === DOT))) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    const fraction = length === 22 ? 0 : digits(text, 20, length - 23);
    if (year >= 100 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0 && fraction >= 0) {
      // pg's parser's own arithmetic for the milliseconds, so that both truncate alike.
      const ms = length === 22 ? 0 : 1000 * parseFloat(text.slice(19, length - 3));
      return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
    }
  }
  return parseAnyTimestamp(text);
}

/** Reads every `timestamptz` of every pool (pg's parsers are per process) with parseTimestamptz. */
export function readTimestampsFast(): void {
  pg.types.setTypeParser(TIMESTAMPTZ, parseTimestamptz);
}

const DASH = 45;
const SPACE = 32;
const COLON = 58;
const DOT = 46;

/** The number written by `count` decimal digits from `start`, or -1 when one is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
