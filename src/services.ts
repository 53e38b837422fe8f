import type { DataSource } from 'typeorm';
import { ArticleService } from './modules/article/article.service';
import { CategoryService } from './modules/category/category.service';
import { PersonService } from './modules/person/person.service';
import { RegionService } from './modules/region/region.service';
import { TickerService } from './modules/ticker/ticker.service';
import type { TokenService } from './auth/tokens';

/** Stateless services shared by all requests; built once by the composition root. */
export interface Services {
  articles: ArticleService;
  categories: CategoryService;
  people: PersonService;
  regions: RegionService;
  tickers: TickerService;
  tokens: TokenService;
}

export function makeServices(db: DataSource, tokens: TokenService): Services {
  return {
    articles: new ArticleService(db),
    categories: new CategoryService(db),
    people: new PersonService(db),
    regions: new RegionService(db),
    tickers: new TickerService(db),
    tokens,
  };
}
