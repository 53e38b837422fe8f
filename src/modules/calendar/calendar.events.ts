import { defineEvents } from '../../realtime/event-catalogue';
import { DisplayCalendar } from './calendar.type';

/**
 * The announced Hijri months' events: a start recorded or forgotten moves the Hijri date of every date line around
 * it, and only purges cached responses (those with a Hijri date line carry the type's tag, `HijriMonth`).
 */
export const CALENDAR_EVENTS = defineEvents({
  topic: 'calendar',
  cacheType: 'HijriMonth',
  kinds: {
    MONTH_START_SET: { description: 'An announced Hijri month start was recorded or forgotten: responses with a Hijri date line purge.', purgesLists: true },
  },
});

/** A month's entity id in its events: 144609 for Ramadan 1446. */
export function monthEntityId(year: number, month: number): number {
  return year * 100 + month;
}

/** What a response with date lines in `calendar` depends on beyond its articles: a Hijri date, on the announced starts. */
export function dateLineTags(calendar: DisplayCalendar): string[] {
  return calendar === DisplayCalendar.GREGORIAN ? [] : [CALENDAR_EVENTS.cacheType];
}
