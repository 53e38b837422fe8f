import type { DataSource, EntityManager } from 'typeorm';
import { announceShownUpdates } from '../article/reference-changes';
import { VISIBLE_TO_READERS_SQL } from '../article/article.visibility';
import { PERSON_EVENTS } from '../person/person.events';
import { badInput, conflict, notFound } from '../../shared/errors';
import { normalizePlainText } from '../../shared/plain-text';
import { ImageInputError } from './image-pipeline';
import { Crops, framingProblem } from './image-renditions';
import { IMAGE_COLUMNS, ImageRow } from './image.row';
import { ImageType } from './image.type';
import type { ImageAltInput, ImageDetailsInput, UpdateImageInput, UploadImageInput } from './image.inputs';
import { ARTICLES_SHOWING_IMAGE } from './image.service';
import type { MediaLibrary } from './media-library';
import type { UploadedFile } from './upload';
import { IMAGE_EVENTS, ImageEventKind } from './media.events';

export interface ImageAuthor {
  subject: string | null;
}

type Patch = Partial<Pick<ImageRow, 'alt' | 'caption' | 'credit' | 'source' | 'copyright' | 'focalX' | 'focalY' | 'crops' | 'rightsExpireAt'>>;

/** Every image write: one transaction that locks, checks, saves with a new version, and appends its events last. */
export class ImageWriter {
  constructor(private readonly db: DataSource, private readonly media: MediaLibrary) {}

