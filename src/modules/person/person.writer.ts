import type { DataSource, EntityManager } from 'typeorm';
import type { PersonRow } from './person.row';
import { PersonType } from './person.type';
import { PERSON_COLUMNS } from './person.service';
import type { UpsertPersonInput } from './person.inputs';
import { normalizePlainText } from '../../shared/plain-text';
import { slugify } from '../../shared/slug';
import { badInput } from '../../shared/errors';
import { insertWithFreeSlug } from '../../db/free-slug';
import { numericIdOf } from '../../shared/global-id';
import { AnnouncePersonChange, PERSON_EVENTS } from './person.events';

/** The people write path: admins add and replace people. */
export class PersonWriter {
  /** `showing` tells the features that show people (article pages); the composition root provides it. */
  constructor(private readonly db: DataSource, private readonly showing: AnnouncePersonChange) {}

  /** Replaces the person with `input.slug`, or creates one (under a free slug derived from the name). */
  async upsert(input: UpsertPersonInput): Promise<PersonType> {
    const text = (value: string | null | undefined) => (value == null || normalizePlainText(value) === '' ? null : normalizePlainText(value));
    const values = [normalizePlainText(input.nameAr), text(input.nameLatin), [...new Set((input.aliases ?? []).map(normalizePlainText))],
      text(input.roleAr), text(input.roleFr), text(input.bio), input.portraitId == null ? null : numericIdOf('Image', input.portraitId, 'portraitId')];
    const upsert = (tx: EntityManager, slug: string) => tx.query(
      `INSERT INTO person AS p (slug, name_ar, name_latin, aliases, role_ar, role_fr, bio, portrait_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (slug) DO UPDATE SET name_ar = $2, name_latin = $3, aliases = $4, role_ar = $5, role_fr = $6, bio = $7, portrait_id = $8, updated_at = now()
       RETURNING ${PERSON_COLUMNS}`, [slug, ...values]);
    const portraitId = values[6] as number | null;
    const checkPortrait = async (tx: EntityManager) => {
      if (portraitId === null) return;
      const [found]: { id: number }[] = await tx.query('SELECT id FROM image WHERE id = $1', [portraitId]);
      if (!found) throw badInput('There is no such image.', 'portraitId', { unknown: [input.portraitId] });
    };
    if (input.slug != null) {
      const slug = slugify(input.slug);
      if (!slug) throw badInput('slug must contain letters or digits.', 'slug');
      return this.db.transaction(async (tx) => {
        await checkPortrait(tx);
        const [row]: PersonRow[] = await upsert(tx, slug);
        await this.showing(tx, { topic: 'person', id: row.id });
        await announce(tx, row.id);
        return PersonType.from(row);
      });
    }
    const base = slugify(text(input.nameLatin) ?? normalizePlainText(input.nameAr));
    return this.db.transaction(async (tx) => {
      await checkPortrait(tx);
      const [row]: PersonRow[] = await insertWithFreeSlug(tx, 'person', base, 'person', (slug) => tx.query(
        `INSERT INTO person AS p (slug, name_ar, name_latin, aliases, role_ar, role_fr, bio, portrait_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING ${PERSON_COLUMNS}`, [slug, ...values]));
      // A new person joins lists of people, and lookups of their slug that found nobody; no article shows them yet.
      await announce(tx, row.id);
      return PersonType.from(row);
    });
  }
}

/** The person's own event, last in the transaction: their pages, and lists of people they may join, purge. */
function announce(tx: EntityManager, id: number): Promise<number> {
  return PERSON_EVENTS.append(tx, { kind: 'UPDATED', entityId: id, regionCodes: [] });
}
