import { DataSource, EntityManager } from 'typeorm';
import type { ArticleSnapshot, ArticleStatus, RevisionAction } from './article.row';
import type { ArticleContentInput, CreateArticleInput, CreateTranslationInput, UpdateArticleInput } from './article.inputs';
import { NOTE_RULES } from './article.inputs';
import type { ArticleRow } from './article.row';
import { ArticleType } from './article.type';
import { ARTICLE_COLUMNS } from './article.service';
import { ARTICLE_EVENTS, ArticleEventKind } from './article.events';
import { isVisibleToReaders } from './article.visibility';
import { insertArticle, writeArticlePeople, writeArticleRegions } from './article.insert';
import { badInput, conflict, notFound } from '../../shared/errors';
import { normalizePlainText, requirePlainText } from '../../shared/plain-text';
import { slugify } from '../../shared/slug';
import { insertWithFreeSlug } from '../../db/free-slug';
import { numericIdOf, toGlobalId } from '../../shared/global-id';
import { isLang, LANGS_TEXT } from '../../shared/languages';
import { BlockRules, bodyFrom, hasVideo, NO_EMBEDS } from './article.blocks';
import { normalizeRegionCode } from '../region/region-code';

/** Who saved a change, as revisions record it. */
export interface Author {
  subject: string | null;
  name: string | null;
}

const SCHEDULER: Author = Object.freeze({ subject: 'khabar:scheduler', name: 'scheduler' });

/** A due article the scheduler could not publish; the others still go out. */
export class ScheduledPublicationError extends Error {
  constructor(readonly articleId: number, readonly cause: unknown) {
    super(`Scheduled article ${articleId} could not be published`);
  }
}

/** A scheduling time this far in the past still means "now": the editor's clock and ours disagree a little. */
const CLOCK_SKEW_MS = 30_000;

/** Snapshot keys and the public names changes are reported under. */
const FIELD_NAMES: Record<keyof ArticleSnapshot, string> = {
  slug: 'slug',
  title: 'title',
  kicker: 'kicker',
  summary: 'summary',
  body: 'body',
  lang: 'lang',
  hasVideo: 'hasVideo',
  tags: 'tags',
  editorNote: 'editorNote',
  categoryId: 'category',
  leadImageId: 'leadImage',
  personIds: 'people',
  regionCodes: 'regions',
  status: 'status',
  publishedAt: 'publishedAt',
};

/** What restoreRevision brings back: the content, not the workflow state or the URL. */
const CONTENT_KEYS = ['title', 'kicker', 'summary', 'body', 'lang', 'hasVideo', 'tags', 'editorNote', 'categoryId', 'leadImageId', 'personIds', 'regionCodes'] as const;

interface Locked {
  id: number;
  version: number;
  /** Its translation group, null for an article alone. */
  translationGroup: number | null;
  updatedAt: Date;
  /** The database clock, so publication times never depend on this process's clock. */
  now: Date;
  snapshot: ArticleSnapshot;
}

interface StateRow extends Omit<ArticleSnapshot, 'publishedAt'> {
  id: number;
  version: number;
  translationGroup: number | null;
  updatedAt: Date;
  publishedAt: Date | null;
  now: Date;
}

/**
 * The editorial workflow: every method is one transaction that locks the article row, checks the
 * rules, saves the new state with a revision, and appends the outbox event last.
 */
export class ArticleWriter {
  /** `blocks` decides what the media module owns of a body (embed URLs); without it, no embeds. */
  constructor(private readonly db: DataSource, private readonly blocks: BlockRules = NO_EMBEDS) {}

