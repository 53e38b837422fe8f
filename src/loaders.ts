import DataLoader from 'dataloader';
import type { Services } from './services';
import { isEditor, Viewer } from './auth/viewer';
import type { ArticleType } from './modules/article/article.type';
import type { ParentKind, ParentWithPage, Visibility } from './modules/article/article.service';
import { articlesAhead } from './modules/article/articles-about.resolver';
import type { PersonType } from './modules/person/person.type';
import type { RegionType } from './modules/region/region.type';
import { selectedFields } from './shared/lookahead';
import type { GraphQLResolveInfo } from 'graphql';
import type { ArticleShape } from './modules/article/article.shape';
import type { Page, ForwardPageArgs } from './shared/relay';
import { monthStartsFrom } from './shared/hijri';
import type { LiveEntriesArgs, LiveEntryType } from './modules/live/live.type';
import type { HighlightKey } from './modules/search/search.service';

/**
 * Per-request batch loaders, for what a resolver asks for by key: an article, region, person, section, ticker or
 * picture by id, a live blog or entry, the regions or people of articles whose statement did not read them, bodies, revisions,
 * corrections, translations, a parent's page of articles, search highlights. Lists read the relations they show in their own
 * statement (ArticleShape, src/modules/article/article.shape.ts); what they leave out comes through here, batched,
 * so a page costs one statement per loader used whatever its size (test/in-process/statement-count.test.ts).
 */
export class Loaders {
  readonly visibility: Visibility;
  readonly article: DataLoader<number, ArticleType | null>;
  readonly articleBody;
  readonly category;
  readonly person;
  readonly region;
  readonly regionChildren;
  readonly articleRegions;
  readonly articlePeople;
  readonly ticker;
  readonly articleRevisions;
  readonly articleCorrections;
  readonly articleTranslations;
  readonly articleStaleness;
  /** The announced Hijri month starts (one key, `all`): read once per request, only when a date line shows the Hijri date. */
  readonly hijriMonthStarts;
  readonly image;
  readonly liveCoverage;
  readonly liveEntry;
  readonly liveEntryCorrections;
  private readonly liveEntryPages = new Map<string, DataLoader<number, Page<LiveEntryType>>>();
  private readonly articlePages = new Map<string, DataLoader<number | string, Page<ArticleType>>>();
  private readonly parentsWithPages = new Map<string, DataLoader<string, PersonType | RegionType | null>>();
  private readonly personSlug: DataLoader<string, PersonType | null>;
  private readonly highlights = new Map<string, DataLoader<HighlightKey, string, string>>();

  constructor(private readonly services: Services, viewer: Viewer) {
    const visibility = isEditor(viewer) ? 'editorial' : 'public';
    this.visibility = visibility;
    this.article = new DataLoader((ids: readonly number[]) => services.articles.byIds(ids, visibility));
    this.articleBody = new DataLoader((ids: readonly number[]) => services.articles.bodies(ids, visibility));
    this.category = new DataLoader((ids: readonly number[]) => services.categories.byIds(ids));
    this.person = new DataLoader((ids: readonly number[]) => services.people.byIds(ids));
    this.region = new DataLoader((codes: readonly string[]) => services.regions.byCodes(codes));
    this.personSlug = new DataLoader((slugs: readonly string[]) => Promise.all(slugs.map((slug) => services.people.bySlug(slug))));
    this.regionChildren = new DataLoader((codes: readonly string[]) => services.regions.childrenOf(codes));
    this.articleRegions = new DataLoader((ids: readonly number[]) => services.regions.forArticles(ids));
    this.articlePeople = new DataLoader((ids: readonly number[]) => services.people.forArticles(ids));
    this.ticker = new DataLoader((ids: readonly number[]) => services.tickers.byIds(ids, visibility === 'public'));
    this.articleRevisions = new DataLoader((ids: readonly number[]) => services.articles.revisionsFor(ids));
    this.articleCorrections = new DataLoader((ids: readonly number[]) => services.articles.correctionsFor(ids));
    this.articleTranslations = new DataLoader((ids: readonly number[]) => services.articles.translationsFor(ids, visibility));
    this.articleStaleness = new DataLoader((ids: readonly number[]) => services.articles.stalenessFor(ids));
    this.hijriMonthStarts = new DataLoader(async (keys: readonly 'all'[]) => {
      const starts = monthStartsFrom(await services.calendar.monthStarts());
      return keys.map(() => starts);
    });
    this.image = new DataLoader((ids: readonly number[]) => services.images.byIds(ids, visibility));
    this.liveCoverage = new DataLoader((ids: readonly number[]) => services.live.coverageFor(ids, visibility));
    this.liveEntry = new DataLoader((ids: readonly number[]) => services.live.entriesByIds(ids, visibility));
    this.liveEntryCorrections = new DataLoader((ids: readonly number[]) => services.live.correctionsFor(ids));
  }

