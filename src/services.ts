import type { DataSource } from 'typeorm';
import type { Sql } from './db/sql';
import { ArticleService } from './modules/article/article.service';
import { ArticleWriter } from './modules/article/article.writer';
import { announceArticlesShowing } from './modules/article/reference-changes';
import { CategoryService } from './modules/category/category.service';
import { CategoryWriter } from './modules/category/category.writer';
import { PersonService } from './modules/person/person.service';
import { PersonWriter } from './modules/person/person.writer';
import { RegionService } from './modules/region/region.service';
import { RegionWriter } from './modules/region/region.writer';
import { TickerService } from './modules/ticker/ticker.service';
import { TickerWriter } from './modules/ticker/ticker.writer';
import { SearchService } from './modules/search/search.service';
import { PeopleSearchService } from './modules/search/people-search.service';
import type { SearchSupport } from './modules/search/search-support';
import type { TokenService } from './auth/tokens';
import { ImageService } from './modules/media/image.service';
import { ImageWriter } from './modules/media/image.writer';
import { MEDIA_BLOCK_RULES } from './modules/media/media-blocks';
import type { MediaLibrary } from './modules/media/media-library';
import { LiveService } from './modules/live/live.service';
import { LiveWriter } from './modules/live/live.writer';
import { CalendarService } from './modules/calendar/calendar.service';
import { CalendarWriter } from './modules/calendar/calendar.writer';

/** Services of one request (or subscription event), reading through that request's statement-counting Sql. */
export interface Services {
  articles: ArticleService;
  /** The editorial workflow: every article write. */
  articleWriter: ArticleWriter;
  categories: CategoryService;
  categoryWriter: CategoryWriter;
  people: PersonService;
  /** `people(query:)`: people found by any spelling of their names. */
  peopleSearch: PeopleSearchService;
  personWriter: PersonWriter;
  regions: RegionService;
  regionWriter: RegionWriter;
  search: SearchService;
  tickers: TickerService;
  tickerWriter: TickerWriter;
  tokens: TokenService;
  images: ImageService;
  /** Uploads, changes and deletions of pictures. */
  imageWriter: ImageWriter;
  /** Live blogs: coverage, entries, corrections. */
  live: LiveService;
  liveWriter: LiveWriter;
  /** The Hijri months as announced. */
  calendar: CalendarService;
  calendarWriter: CalendarWriter;
}

export function makeServices(sql: Sql, tokens: TokenService, db: DataSource, searchSupport: SearchSupport, media: MediaLibrary): Services {
  return {
    articles: new ArticleService(sql),
    articleWriter: new ArticleWriter(db, MEDIA_BLOCK_RULES),
    categories: new CategoryService(sql),
    categoryWriter: new CategoryWriter(db, announceArticlesShowing),
    people: new PersonService(sql),
    peopleSearch: new PeopleSearchService(sql, searchSupport),
    personWriter: new PersonWriter(db, announceArticlesShowing),
    regions: new RegionService(sql),
    regionWriter: new RegionWriter(db, announceArticlesShowing),
    search: new SearchService(sql),
    tickers: new TickerService(sql),
    tickerWriter: new TickerWriter(db),
    tokens,
    images: new ImageService(sql),
    imageWriter: new ImageWriter(db, media),
    live: new LiveService(sql),
    liveWriter: new LiveWriter(db, MEDIA_BLOCK_RULES),
    calendar: new CalendarService(sql),
    calendarWriter: new CalendarWriter(db),
  };
}
