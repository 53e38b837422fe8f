import type { DataSource, EntityManager } from 'typeorm';
import type { TickerRow } from './ticker.row';
import { TickerType } from './ticker.type';
import { PushBreakingNewsInput, UpdateTickerInput } from './ticker.inputs';
import { defaultExpiry, MAX_TTL_HOURS } from './ticker.rules';
import { TICKER_COLUMNS } from './ticker.service';
import { TICKER_EVENTS, TickerEventKind } from './ticker.events';
import { badInput, conflict, notFound } from '../../shared/errors';
import { numericIdOf } from '../../shared/global-id';
import { normalizePlainText } from '../../shared/plain-text';
import { normalizeRegionCode } from '../region/region-code';

const HOUR_MS = 3_600_000;

/** The breaking-news write path: each change and its outbox event commit together or not at all. */
export class TickerWriter {
  constructor(private readonly db: DataSource) {}

  async push(input: PushBreakingNewsInput): Promise<TickerType> {
    const articleId = input.articleId == null ? null : numericIdOf('Article', input.articleId, 'articleId');
    const regionCode = input.regionCode == null ? null : normalizeRegionCode(input.regionCode);
    return this.db.transaction(async (tx) => {
      const now = await databaseNow(tx);
      await checkReferences(tx, articleId, regionCode);
      const expiresAt = input.expiresAt ?? defaultExpiry(now, input.urgency);
      checkExpiry(expiresAt, now, now);
      const [row]: TickerRow[] = await tx.query(
        `INSERT INTO ticker AS t (headline, urgency, article_id, url, region_code, status, published_at, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'LIVE', $6, $7, $6, $6) RETURNING ${TICKER_COLUMNS}`,
        [normalizePlainText(input.headline), input.urgency, articleId, input.url ?? null, regionCode, now, expiresAt]);
      await appendTickerEvent(tx, 'PUSHED', row);
      return TickerType.from(row);
    });
  }

  async update(input: UpdateTickerInput): Promise<TickerType> {
    const id = numericIdOf('Ticker', input.id);
    for (const field of ['headline', 'urgency', 'expiresAt'] as const) {
      if (input[field] === null) throw badInput(`${field} cannot be removed, only changed`, field);
    }
    const articleId = input.articleId == null ? input.articleId : numericIdOf('Article', input.articleId, 'articleId');
    return this.db.transaction(async (tx) => {
      const now = await databaseNow(tx);
      const current = await lockItem(tx, id);
      if (current.status === 'KILLED') throw conflict('This item was killed and cannot change; push a new one instead.');
      const next: TickerRow = {
        ...current,
        headline: input.headline === undefined ? current.headline : normalizePlainText(input.headline),
        urgency: input.urgency ?? current.urgency,
        articleId: articleId === undefined ? current.articleId : articleId,
        url: input.url === undefined ? current.url : input.url,
        regionCode: input.regionCode === undefined ? current.regionCode : input.regionCode && normalizeRegionCode(input.regionCode),
        expiresAt: input.expiresAt ?? current.expiresAt,
      };
      await checkReferences(tx, next.articleId === current.articleId ? null : next.articleId,
        next.regionCode === current.regionCode ? null : next.regionCode);
      if (input.expiresAt) checkExpiry(input.expiresAt, now, current.publishedAt);
      const changed = (['headline', 'urgency', 'articleId', 'url', 'regionCode', 'expiresAt'] as const)
        .some((key) => !sameValue(next[key], current[key]));
      if (!changed) return TickerType.from(current);
      const row = await updateReturning(tx,
        `UPDATE ticker AS t SET headline = $2, urgency = $3, article_id = $4, url = $5, region_code = $6, expires_at = $7, updated_at = $8
         WHERE t.id = $1 RETURNING ${TICKER_COLUMNS}`,
        [id, next.headline, next.urgency, next.articleId, next.url, next.regionCode, next.expiresAt, now]);
      // Subscribers of the old region and urgency hear about the change too, e.g. a flash downgraded or moved.
      await appendTickerEvent(tx, 'UPDATED', row, current);
      return TickerType.from(row);
    });
  }

  /** Takes an item off air for good; the row stays. Killing a killed item changes nothing. */
  async kill(globalId: string): Promise<TickerType> {
    const id = numericIdOf('Ticker', globalId);
    return this.db.transaction(async (tx) => {
      const current = await lockItem(tx, id);
      if (current.status === 'KILLED') return TickerType.from(current);
      const row = await updateReturning(tx,
        `UPDATE ticker AS t SET status = 'KILLED', updated_at = now() WHERE t.id = $1 RETURNING ${TICKER_COLUMNS}`, [id]);
      await appendTickerEvent(tx, 'KILLED', row);
      return TickerType.from(row);
    });
  }
}

async function databaseNow(tx: EntityManager): Promise<Date> {
  const [{ now }] = await tx.query('SELECT now() AS now');
  return now;
}

/** TypeORM answers an UPDATE with [rows, count]. */
async function updateReturning(tx: EntityManager, sql: string, params: unknown[]): Promise<TickerRow> {
  const [[row]]: [TickerRow[], number] = await tx.query(sql, params);
  return row;
}

async function lockItem(tx: EntityManager, id: number): Promise<TickerRow> {
  const [row]: TickerRow[] = await tx.query(`SELECT ${TICKER_COLUMNS} FROM ticker t WHERE t.id = $1 FOR UPDATE`, [id]);
  if (!row) throw notFound('There is no breaking-news item with this id.');
  return row;
}

/** Rejects an article or region that does not exist (null means nothing to check). */
async function checkReferences(tx: EntityManager, articleId: number | null, regionCode: string | null): Promise<void> {
  const [found] = await tx.query(
    `SELECT ($1::int IS NULL OR EXISTS (SELECT 1 FROM article WHERE id = $1)) AS article,
            ($2::text IS NULL OR EXISTS (SELECT 1 FROM region WHERE code = $2)) AS region`, [articleId, regionCode]);
  if (!found.article) throw badInput('articleId names no existing article.', 'articleId');
  if (!found.region) throw badInput(`regionCode "${regionCode}" is not a known region.`, 'regionCode');
}

function sameValue(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

function checkExpiry(expiresAt: Date, now: Date, publishedAt: Date): void {
  if (expiresAt.getTime() <= now.getTime()) throw badInput('expiresAt must be in the future.', 'expiresAt');
  const latest = new Date(publishedAt.getTime() + MAX_TTL_HOURS * HOUR_MS);
  if (expiresAt.getTime() > latest.getTime()) {
    throw badInput(`expiresAt must be at most ${MAX_TTL_HOURS} hours after publishing, so no later than ${latest.toISOString()}.`, 'expiresAt');
  }
}

function appendTickerEvent(tx: EntityManager, kind: TickerEventKind, row: TickerRow, before?: TickerRow): Promise<number> {
  const regionCodes = [row.regionCode, before?.regionCode].filter((code): code is string => code != null);
  return TICKER_EVENTS.append(tx, {
    kind,
    entityId: row.id,
    regionCodes,
    urgency: Math.min(row.urgency, before?.urgency ?? row.urgency),
  });
}