  async create(author: Author, input: CreateArticleInput): Promise<ArticleType> {
    return this.db.transaction(async (tx) => {
      const patch = await this.contentPatch(tx, input);
      const draft: ArticleSnapshot = {
        slug: '',
        title: patch.title!,
        kicker: patch.kicker ?? null,
        summary: patch.summary ?? null,
        body: patch.body ?? [],
        lang: patch.lang ?? 'ar',
        hasVideo: patch.hasVideo ?? false,
        tags: patch.tags ?? [],
        editorNote: patch.editorNote ?? null,
        categoryId: patch.categoryId ?? null,
        leadImageId: patch.leadImageId ?? null,
        personIds: patch.personIds ?? [],
        regionCodes: patch.regionCodes ?? [],
        status: 'DRAFT',
        publishedAt: null,
      };
      const slugSource = input.slug != null ? normalizePlainText(input.slug) : draft.title;
      const { id, slug } = await insertWithFreeSlug(tx, 'article', slugify(slugSource), 'article',
        async (free) => ({ id: await insertArticle(tx, { ...draft, slug: free }), slug: free }));
      const created = { ...draft, slug };
      await this.insertRevision(tx, id, 1, 'CREATED', author, filledFields(created), created);
      return this.reload(tx, id);
    });
  }

  /**
   * A draft translation of an article into `lang`, in the article's translation group (which it creates the first time),
   * made from the article's current version. It copies what does not depend on language (section, places, people, lead
   * image, the pictures and embeds of the body) and takes the rest from `input`; without a title it starts with the
   * source's as a placeholder, under the source's slug with the language appended. From there it has its own workflow.
   */
  async createTranslation(author: Author, sourceId: number, lang: string, input: CreateTranslationInput = {}): Promise<ArticleType> {
    if (!isLang(lang)) throw badInput(`lang must be ${LANGS_TEXT}.`, 'lang');
    if (input.lang != null && input.lang !== lang) throw badInput(`input.lang (${input.lang}) differs from lang (${lang}): leave it out.`, 'lang');
    return this.db.transaction(async (tx) => {
      const source = await this.lock(tx, sourceId);
      const from = source.snapshot;
      if (from.status === 'RETRACTED' || from.status === 'ARCHIVED') {
        throw wrongStatus(source, `A ${from.status.toLowerCase()} article cannot be translated.`);
      }
      if (from.lang === lang) throw badInput(`The article is itself in "${lang}".`, 'lang');
      const group = source.translationGroup ?? source.id;
      const [taken]: { id: number }[] = await tx.query('SELECT id FROM article WHERE translation_group = $1 AND lang = $2', [group, lang]);
      if (taken) throw badInput(`The story already has a version in "${lang}".`, 'lang', { existing: toGlobalId('Article', taken.id) });
      const patch = await this.contentPatch(tx, input);
      const body = patch.body ?? from.body.filter((block) => block.type === 'IMAGE' || block.type === 'EMBED');
      const draft: ArticleSnapshot = {
        slug: '',
        title: patch.title ?? from.title,
        kicker: patch.kicker ?? null,
        summary: patch.summary ?? null,
        body,
        lang,
        hasVideo: hasVideo(body),
        tags: patch.tags ?? [],
        editorNote: patch.editorNote ?? null,
        categoryId: patch.categoryId !== undefined ? patch.categoryId : from.categoryId,
        leadImageId: patch.leadImageId !== undefined ? patch.leadImageId : from.leadImageId ?? null,
        personIds: patch.personIds ?? from.personIds,
        regionCodes: patch.regionCodes ?? from.regionCodes,
        status: 'DRAFT',
        publishedAt: null,
      };
      const slugSource = input.slug != null ? normalizePlainText(input.slug) : patch.title != null ? patch.title : `${from.slug}-${lang}`;
      const translation = { group, sourceId: source.id, sourceVersion: source.version };
      const { id, slug } = await insertWithFreeSlug(tx, 'article', slugify(slugSource), 'article',
        async (free) => ({ id: await insertArticle(tx, { ...draft, slug: free }, translation), slug: free }));
      const created = { ...draft, slug };
      await this.insertRevision(tx, id, 1, 'CREATED', author, filledFields(created), created);
      return this.reload(tx, id);
    });
  }

  async update(author: Author, id: number, expectedVersion: number, input: UpdateArticleInput): Promise<ArticleType> {
    return this.db.transaction(async (tx) => {
      const locked = await this.lock(tx, id, expectedVersion);
      if (locked.snapshot.status === 'RETRACTED') throw wrongStatus(locked, 'A retracted article cannot be edited.');
      const after = { ...locked.snapshot, ...(await this.contentPatch(tx, input)) };
      if (changedFields(locked.snapshot, after).length > 0) {
        await this.save(tx, locked, after, 'UPDATED', author);
        if (isPublic(locked)) await this.announce(tx, id, 'UPDATED', after);
      }
      return this.reload(tx, id);
    });
  }

