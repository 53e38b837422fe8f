import pg from 'pg';
import { parseTimestamptz } from '../../src/db/timestamps';

// pg's own parser, as registered before Khabar replaces it.
const pgParser = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;
const same = (text: string) => {
  const ours = parseTimestamptz(text);
  const theirs = pgParser(text);
  return ours instanceof Date && theirs instanceof Date ? Object.is(ours.getTime(), theirs.getTime()) : Object.is(ours, theirs);
};

describe('timestamptz as PostgreSQL writes it', () => {
  it.each([
    '2026-12-07 09:30:00+00', '2026-12-07 09:30:00.1+00', '2026-12-07 09:30:00.123456+00', '2026-12-07 09:30:00.029+00',
    '2026-12-07 09:30:00.999999+00', '2024-02-29 23:59:59.5+00', '1970-01-01 00:00:00+00', '0099-01-01 00:00:00+00',
    '0001-01-01 00:00:00+00 BC', '2026-12-07 09:30:00+01', '2026-12-07 09:30:00.25-03:30', '2026-12-07 09:30:00+05:45:10',
    'infinity', '-infinity', '2026-12-07', '12026-12-07 09:30:00+00', '2026-12-07 09:30:00.+00', '2026-12-07 09:3a:00+00',
  ])('%p reads as pg reads it', (text) => {
    expect(same(text)).toBe(true);
  });

  it('reads every millisecond of a day, and microseconds, as pg does', () => {
    const mismatches: string[] = [];
    for (let ms = 0; ms < 86_400_000; ms += 997) {
      const at = new Date(Date.UTC(2026, 11, 7) + ms).toISOString();
      const text = `${at.slice(0, 10)} ${at.slice(11, 19)}.${at.slice(20, 23)}${String(ms % 1000).padStart(3, '0')}+00`;
      if (!same(text) || !same(text.slice(0, 23) + '+00') || !same(text.slice(0, 19) + '+00')) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
  });
});
