/** The newsroom's clock: dates in pages, structured data and sitemaps are written in Casablanca time, with its offset. */
export const NEWSROOM_TIME_ZONE = 'Africa/Casablanca';

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: NEWSROOM_TIME_ZONE, hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** Casablanca's offsets change on the hour: each UTC hour's offset in minutes, asked of Intl once. */
const offsetsByHour = new Map<number, number>();
const HOUR_MS = 3_600_000;

function offsetMinutesAt(date: Date): number {
  const hour = Math.floor(date.getTime() / HOUR_MS);
  let offset = offsetsByHour.get(hour);
  if (offset === undefined) {
    const at = new Date(hour * HOUR_MS);
    const p = Object.fromEntries(parts.formatToParts(at).map((part) => [part.type, part.value]));
    const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    offset = Math.round((local - at.getTime()) / 60_000);
    if (offsetsByHour.size > 100_000) offsetsByHour.clear();
    offsetsByHour.set(hour, offset);
  }
  return offset;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * ISO 8601 with the offset of Casablanca at that instant, e.g. "2022-02-04T18:00:00+01:00" (Morocco moves to +00:00
 * during Ramadan): what schema.org, Google News sitemaps and OpenGraph ask for, and what a reader of the source recognises.
 */
export function isoWithOffset(date: Date): string {
  const offsetMinutes = offsetMinutesAt(date);
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offsetMinutes * 60_000);
  const abs = Math.abs(offsetMinutes);
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
  return `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}`
    + `T${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}${offset}`;
}

/** The calendar day in Casablanca, "2022-02-04": a daily sitemap's day. */
export function newsroomDay(date: Date): string {
  return isoWithOffset(date).slice(0, 10);
}