  /** Publishes now (no `at`, or `at` not in the future) or schedules for `at`. */
  async publish(author: Author, id: number, at: Date | null | undefined): Promise<ArticleType> {
    return this.db.transaction(async (tx) => {
      const locked = await this.lock(tx, id);
      const before = locked.snapshot;
      if (before.status === 'PUBLISHED' || before.status === 'RETRACTED') {
        throw wrongStatus(locked, `The article is already ${before.status.toLowerCase()}; unpublish it first to reschedule it.`);
      }
      if (before.body.length === 0) throw badInput('Write a body before publishing the article.', 'body');
      if (at && at.getTime() < locked.now.getTime() - CLOCK_SKEW_MS) {
        throw badInput(`at (${at.toISOString()}) is in the past: pass a future time to schedule, or omit it to publish now.`, 'at');
      }
      const scheduled = !!at && at.getTime() > locked.now.getTime();
      const after: ArticleSnapshot = {
        ...before,
        status: scheduled ? 'SCHEDULED' : 'PUBLISHED',
        publishedAt: (scheduled ? at! : locked.now).toISOString(),
      };
      await this.save(tx, locked, after, scheduled ? 'SCHEDULED' : 'PUBLISHED', author);
      if (!scheduled) await this.announce(tx, id, 'PUBLISHED', after);
      return this.reload(tx, id);
    });
  }

  /** Takes a published or scheduled article back to draft. */
  async unpublish(author: Author, id: number): Promise<ArticleType> {
    return this.db.transaction(async (tx) => {
      const locked = await this.lock(tx, id);
      const before = locked.snapshot;
      if (before.status !== 'PUBLISHED' && before.status !== 'SCHEDULED') {
        throw wrongStatus(locked, 'Only a published or scheduled article can be unpublished.');
      }
      const after: ArticleSnapshot = { ...before, status: 'DRAFT', publishedAt: null };
      await this.save(tx, locked, after, 'UNPUBLISHED', author);
      if (isPublic(locked)) await this.announce(tx, id, 'UNPUBLISHED', after);
      return this.reload(tx, id);
    });
  }

  async archive(author: Author, id: number): Promise<ArticleType> {
    return this.db.transaction(async (tx) => {
      const locked = await this.lock(tx, id);
      if (locked.snapshot.status === 'ARCHIVED') throw wrongStatus(locked, 'The article is already archived.');
      const after: ArticleSnapshot = { ...locked.snapshot, status: 'ARCHIVED' };
      await this.save(tx, locked, after, 'ARCHIVED', author);
      if (isPublic(locked)) await this.announce(tx, id, 'ARCHIVED', after);
      return this.reload(tx, id);
    });
  }

  /** A new revision of a published article with a public correction note. */
  async correct(author: Author, id: number, expectedVersion: number, input: UpdateArticleInput, note: string): Promise<ArticleType> {
    const text = requirePlainText('note', note, NOTE_RULES);
    return this.db.transaction(async (tx) => {
      const locked = await this.lock(tx, id, expectedVersion);
      if (locked.snapshot.status !== 'PUBLISHED') throw wrongStatus(locked, 'Only a published article can be corrected; edit drafts with updateArticle.');
      const after = { ...locked.snapshot, ...(await this.contentPatch(tx, input)) };
      const version = await this.save(tx, locked, after, 'CORRECTED', author);
      await tx.query(`INSERT INTO article_correction (article_id, kind, note, version) VALUES ($1, 'CORRECTION', $2, $3)`, [id, text, version]);
      await this.announce(tx, id, 'CORRECTED', after);
      return this.reload(tx, id);
    });
  }