  /** Checks and cleans the file, then stores it and its row together: a refused upload stores nothing. */
  async upload(author: ImageAuthor, file: UploadedFile, input: UploadImageInput): Promise<ImageType> {
    const patch = detailsPatch(input);
    const received = await file.received().catch((error: unknown) => {
      throw badInput((error as Error).message, 'file');
    });
    const image = await this.media.ingest(received).catch((error: unknown) => {
      if (error instanceof ImageInputError) throw badInput(error.message, 'file');
      throw error;
    });
    return this.db.transaction(async (tx) => {
      const [{ id }]: { id: number }[] = await tx.query(
        `INSERT INTO image (original_key, original_hash, original_type, original_bytes, source_format, animated, width, height,
                            alt, caption, credit, source, copyright, focal_x, focal_y, crops, blurhash, dominant_color,
                            rights_expire_at, created_by)
         VALUES ('', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
        [image.originalHash, image.originalType, image.originalBytes, image.sourceFormat, image.animated, image.width, image.height,
          JSON.stringify(patch.alt), patch.caption ?? null, patch.credit ?? null, patch.source ?? null, patch.copyright ?? null,
          patch.focalX ?? 0.5, patch.focalY ?? 0.5, JSON.stringify(patch.crops ?? {}), image.blurhash, image.dominantColor,
          patch.rightsExpireAt ?? null, author.subject]);
      // Stored before the commit: a row never points at a file that is not there (a failed commit leaves a stray file).
      const key = await this.media.storeOriginal(id, image);
      await tx.query('UPDATE image SET original_key = $2 WHERE id = $1', [id, key]);
      return this.reload(tx, id);
    }).finally(() => this.media.discard(image));
  }

  async update(id: number, expectedVersion: number, input: UpdateImageInput): Promise<ImageType> {
    const patch = detailsPatch(input);
    return this.db.transaction(async (tx) => {
      const before = await this.lock(tx, id, expectedVersion);
      const after = { ...before, ...patch };
      const changed = (Object.keys(patch) as (keyof Patch)[]).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
      if (changed.length === 0) return ImageType.from(before);
      const [{ expired }]: { expired: boolean }[] = await tx.query(
        `UPDATE image SET alt = $2, caption = $3, credit = $4, source = $5, copyright = $6, focal_x = $7, focal_y = $8, crops = $9,
                rights_expire_at = $10, version = version + 1, updated_at = now(),
                rights_expired_at = CASE WHEN $10::timestamptz <= now() THEN coalesce(rights_expired_at, now()) END
         WHERE id = $1 RETURNING rights_expired_at IS NOT NULL AS expired`,
        [id, JSON.stringify(after.alt), after.caption, after.credit, after.source, after.copyright, after.focalX, after.focalY,
          JSON.stringify(after.crops), after.rightsExpireAt]);
      const reframed = changed.some((key) => key === 'focalX' || key === 'focalY' || key === 'crops');
      await this.announce(tx, id, expired ? 'EXPIRED' : reframed ? 'REFRAMED' : 'UPDATED');
      return this.reload(tx, id);
    });
  }

  /** Deletes an image no article or person uses; otherwise CONFLICT, with the list of what uses it. */
  async delete(id: number): Promise<ImageType> {
    return this.db.transaction(async (tx) => {
      const row = await this.lock(tx, id);
      // Locks the articles and people using it, so none can take it up between the check and the delete.
      const articles: { id: number; slug: string; title: string; status: string }[] = await tx.query(
        `SELECT a.id, a.slug, a.title, a.status FROM article a WHERE ${ARTICLES_SHOWING_IMAGE} ORDER BY a.id FOR SHARE`, [id]);
      const people: { id: number; slug: string }[] = await tx.query('SELECT id, slug FROM person WHERE portrait_id = $1 ORDER BY id FOR SHARE', [id]);
      if (articles.length > 0 || people.length > 0) {
        const names = [...articles.map((a) => `article "${a.title}"`), ...people.map((p) => `portrait of ${p.slug}`)];
        throw conflict(`The image is in use (${names.join('; ')}): take it out of these first.`, {
          usedBy: { articles: articles.map(({ id: articleId, slug, title, status }) => ({ id: articleId, slug, title, status })), people },
        });
      }
      await tx.query('DELETE FROM image WHERE id = $1', [id]);
      await IMAGE_EVENTS.append(tx, { kind: 'DELETED', entityId: id, regionCodes: [] });
      return ImageType.from(row);
    });
  }

  /**
   * Takes out the earliest image whose rights have expired that no other instance holds, in its own transaction, and
   * returns its id (null when none is due). SKIP LOCKED and the rights_expired_at mark make each expiry happen once.
   */
  async expireNextDue(): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const [due]: { id: number }[] = await tx.query(
        `SELECT id FROM image WHERE rights_expire_at <= now() AND rights_expired_at IS NULL
         ORDER BY rights_expire_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`);
      if (!due) return null;
      await tx.query('UPDATE image SET rights_expired_at = now() WHERE id = $1', [due.id]);
      await this.announce(tx, due.id, 'EXPIRED');
      return due.id;
    });
  }

  /** The image's own event, and updates of the public articles and the people showing it (their cached pages go). */
  private async announce(tx: EntityManager, id: number, kind: ImageEventKind): Promise<void> {
    const articles: { id: number }[] = await tx.query(
      `SELECT a.id FROM article a WHERE (${ARTICLES_SHOWING_IMAGE}) AND ${VISIBLE_TO_READERS_SQL} ORDER BY a.id`, [id]);
    const people: { id: number }[] = await tx.query('SELECT id FROM person WHERE portrait_id = $1 ORDER BY id', [id]);
    await announceShownUpdates(tx, articles.map((a) => a.id));
    for (const person of people) await PERSON_EVENTS.append(tx, { kind: 'UPDATED', entityId: person.id, regionCodes: [] });
    await IMAGE_EVENTS.append(tx, { kind, entityId: id, regionCodes: [] });
  }

  private async lock(tx: EntityManager, id: number, expectedVersion?: number): Promise<ImageRow> {
    const [row]: ImageRow[] = await tx.query(`SELECT ${IMAGE_COLUMNS} FROM image i WHERE i.id = $1 FOR UPDATE`, [id]);
    if (!row) throw notFound('There is no such image.');
    if (expectedVersion !== undefined && row.version !== expectedVersion) {
      throw conflict(`The image was saved by someone else in the meantime: it is at version ${row.version}, not ${expectedVersion}. Reload it and apply your change again.`,
        { currentVersion: row.version });
    }
    return row;
  }

  private async reload(tx: EntityManager, id: number): Promise<ImageType> {
    const [row]: ImageRow[] = await tx.query(`SELECT ${IMAGE_COLUMNS} FROM image i WHERE i.id = $1`, [id]);
    return ImageType.from(row);
  }
}

/** The validated, normalized changes an input asks for (BAD_USER_INPUT naming the field otherwise). */
function detailsPatch(input: ImageDetailsInput & { alt?: ImageAltInput[] }): Patch {
  const patch: Patch = {};
  if (input.alt !== undefined) {
    if (input.alt === null) throw badInput('alt cannot be null: every picture needs its alternative text.', 'alt');
    const langs = input.alt.map((a) => a.lang);
    if (new Set(langs).size !== langs.length) throw badInput('alt has two texts in one language.', 'alt');
    patch.alt = Object.fromEntries(input.alt.map((a) => [a.lang, normalizePlainText(a.text)]));
  }
  for (const key of ['caption', 'credit', 'source', 'copyright'] as const) {
    if (input[key] !== undefined) patch[key] = optionalText(input[key]);
  }
  if (input.focalPoint !== undefined) {
    const point = input.focalPoint ?? { x: 0.5, y: 0.5 };
    [patch.focalX, patch.focalY] = [point.x, point.y];
  }
  if (input.crops !== undefined) {
    const crops: Crops = {};
    for (const crop of input.crops ?? []) {
      const ratio = crop.ratio as keyof Crops;
      if (crops[ratio]) throw badInput(`crops has two crops for ${ratio}.`, 'crops');
      crops[ratio] = { x: crop.x, y: crop.y, width: crop.width, height: crop.height };
    }
    patch.crops = crops;
  }
  const problem = framingProblem(input.focalPoint ?? undefined, patch.crops);
  if (problem) throw badInput(`${problem}.`, problem.startsWith('focalPoint') ? 'focalPoint' : 'crops');
  if (input.rightsExpireAt !== undefined) patch.rightsExpireAt = input.rightsExpireAt;
  return patch;
}

function optionalText(value: string | null | undefined): string | null {
  const text = value == null ? '' : normalizePlainText(value);
  return text === '' ? null : text;
}
