import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Hijri months as Morocco's Ministry of Habous and Islamic Affairs announced them: the Gregorian day each month
 * began on, where an admin recorded it (`setHijriMonthStart`); months without one follow the computed calendar.
 */
export class HijriMonthStarts1765400000000 implements MigrationInterface {
  name = 'HijriMonthStarts1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE hijri_month_start (
        year integer NOT NULL CHECK (year BETWEEN 1300 AND 1600),
        month integer NOT NULL CHECK (month BETWEEN 1 AND 12),
        starts_on date NOT NULL UNIQUE,
        recorded_by text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (year, month)
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE hijri_month_start');
  }
}