  /** Withdraws a published article: it keeps its URL with a public retraction note, and leaves every list. */
  async retract(author: Author, id: number, note: string): Promise<ArticleType> {
    const text = requirePlainText('note', note, NOTE_RULES);
    return this.db.transaction(async (tx) => {
      const locked = await this.lock(tx, id);
      if (locked.snapshot.status !== 'PUBLISHED') throw wrongStatus(locked, 'Only a published article can be retracted.');
      const after: ArticleSnapshot = { ...locked.snapshot, status: 'RETRACTED' };
      const version = await this.save(tx, locked, after, 'RETRACTED', author);
      await tx.query(`INSERT INTO article_correction (article_id, kind, note, version) VALUES ($1, 'RETRACTION', $2, $3)`, [id, text, version]);
      await this.announce(tx, id, 'RETRACTED', after);
      return this.reload(tx, id);
    });
  }

  /** Brings back the content of an earlier version as a new version (status and URL stay as they are). */
  async restore(author: Author, id: number, version: number, expectedVersion: number): Promise<ArticleType> {
    return this.db.transaction(async (tx) => {
      const locked = await this.lock(tx, id, expectedVersion);
      if (locked.snapshot.status === 'RETRACTED') throw wrongStatus(locked, 'A retracted article cannot be edited.');
      const [revision]: { snapshot: ArticleSnapshot }[] = await tx.query(
        'SELECT snapshot FROM article_revision WHERE article_id = $1 AND version = $2', [id, version]);
      if (!revision) throw badInput(`The article has no saved version ${version}.`, 'version');
      const after = { ...locked.snapshot };
      for (const key of CONTENT_KEYS) Object.assign(after, { [key]: revision.snapshot[key] });
      if (changedFields(locked.snapshot, after).length > 0) {
        await this.save(tx, locked, after, 'RESTORED', author);
        if (isPublic(locked)) await this.announce(tx, id, 'UPDATED', after);
      }
      return this.reload(tx, id);
    });
  }

