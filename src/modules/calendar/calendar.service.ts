import type { Sql } from '../../db/sql';
import type { HijriMonthStart } from '../../shared/hijri';

/** Reads the announced Hijri month starts: a few a year, all read at once when a date line asks for the Hijri date. */
export class CalendarService {
  constructor(private readonly sql: Sql) {}

  monthStarts(): Promise<HijriMonthStart[]> {
    return this.sql.query(
      `SELECT year, month, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn" FROM hijri_month_start ORDER BY starts_on`);
  }
}
