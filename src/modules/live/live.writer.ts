import type { DataSource, EntityManager } from 'typeorm';
import { badInput, conflict, notFound } from '../../shared/errors';
import { normalizePlainText, requirePlainText } from '../../shared/plain-text';
import { BlockRules, bodyFrom, NO_EMBEDS } from '../article/article.blocks';
import type { ArticleStatus, BodyBlock } from '../article/article.row';
import type { Author } from '../article/article.writer';
import { isVisibleToReaders } from '../article/article.visibility';
import { LIVE_EVENTS, LiveEventKind } from './live.events';
import { LIVE_NOTE_RULES, PostLiveEntryInput, UpdateLiveEntryInput } from './live.inputs';
import type { LiveCoverageRow, LiveEntryRow } from './live.row';
import { LIVE_COVERAGE_COLUMNS, LIVE_ENTRY_COLUMNS } from './live.service';
import { LiveCoverageType, LiveEntryType } from './live.type';

interface LockedCoverage extends LiveCoverageRow {
  status: ArticleStatus;
  publishedAt: Date | null;
  now: Date;
}

/**
 * The live desk: each change is one transaction that locks the coverage or the entry, checks the rules, writes, and
 * appends its `live` event last (the article as entity, the entry as item). Entries go out when posted.
 */
export class LiveWriter {
  /** `blocks` decides what the media module owns of a body (embed URLs), as for articles. */
  constructor(private readonly db: DataSource, private readonly blocks: BlockRules = NO_EMBEDS) {}

  /** Starts the coverage of a published article (again, if it ended); starting a live one changes nothing. */
  async start(articleId: number): Promise<LiveCoverageType> {
    return this.db.transaction(async (tx) => {
      const [article]: { status: ArticleStatus; publishedAt: Date | null; now: Date }[] = await tx.query(
        'SELECT status, published_at AS "publishedAt", now() AS now FROM article WHERE id = $1 FOR SHARE', [articleId]);
      if (!article) throw notFound('There is no such article.');
      requirePublished(article);
      // Nothing comes back when the coverage is live already: starting it again changes nothing.
      const [row]: LiveCoverageRow[] = await tx.query(
        `INSERT INTO live_coverage AS lc (article_id) VALUES ($1)
         ON CONFLICT (article_id) DO UPDATE SET started_at = now(), ended_at = NULL, last_posted_at = now() WHERE lc.ended_at IS NOT NULL
         RETURNING ${LIVE_COVERAGE_COLUMNS}`, [articleId]);
      if (!row) return (await this.coverage(tx, articleId))!;
      await announce(tx, 'STARTED', articleId);
      return LiveCoverageType.from(row);
    });
  }