  /**
   * Publishes the earliest due scheduled article that no other instance holds, in its own transaction, and returns
   * its id (null when none is left). SKIP LOCKED lets several instances run this at once: each due article is taken
   * by exactly one of them. `skip` names articles that failed earlier in this round, so one cannot hold back the rest.
   */
  async publishNextDue(skip: readonly number[] = []): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const [due]: { id: number }[] = await tx.query(
        `SELECT id FROM article WHERE status = 'SCHEDULED' AND published_at <= now() AND id <> ALL($1::int[])
         ORDER BY published_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`, [skip]);
      if (!due) return null;
      try {
        const locked = await this.lock(tx, due.id);
        const after: ArticleSnapshot = { ...locked.snapshot, status: 'PUBLISHED' };
        await this.save(tx, locked, after, 'PUBLISHED', SCHEDULER);
        await this.announce(tx, due.id, 'PUBLISHED', after);
      } catch (error) {
        throw new ScheduledPublicationError(due.id, error);
      }
      return due.id;
    });
  }

  private async lock(tx: EntityManager, id: number, expectedVersion?: number): Promise<Locked> {
    const [row]: StateRow[] = await tx.query(
      `SELECT a.id, a.slug, a.title, a.kicker, a.summary, a.body, a.lang, a.has_video AS "hasVideo", a.tags,
              a.editor_note AS "editorNote", a.category_id AS "categoryId", a.lead_image_id AS "leadImageId", a.status, a.published_at AS "publishedAt",
              a.version, a.updated_at AS "updatedAt", now() AS now, a.translation_group AS "translationGroup",
              coalesce((SELECT array_agg(ap.person_id ORDER BY ap.position) FROM article_person ap WHERE ap.article_id = a.id), '{}') AS "personIds",
              coalesce((SELECT array_agg(ar.region_code ORDER BY ar.position) FROM article_region ar WHERE ar.article_id = a.id), '{}') AS "regionCodes"
       FROM article a WHERE a.id = $1 FOR UPDATE`, [id]);
    if (!row) throw notFound('There is no such article.');
    if (expectedVersion !== undefined && row.version !== expectedVersion) {
      throw conflict(`The article was saved by someone else in the meantime: it is at version ${row.version}, not ${expectedVersion}. Reload it and apply your change again.`,
        { currentVersion: row.version });
    }
    const { id: _id, version, updatedAt, now, publishedAt, translationGroup, ...rest } = row;
    return { id, version, updatedAt, now, translationGroup, snapshot: { ...rest, publishedAt: publishedAt ? publishedAt.toISOString() : null } };
  }

  /** Writes `after` as the next version with its revision; the state found before it is kept too when no revision has it yet. */
  private async save(tx: EntityManager, locked: Locked, after: ArticleSnapshot, action: RevisionAction, author: Author): Promise<number> {
    const { id, snapshot: before } = locked;
    const version = locked.version + 1;
    if (after.lang !== before.lang && locked.translationGroup !== null) {
      const [taken]: { id: number }[] = await tx.query(
        'SELECT id FROM article WHERE translation_group = $1 AND lang = $2 AND id <> $3', [locked.translationGroup, after.lang, id]);
      if (taken) throw badInput(`The story already has a version in "${after.lang}".`, 'lang', { existing: toGlobalId('Article', taken.id) });
    }
    await tx.query(
      `INSERT INTO article_revision (article_id, version, action, changed_fields, snapshot, created_at)
       VALUES ($1, $2, 'IMPORTED', '{}', $3, $4) ON CONFLICT DO NOTHING`, [id, locked.version, JSON.stringify(before), locked.updatedAt]);
    await tx.query(
      `UPDATE article SET title = $2, kicker = $3, summary = $4, body = $5, lang = $6, has_video = $7, tags = $8,
              editor_note = $9, category_id = $10, status = $11, published_at = $12, version = $13, lead_image_id = $14, updated_at = now()
       WHERE id = $1`,
      [id, after.title, after.kicker, after.summary, JSON.stringify(after.body), after.lang, after.hasVideo, after.tags,
        after.editorNote, after.categoryId, after.status, after.publishedAt, version, after.leadImageId ?? null]);
    const changed = changedFields(before, after);
    if (changed.includes(FIELD_NAMES.personIds)) await writeArticlePeople(tx, id, after.personIds, true);
    if (changed.includes(FIELD_NAMES.regionCodes)) await writeArticleRegions(tx, id, after.regionCodes, true);
    await this.insertRevision(tx, id, version, action, author, changed, after);
    return version;
  }

  private async insertRevision(tx: EntityManager, id: number, version: number, action: RevisionAction, author: Author,
    changed: string[], snapshot: ArticleSnapshot): Promise<void> {
    await tx.query(
      `INSERT INTO article_revision (article_id, version, action, author_subject, author_name, changed_fields, snapshot)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, version, action, author.subject, author.name, changed, JSON.stringify(snapshot)]);
  }

  /** The outbox event of a change readers notice; last in the transaction, as every event is. */
  private announce(tx: EntityManager, id: number, kind: ArticleEventKind, after: ArticleSnapshot): Promise<number> {
    return ARTICLE_EVENTS.append(tx, { kind, entityId: id, regionCodes: after.regionCodes });
  }

  private async reload(tx: EntityManager, id: number): Promise<ArticleType> {
    const [row]: ArticleRow[] = await tx.query(`SELECT ${ARTICLE_COLUMNS} FROM article a WHERE a.id = $1`, [id]);
    return ArticleType.from(row);
  }

  /** The validated, normalized changes an input asks for, with slugs and codes resolved (unknown ones are BAD_USER_INPUT). */
  private async contentPatch(tx: EntityManager, input: ArticleContentInput): Promise<Partial<ArticleSnapshot>> {
    const patch: Partial<ArticleSnapshot> = {};
    if (input.title !== undefined) patch.title = normalizePlainText(required('title', input.title));
    if (input.kicker !== undefined) patch.kicker = optionalText(input.kicker);
    if (input.summary !== undefined) patch.summary = optionalText(input.summary);
    if (input.editorNote !== undefined) patch.editorNote = optionalText(input.editorNote);
    if (input.lang !== undefined) patch.lang = required('lang', input.lang);
    if (input.body !== undefined) {
      patch.body = await bodyFrom(tx, input.body ?? [], this.blocks);
      // Derived, never set: a body with a video embed has a video.
      patch.hasVideo = hasVideo(patch.body);
    }
    if (input.tags !== undefined) patch.tags = distinct((input.tags ?? []).map(normalizePlainText));
    if (input.categorySlug !== undefined) patch.categoryId = await this.categoryId(tx, input.categorySlug);
    if (input.leadImageId !== undefined) patch.leadImageId = await this.imageId(tx, input.leadImageId);
    if (input.personSlugs !== undefined) patch.personIds = await this.personIds(tx, input.personSlugs ?? []);
    if (input.regionCodes !== undefined) patch.regionCodes = await this.regionCodes(tx, input.regionCodes ?? []);
    return patch;
  }

  private async imageId(tx: EntityManager, id: string | null): Promise<number | null> {
    if (id === null) return null;
    const imageId = numericIdOf('Image', id, 'leadImageId');
    const [row]: { id: number }[] = await tx.query('SELECT id FROM image WHERE id = $1', [imageId]);
    if (!row) throw badInput('There is no such image.', 'leadImageId', { unknown: [id] });
    return imageId;
  }

  private async categoryId(tx: EntityManager, slug: string | null): Promise<number | null> {
    if (slug === null) return null;
    const [row]: { id: number }[] = await tx.query('SELECT id FROM category WHERE slug = $1', [normalizePlainText(slug)]);
    if (!row) throw badInput(`There is no section "${slug}".`, 'categorySlug', { unknown: [slug] });
    return row.id;
  }

  private async personIds(tx: EntityManager, slugs: string[]): Promise<number[]> {
    const wanted = distinct(slugs.map(normalizePlainText));
    if (wanted.length === 0) return [];
    const rows: { id: number; slug: string }[] = await tx.query('SELECT id, slug FROM person WHERE slug = ANY($1)', [wanted]);
    const ids = new Map(rows.map((r) => [r.slug, r.id]));
    const unknown = wanted.filter((slug) => !ids.has(slug));
    if (unknown.length) throw badInput(`Unknown people: ${unknown.join(', ')}.`, 'personSlugs', { unknown });
    return wanted.map((slug) => ids.get(slug)!);
  }

  private async regionCodes(tx: EntityManager, codes: string[]): Promise<string[]> {
    const wanted = distinct(codes.map(normalizeRegionCode));
    if (wanted.length === 0) return [];
    const rows: { code: string }[] = await tx.query(
      'SELECT c AS code FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM region WHERE code = c)', [wanted]);
    const unknown = wanted.filter((code) => rows.some((r) => r.code === code));
    if (unknown.length) throw badInput(`Unknown region codes: ${unknown.join(', ')}.`, 'regionCodes', { unknown });
    return wanted;
  }
}

/** The fields a new article was created with (those not left empty). */
function filledFields(snapshot: ArticleSnapshot): string[] {
  return (Object.keys(FIELD_NAMES) as (keyof ArticleSnapshot)[])
    .filter((key) => key !== 'status' && ![null, false, ''].includes(snapshot[key] as never)
      && !(Array.isArray(snapshot[key]) && (snapshot[key] as unknown[]).length === 0))
    .map((key) => FIELD_NAMES[key]);
}

/** The fields of a revision's `changedFields`: those whose value differs, named as the API names them. */
export function changedFields(before: ArticleSnapshot, after: ArticleSnapshot): string[] {
  return (Object.keys(FIELD_NAMES) as (keyof ArticleSnapshot)[])
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => FIELD_NAMES[key]);
}

/** Readers could see it before this change. */
function isPublic(locked: Locked): boolean {
  return isVisibleToReaders(locked.snapshot, locked.now);
}

function wrongStatus(locked: Locked, message: string) {
  return conflict(message, { status: locked.snapshot.status as ArticleStatus, currentVersion: locked.version });
}

function required<T>(field: string, value: T | null): T {
  if (value === null) throw badInput(`${field} cannot be null.`, field);
  return value;
}

function optionalText(value: string | null): string | null {
  const text = value === null ? '' : normalizePlainText(value);
  return text === '' ? null : text;
}

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}
