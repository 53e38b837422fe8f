export type TickerStatus = 'LIVE' | 'KILLED';

/** A row of `ticker` as reads select it (TICKER_COLUMNS): a breaking-news item (عاجل); killing keeps the row. */
export interface TickerRow {
  id: number;
  headline: string;
  urgency: number;
  articleId: number | null;
  url: string | null;
  regionCode: string | null;
  status: TickerStatus;
  publishedAt: Date;
  expiresAt: Date;
}
