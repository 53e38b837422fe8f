import type { DataSource, EntityManager } from 'typeorm';
import { badInput } from '../../shared/errors';
import { computedMonthStart, dayNumber, HijriMonth, isoDay, nextMonth, previousMonth } from '../../shared/hijri';
import { HijriMonthStartType } from './calendar.type';
import { CALENDAR_EVENTS, monthEntityId } from './calendar.events';

/** How far an announced start may lie from the computed one: the sighting moves it by a day, rarely two. */
const MAX_DRIFT_DAYS = 2;

/** Admins record the month starts the Ministry of Habous and Islamic Affairs announces. */
export class CalendarWriter {
  constructor(private readonly db: DataSource) {}

  /** Records (or with `date` null forgets) the announced start of a Hijri month; refused input changes nothing. */
  async setMonthStart(year: number, month: number, date: string | null, recordedBy: string | null): Promise<HijriMonthStartType> {
    if (!Number.isInteger(year) || year < 1300 || year > 1600) throw badInput('year must be a Hijri year between 1300 and 1600.', 'year');
    if (!Number.isInteger(month) || month < 1 || month > 12) throw badInput('month must be 1 (Muharram) to 12 (Dhu al-Hijja).', 'month');
    const computed = computedMonthStart({ year, month });
    if (computed === null) throw badInput(`The computed calendar does not reach ${year}.`, 'year');
    let day: number | null = null;
    if (date !== null) {
      day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? dayNumber(date) : Number.NaN;
      if (!Number.isFinite(day) || isoDay(day) !== date) throw badInput(`date must be a day as YYYY-MM-DD, not "${date.slice(0, 40)}".`, 'date');
      if (Math.abs(day - computed) > MAX_DRIFT_DAYS) {
        throw badInput(`${year}-${month} begins on ${isoDay(computed)} by the computed calendar: an announced start lies within ${MAX_DRIFT_DAYS} days of it.`,
          'date', { computedStartsOn: isoDay(computed) });
      }
    }
    await this.db.transaction(async (tx) => {
      // One admin at a time: the months around this one are checked against what is recorded.
      await tx.query('LOCK TABLE hijri_month_start IN SHARE ROW EXCLUSIVE MODE');
      if (day === null) await tx.query('DELETE FROM hijri_month_start WHERE year = $1 AND month = $2', [year, month]);
      else {
        await this.checkLengths(tx, { year, month }, day);
        await tx.query(
          `INSERT INTO hijri_month_start (year, month, starts_on, recorded_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (year, month) DO UPDATE SET starts_on = $3, recorded_by = $4, recorded_at = now()`,
          [year, month, date, recordedBy]);
      }
      // Cached date lines (here and in the HTTP caches in front) show the new start at once, not after their max-age.
      await CALENDAR_EVENTS.append(tx, { kind: 'MONTH_START_SET', entityId: monthEntityId(year, month), regionCodes: [] });
    });
    return Object.assign(new HijriMonthStartType(), {
      year, month, startsOn: isoDay(day ?? computed), computedStartsOn: isoDay(computed), announced: day !== null,
    });
  }

  /** A Hijri month has 29 or 30 days: the start must keep the month before, and the next if it was announced, so. */
  private async checkLengths(tx: EntityManager, month: HijriMonth, day: number): Promise<void> {
    const before = previousMonth(month);
    const after = nextMonth(month);
    const rows: { year: number; month: number; startsOn: string }[] = await tx.query(
      `SELECT year, month, to_char(starts_on, 'YYYY-MM-DD') AS "startsOn" FROM hijri_month_start
       WHERE (year, month) IN (($1, $2), ($3, $4))`, [before.year, before.month, after.year, after.month]);
    const announced = (m: HijriMonth) => rows.find((r) => r.year === m.year && r.month === m.month)?.startsOn;
    const previousStart = announced(before) ? dayNumber(announced(before)!) : computedMonthStart(before);
    if (previousStart !== null && (day - previousStart < 29 || day - previousStart > 30)) {
      throw badInput(`The month before would have ${day - previousStart} days; a Hijri month has 29 or 30.`, 'date', { previousStartsOn: isoDay(previousStart) });
    }
    const nextStart = announced(after);
    if (nextStart && (dayNumber(nextStart) - day < 29 || dayNumber(nextStart) - day > 30)) {
      throw badInput(`The month would have ${dayNumber(nextStart) - day} days before the recorded start of the next; a Hijri month has 29 or 30.`, 'date', { nextStartsOn: nextStart });
    }
  }
}