  /** A page of the entries of live blogs; blogs asking for the same page share one statement. */
  liveEntryPage(args: LiveEntriesArgs): DataLoader<number, Page<LiveEntryType>> {
    const key = JSON.stringify([args.first, args.after, args.last, args.before, args.since, args.keyEventsOnly]);
    let loader = this.liveEntryPages.get(key);
    if (!loader) {
      loader = new DataLoader((ids: readonly number[]) => this.services.live.entryPages(ids, args, this.visibility));
      this.liveEntryPages.set(key, loader);
    }
    return loader;
  }

  /** The page of articles of a person or region; parents asking for the same page share one statement. */
  articlePage(kind: ParentKind, args: ForwardPageArgs, shape: ArticleShape): DataLoader<number | string, Page<ArticleType>> {
    const key = JSON.stringify([kind, args.first ?? null, args.after ?? null, shape]);
    let loader = this.articlePages.get(key);
    if (!loader) {
      loader = new DataLoader((parents: readonly (number | string)[]) => this.services.articles.pagesForParents(kind, parents, args, shape));
      this.articlePages.set(key, loader);
    }
    return loader;
  }

  /**
   * A region by code as the field `info` resolves it: when the operation shows the region's articles, its page is read
   * in the same statement and primed for `Region.articles` (a region's page in one statement).
   */
  regionFor(info: GraphQLResolveInfo): DataLoader<string, RegionType | null> {
    return (this.withPage('region', info) as DataLoader<string, RegionType | null> | null) ?? this.region;
  }

  /** A person by slug as the field `info` resolves it, with the page of articles it shows likewise. */
  personBySlugFor(info: GraphQLResolveInfo): DataLoader<string, PersonType | null> {
    return (this.withPage('person', info) as DataLoader<string, PersonType | null> | null) ?? this.personSlug;
  }

  /** Parents read with their page of articles, for the page the operation shows below `info`; null when it shows none. */
  private withPage(kind: ParentKind, info: GraphQLResolveInfo): DataLoader<string, PersonType | RegionType | null> | null {
    const ahead = articlesAhead(info);
    if (!ahead) return null;
    const fields = selectedFields(info) ?? [];
    const key = JSON.stringify([kind, ahead.args.first ?? null, ahead.args.after ?? null, ahead.shape, fields]);
    let loader = this.parentsWithPages.get(key);
    if (!loader) {
      const pages = this.articlePage(kind, ahead.args, ahead.shape);
      loader = new DataLoader(async (lookups: readonly string[]) => {
        const found: (ParentWithPage<ParentKind> | null)[] = await this.services.articles.parentsWithPages(kind, lookups, fields, ahead.args, ahead.shape);
        return found.map((item) => {
          if (!item) return null;
          pages.prime(kind === 'person' ? (item.parent as PersonType).dbId : (item.parent as RegionType).code, item.page);
          return item.parent;
        });
      });
      this.parentsWithPages.set(key, loader);
    }
    return loader;
  }

  /** Highlighted snippets of the hits of one search: one statement for the page, only when asked. */
  searchHighlights(query: string, prefix: boolean): DataLoader<HighlightKey, string, string> {
    const key = JSON.stringify([query, prefix]);
    let loader = this.highlights.get(key);
    if (!loader) {
      loader = new DataLoader((hits: readonly HighlightKey[]) => this.services.search.highlights(query, prefix, hits),
        { cacheKeyFn: (hit) => `${hit.id}:${hit.named}` });
      this.highlights.set(key, loader);
    }
    return loader;
  }
}
