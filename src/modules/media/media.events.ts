import { defineEvents, KindMeaning } from '../../realtime/event-catalogue';

/** What an image event means for the files. */
export interface ImageKindMeaning extends KindMeaning {
  dropsRenditions: boolean;
  dropsOriginal: boolean;
}

/**
 * The image's events, each with what it means for the files and caches (the articles and people showing the image get
 * their own updates in the same transaction, which purge their cached pages).
 */
export const IMAGE_EVENTS = defineEvents({
  topic: 'image',
  cacheType: 'Image',
  kinds: {
    UPDATED: {
      description: 'Words changed (alt, caption, credit, rights date in the future): responses showing it purge; files stay.',
      dropsRenditions: false, dropsOriginal: false, purgesLists: true,
    },
    REFRAMED: {
      description: 'A new focal point or crop: renditions are drawn again (their URLs changed), the old files go.',
      dropsRenditions: true, dropsOriginal: false, purgesLists: true,
    },
    EXPIRED: {
      description: 'Its rights expired: readers no longer get it, renditions answer 410, every file but the original goes.',
      dropsRenditions: true, dropsOriginal: false, purgesLists: true,
    },
    DELETED: { description: 'Deleted: every file goes.', dropsRenditions: true, dropsOriginal: true, purgesLists: true },
  } satisfies Record<string, ImageKindMeaning>,
});

export type ImageEventKind = (typeof IMAGE_EVENTS.kindNames)[number];