  async post(author: Author, articleId: number, input: PostLiveEntryInput): Promise<LiveEntryType> {
    const title = input.title == null ? null : normalizePlainText(input.title);
    return this.db.transaction(async (tx) => {
      const coverage = await lockCoverage(tx, articleId);
      requirePublished(coverage);
      if (coverage.endedAt !== null) {
        throw conflict('This live coverage has ended: start it again to post.', { reason: 'COVERAGE_ENDED', endedAt: coverage.endedAt });
      }
      const body = await this.body(tx, input.body);
      const [{ id }]: { id: number }[] = await tx.query(
        `INSERT INTO live_entry (article_id, title, body, is_key_event, author_subject, author_name)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [articleId, title === '' ? null : title, JSON.stringify(body), input.isKeyEvent ?? false, author.subject, author.name]);
      await tx.query('UPDATE live_coverage SET last_posted_at = now() WHERE article_id = $1', [articleId]);
      await announce(tx, 'POSTED', articleId, id);
      return readEntry(tx, id);
    });
  }

  async update(id: number, expectedVersion: number, input: UpdateLiveEntryInput): Promise<LiveEntryType> {
    if (input.body === null) throw badInput('body cannot be removed, only replaced.', 'body');
    if (input.isKeyEvent === null) throw badInput('isKeyEvent cannot be null.', 'isKeyEvent');
    return this.db.transaction(async (tx) => {
      const entry = await lockEntry(tx, id);
      if (entry.version !== expectedVersion) {
        throw conflict(`The entry was saved by someone else in the meantime: it is at version ${entry.version}, not ${expectedVersion}. Reload it and apply your change again.`,
          { currentVersion: entry.version });
      }
      const title = input.title === undefined ? entry.title : input.title === null ? null : normalizePlainText(input.title) || null;
      const body = input.body == null ? entry.body : await this.body(tx, input.body);
      const isKeyEvent = input.isKeyEvent ?? entry.isKeyEvent;
      if (title === entry.title && isKeyEvent === entry.isKeyEvent && JSON.stringify(body) === JSON.stringify(entry.body)) return LiveEntryType.from(entry);
      await tx.query(
        `UPDATE live_entry SET title = $2, body = $3, is_key_event = $4, version = version + 1, updated_at = now() WHERE id = $1`,
        [id, title, JSON.stringify(body), isKeyEvent]);
      await announce(tx, 'UPDATED', entry.articleId, id);
      return readEntry(tx, id);
    });
  }

  /** Deletes an entry: readers lose it at once (their subscriptions hear DELETED); the row stays for the record. */
  async delete(id: number): Promise<LiveEntryType> {
    return this.db.transaction(async (tx) => {
      const entry = await lockEntry(tx, id);
      await tx.query('UPDATE live_entry SET deleted_at = now(), is_pinned = false, updated_at = now() WHERE id = $1', [id]);
      await announce(tx, 'DELETED', entry.articleId, id);
      return LiveEntryType.from(entry);
    });
  }

  /** Pins the entry (unpinning the one pinned before: each gets a PINNED event), or unpins it. */
  async pin(id: number, pinned: boolean): Promise<LiveEntryType> {
    return this.db.transaction(async (tx) => {
      const entry = await lockEntry(tx, id);
      if (entry.isPinned === pinned) return LiveEntryType.from(entry);
      // The coverage row serializes pins of one blog, so the one-pinned index never sees two.
      await lockCoverage(tx, entry.articleId);
      if (pinned) {
        const [[unpinned]]: [{ id: number }[], number] = await tx.query(
          `UPDATE live_entry SET is_pinned = false, updated_at = now() WHERE article_id = $1 AND is_pinned AND deleted_at IS NULL RETURNING id`,
          [entry.articleId]);
        if (unpinned) await announce(tx, 'PINNED', entry.articleId, unpinned.id);
      }
      await tx.query('UPDATE live_entry SET is_pinned = $2, updated_at = now() WHERE id = $1', [id, pinned]);
      await announce(tx, 'PINNED', entry.articleId, id);
      return readEntry(tx, id);
    });
  }

  /** Adds a public correction note to an entry (its text is fixed with updateLiveEntry). */
  async correct(id: number, note: string): Promise<LiveEntryType> {
    const text = requirePlainText('note', note, LIVE_NOTE_RULES);
    return this.db.transaction(async (tx) => {
      const entry = await lockEntry(tx, id);
      await tx.query('INSERT INTO live_entry_correction (entry_id, note) VALUES ($1, $2)', [id, text]);
      await tx.query('UPDATE live_entry SET updated_at = now() WHERE id = $1', [id]);
      await announce(tx, 'CORRECTED', entry.articleId, id);
      return readEntry(tx, id);
    });
  }

  /** Ends the coverage; ending an ended one changes nothing (ENDED goes out once). */
  async end(articleId: number): Promise<LiveCoverageType> {
    return this.db.transaction(async (tx) => {
      const coverage = await lockCoverage(tx, articleId);
      if (coverage.endedAt !== null) return LiveCoverageType.from(coverage);
      return endCoverage(tx, articleId);
    });
  }

  /**
   * Ends the coverage that nobody has posted to for `idleHours` and no other instance holds, and returns its article's
   * id (null when none is idle): SKIP LOCKED and the end mark make each end once across instances.
   */
  async endNextIdle(idleHours: number): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const [idle]: { articleId: number }[] = await tx.query(
        `SELECT article_id AS "articleId" FROM live_coverage
         WHERE ended_at IS NULL AND last_posted_at <= now() - make_interval(secs => $1 * 3600)
         ORDER BY last_posted_at LIMIT 1 FOR UPDATE SKIP LOCKED`, [idleHours]);
      if (!idle) return null;
      await endCoverage(tx, idle.articleId);
      return idle.articleId;
    });
  }

  private async coverage(tx: EntityManager, articleId: number): Promise<LiveCoverageType | null> {
    const [row]: LiveCoverageRow[] = await tx.query(`SELECT ${LIVE_COVERAGE_COLUMNS} FROM live_coverage lc WHERE lc.article_id = $1`, [articleId]);
    return row ? LiveCoverageType.from(row) : null;
  }

  private async body(tx: EntityManager, input: PostLiveEntryInput['body']): Promise<BodyBlock[]> {
    const body = await bodyFrom(tx, input, this.blocks);
    if (body.length === 0) throw badInput('An entry needs a body of at least one block.', 'body');
    return body;
  }
}

async function endCoverage(tx: EntityManager, articleId: number): Promise<LiveCoverageType> {
  const [[row]]: [LiveCoverageRow[], number] = await tx.query(
    `UPDATE live_coverage lc SET ended_at = now() WHERE article_id = $1 RETURNING ${LIVE_COVERAGE_COLUMNS}`, [articleId]);
  await announce(tx, 'ENDED', articleId);
  return LiveCoverageType.from(row);
}

/** Posting (or starting) needs an article readers can see: a draft's entries would go out to nobody, or leak. */
function requirePublished(article: { status: ArticleStatus; publishedAt: Date | null; now: Date }): void {
  if (article.status !== 'PUBLISHED' || !isVisibleToReaders(article, article.now)) {
    throw conflict('Live coverage runs on a published article: publish it first.', { reason: 'ARTICLE_NOT_PUBLISHED', status: article.status });
  }
}

async function lockCoverage(tx: EntityManager, articleId: number): Promise<LockedCoverage> {
  const [row]: LockedCoverage[] = await tx.query(
    `SELECT ${LIVE_COVERAGE_COLUMNS}, a.status, a.published_at AS "publishedAt", now() AS now
     FROM live_coverage lc JOIN article a ON a.id = lc.article_id WHERE lc.article_id = $1 FOR UPDATE OF lc`, [articleId]);
  if (!row) {
    const [article] = await tx.query('SELECT 1 FROM article WHERE id = $1', [articleId]);
    if (!article) throw notFound('There is no such article.');
    throw conflict('This article has no live coverage: start it first.', { reason: 'NOT_LIVE' });
  }
  return row;
}

async function lockEntry(tx: EntityManager, id: number): Promise<LiveEntryRow> {
  const [row]: LiveEntryRow[] = await tx.query(
    `SELECT ${LIVE_ENTRY_COLUMNS} FROM live_entry e JOIN article a ON a.id = e.article_id
     WHERE e.id = $1 AND e.deleted_at IS NULL FOR UPDATE OF e`, [id]);
  if (!row) throw notFound('There is no such live entry.');
  return row;
}

async function readEntry(tx: EntityManager, id: number): Promise<LiveEntryType> {
  const [row]: LiveEntryRow[] = await tx.query(
    `SELECT ${LIVE_ENTRY_COLUMNS} FROM live_entry e JOIN article a ON a.id = e.article_id WHERE e.id = $1`, [id]);
  return LiveEntryType.from(row);
}

function announce(tx: EntityManager, kind: LiveEventKind, articleId: number, entryId?: number): Promise<number> {
  return LIVE_EVENTS.append(tx, { kind, entityId: articleId, itemId: entryId, regionCodes: [] });
}
