import type { Sql } from '../../db/sql';
import { pickBy } from '../../shared/group-by';
import { IMAGE_COLUMNS, IMAGE_VISIBLE_TO_READERS, ImageRow } from './image.row';
import { ImageType } from './image.type';
import { VISIBLE_TO_READERS_SQL } from '../article/article.visibility';

/** Where an image is used: what deleteImage lists, and whose cached pages go when it changes. */
export interface ImageUsage {
  articles: { id: number; slug: string; title: string; status: string; public: boolean }[];
  people: { id: number; slug: string; nameAr: string }[];
}

/**
 * The articles that show an image `$1`: as lead image, in an IMAGE block or as an embed's poster. The containment
 * tests use the GIN index on article.body.
 */
export const ARTICLES_SHOWING_IMAGE = `a.lead_image_id = $1
  OR a.body @> jsonb_build_array(jsonb_build_object('imageId', $1::int))
  OR a.body @> jsonb_build_array(jsonb_build_object('posterImageId', $1::int))`;

/** Reads images: readers never get one whose rights have expired. */
export class ImageService {
  constructor(private readonly sql: Sql) {}

  async byIds(ids: readonly number[], visibility: 'public' | 'editorial'): Promise<(ImageType | null)[]> {
    const rows: ImageRow[] = await this.sql.query(
      `SELECT ${IMAGE_COLUMNS} FROM image i WHERE i.id = ANY($1)${visibility === 'public' ? ` AND ${IMAGE_VISIBLE_TO_READERS}` : ''}`, [ids]);
    return pickBy(ids, rows, (row) => row.id, ImageType.from);
  }

  /** An image row whatever its rights (the rendition route tells expired from missing). */
  async row(id: number): Promise<(ImageRow & { expired: boolean }) | null> {
    const [row] = await this.sql.query<ImageRow & { expired: boolean }>(
      `SELECT ${IMAGE_COLUMNS}, NOT ${IMAGE_VISIBLE_TO_READERS} AS expired FROM image i WHERE i.id = $1`, [id]);
    return row ?? null;
  }

  async usage(id: number): Promise<ImageUsage> {
    const [articles, people] = await Promise.all([
      this.sql.query<ImageUsage['articles'][number]>(
        `SELECT a.id, a.slug, a.title, a.status, (${VISIBLE_TO_READERS_SQL}) AS public
         FROM article a WHERE ${ARTICLES_SHOWING_IMAGE} ORDER BY a.id`, [id]),
      this.sql.query<ImageUsage['people'][number]>('SELECT p.id, p.slug, p.name_ar AS "nameAr" FROM person p WHERE p.portrait_id = $1 ORDER BY p.id', [id]),
    ]);
    return { articles, people };
  }
}
