import type { Crops } from './image-renditions';

/** Languages an alternative text can be written in (the languages of articles). */
export type AltLang = 'ar' | 'fr';

/** An image row as read (camel-cased by the reader's SELECT). */
export interface ImageRow {
  id: number;
  originalKey: string;
  originalHash: string;
  originalType: 'image/jpeg' | 'image/png';
  originalBytes: number;
  sourceFormat: string;
  animated: boolean;
  width: number;
  height: number;
  alt: Partial<Record<AltLang, string>>;
  caption: string | null;
  credit: string | null;
  source: string | null;
  copyright: string | null;
  focalX: number;
  focalY: number;
  crops: Crops;
  blurhash: string;
  dominantColor: string;
  rightsExpireAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns of an image, aliased as ImageRow names, for an image table aliased `i`. */
export const IMAGE_COLUMNS = `i.id, i.original_key AS "originalKey", i.original_hash AS "originalHash", i.original_type AS "originalType",
  i.original_bytes AS "originalBytes", i.source_format AS "sourceFormat", i.animated, i.width, i.height, i.alt, i.caption, i.credit,
  i.source, i.copyright, i.focal_x AS "focalX", i.focal_y AS "focalY", i.crops, i.blurhash, i.dominant_color AS "dominantColor",
  i.rights_expire_at AS "rightsExpireAt", i.version, i.created_at AS "createdAt", i.updated_at AS "updatedAt"`;

/**
 * Readers never see an image whose rights have expired, whether or not the scheduler has taken it out yet: the
 * rule in SQL (for an image aliased `i`) and in JS, side by side.
 */
export const IMAGE_VISIBLE_TO_READERS = '(i.rights_expire_at IS NULL OR i.rights_expire_at > now())';
export function imageVisibleToReaders(row: Pick<ImageRow, 'rightsExpireAt'>, now = new Date()): boolean {
  return row.rightsExpireAt === null || row.rightsExpireAt.getTime() > now.getTime();
}
