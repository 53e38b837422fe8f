import type { DataSource } from 'typeorm';
import type { Sql } from './db/sql';
import { ArticleService } from './modules/article/article.service';
import { CategoryService } from './modules/category/category.service';
import { PersonService } from './modules/person/person.service';
import { RegionService } from './modules/region/region.service';
import { TickerService } from './modules/ticker/ticker.service';
import { TickerWriter } from './modules/ticker/ticker.writer';
import type { TokenService } from './auth/tokens';

/** Services of one request (or subscription event), reading through that request's statement-counting Sql. */
export interface Services {
  articles: ArticleService;
  categories: CategoryService;
  people: PersonService;
  regions: RegionService;
  tickers: TickerService;
  tickerWriter: TickerWriter;
  tokens: TokenService;
}

export function makeServices(sql: Sql, tokens: TokenService, db: DataSource): Services {
  return {
    articles: new ArticleService(sql),
    categories: new CategoryService(sql),
    people: new PersonService(sql),
    regions: new RegionService(sql),
    tickers: new TickerService(sql),
    tickerWriter: new TickerWriter(db),
    tokens,
  };
}
