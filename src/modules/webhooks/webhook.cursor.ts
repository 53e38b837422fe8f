import { badInput } from '../../shared/errors';
import { decodeCursor, encodeCursor } from '../../shared/relay';
import { BREAKING_NEWS_CURSOR_KIND } from '../ticker/ticker.subscription';
import { LIVE_ENTRIES_CURSOR_KIND } from '../live/live.subscription';

const CURSOR_KIND = 'webhook';

/** The cursor of the outbox event at `seq` as webhook payloads carry it. */
export function webhookCursor(seq: number): string {
  return encodeCursor(CURSOR_KIND, [seq]);
}

/**
 * The outbox sequence a replay starts after: a webhook payload's cursor, or a breakingNews or liveEntries
 * subscription's (all name one event of the same outbox).
 */
export function sequenceOfCursor(cursor: string, field: string): number {
  for (const kind of [CURSOR_KIND, BREAKING_NEWS_CURSOR_KIND, LIVE_ENTRIES_CURSOR_KIND]) {
    try {
      const [seq] = decodeCursor(kind, cursor, field, ['number']) as [number];
      if (Number.isSafeInteger(seq) && seq >= 0) return seq;
    } catch {
      // another kind
    }
  }
  throw badInput(`Invalid cursor "${cursor.slice(0, 60)}": pass a webhook delivery's cursor or a breakingNews or liveEntries one.`, field);
}
