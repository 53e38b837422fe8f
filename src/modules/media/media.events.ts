/**
 * The image's events, each with what it means for the files and caches (the articles and people showing the image get
 * their own updates in the same transaction, which purge their cached pages).
 */
export const IMAGE_EVENT_KINDS = {
  /** Words changed (alt, caption, credit, rights date in the future): responses showing it purge; files stay. */
  UPDATED: { dropsRenditions: false, dropsOriginal: false },
  /** A new focal point or crop: renditions are drawn again (their URLs changed), the old files go. */
  REFRAMED: { dropsRenditions: true, dropsOriginal: false },
  /** Its rights expired: readers no longer get it, renditions answer 410, every file but the original goes. */
  EXPIRED: { dropsRenditions: true, dropsOriginal: false },
  /** Deleted: every file goes. */
  DELETED: { dropsRenditions: true, dropsOriginal: true },
} as const;

export type ImageEventKind = keyof typeof IMAGE_EVENT_KINDS;

export const IMAGE_EVENT = { topic: 'image' } as const;

export function isImageEventKind(kind: string): kind is ImageEventKind {
  return Object.hasOwn(IMAGE_EVENT_KINDS, kind);
}
