import type { Logger } from 'pino';
import type { EventFeed, OutboxRecord } from '../../realtime/feed';
import { IMAGE_EVENTS } from './media.events';
import { mediaKeys, type MediaLibrary } from './media-library';

/**
 * After commit, on every instance: the files an image event makes stale go (renditions drawn for an old framing, every
 * file of a deleted or expired image). Deleting is idempotent, so each instance doing it for its own disk (or all of
 * them for a shared bucket) is safe; a missed deletion only leaves a file no current URL names.
 */
export function dropStaleFiles(feed: EventFeed, media: MediaLibrary, logger: Logger): void {
  feed.onEvents(async (records: OutboxRecord[]) => {
    for (const record of records) {
      if (!IMAGE_EVENTS.owns(record)) continue;
      const meaning = IMAGE_EVENTS.kinds[record.kind];
      if (meaning.dropsRenditions) media.cache.dropImage(record.entityId);
      try {
        if (meaning.dropsRenditions) await media.storage.deletePrefix(mediaKeys.renditions(record.entityId));
        if (meaning.dropsOriginal) await media.storage.deletePrefix(`originals/${record.entityId}/`);
        // Again after the files are gone: a read that began before the deletion cannot leave its copy behind.
        if (meaning.dropsRenditions) media.cache.dropImage(record.entityId);
      } catch (error) {
        logger.warn({ err: error, imageId: record.entityId, kind: record.kind }, 'stale media files could not be removed');
      }
    }
  });
}
