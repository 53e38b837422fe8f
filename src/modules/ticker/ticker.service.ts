import type { Sql } from '../../db/sql';
import type { TickerRow } from './ticker.row';
import { TickerType } from './ticker.type';
import { pickBy } from '../../shared/group-by';

export const TICKER_COLUMNS = `t.id, t.headline, t.urgency, t.article_id AS "articleId", t.url, t.region_code AS "regionCode",
  t.status, t.published_at AS "publishedAt", t.expires_at AS "expiresAt"`;

export const TICKER_ON_AIR = `t.status = 'LIVE' AND t.published_at <= now() AND t.expires_at > now()`;

export class TickerService {
  constructor(private readonly sql: Sql) {}

  /** Items on air: most urgent first, then newest. */
  async live(first: number): Promise<TickerType[]> {
    const rows: TickerRow[] = await this.sql.query(
      `SELECT ${TICKER_COLUMNS} FROM ticker t WHERE ${TICKER_ON_AIR}
       ORDER BY t.urgency, t.published_at DESC, t.id DESC LIMIT ${first}`);
    return rows.map(TickerType.from);
  }

  /** Items by id; readers only get those on air. */
  async byIds(ids: readonly number[], onAirOnly: boolean): Promise<(TickerType | null)[]> {
    const rows: TickerRow[] = await this.sql.query(
      `SELECT ${TICKER_COLUMNS} FROM ticker t WHERE t.id = ANY($1) AND (${onAirOnly ? TICKER_ON_AIR : 'true'})`, [ids]);
    return pickBy(ids, rows, (row) => row.id, TickerType.from);
  }
}
