import type { DataSource } from 'typeorm';
import type { CategoryRow } from './category.row';
import { CategoryType } from './category.type';
import { CATEGORY_COLUMNS } from './category.service';
import type { UpsertCategoryInput } from './category.inputs';
import { badInput } from '../../shared/errors';
import { normalizePlainText } from '../../shared/plain-text';
import { slugify } from '../../shared/slug';
import { AnnounceCategoryChange, CATEGORY_EVENTS } from './category.events';

/** The sections write path: admins add and rename sections. */
export class CategoryWriter {
  /** `showing` tells the features that show sections (article pages); the composition root provides it. */
  constructor(private readonly db: DataSource, private readonly showing: AnnounceCategoryChange) {}

  async upsert(input: UpsertCategoryInput): Promise<CategoryType> {
    const slug = slugify(input.slug);
    if (!slug) throw badInput('slug must contain letters or digits.', 'slug');
    return this.db.transaction(async (tx) => {
      const [row]: CategoryRow[] = await tx.query(
        `INSERT INTO category AS c (slug, name_ar, name_fr) VALUES ($1, $2, $3)
         ON CONFLICT (slug) DO UPDATE SET name_ar = $2, name_fr = $3 RETURNING ${CATEGORY_COLUMNS}`,
        [slug, normalizePlainText(input.nameAr), normalizePlainText(input.nameFr)]);
      await this.showing(tx, { topic: 'category', id: row.id });
      await CATEGORY_EVENTS.append(tx, { kind: 'UPDATED', entityId: row.id, regionCodes: [] });
      return CategoryType.from(row);
    });
  }
}
