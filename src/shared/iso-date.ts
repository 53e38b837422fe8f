/** The newsroom's clock: dates in pages, structured data and sitemaps are written in Casablanca time, with its offset. */
export const NEWSROOM_TIME_ZONE = 'Africa/Casablanca';

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: NEWSROOM_TIME_ZONE, hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/**
 * ISO 8601 with the offset of Casablanca at that instant, e.g. "2022-02-04T18:00:00+01:00" (Morocco moves to +00:00
 * during Ramadan): what schema.org, Google News sitemaps and OpenGraph ask for, and what a reader of the source recognises.
 */
export function isoWithOffset(date: Date): string {
  const p = Object.fromEntries(parts.formatToParts(date).map((part) => [part.type, part.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const offsetMinutes = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}

/** The calendar day in Casablanca, "2022-02-04": a daily sitemap's day. */
export function newsroomDay(date: Date): string {
  return isoWithOffset(date).slice(0, 10);
}
