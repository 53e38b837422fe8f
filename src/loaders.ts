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
  private readonly liveEntryPages = new Map<string, DataLoader<number, Page<LiveEntryType>>>();
  private readonly articlePages = new Map<string, DataLoader<number | string, Page<ArticleType>>>();
  private readonly parentsWithPages = new Map<string, DataLoader<string, PersonType | RegionType | null>>();
  private readonly highlights = new Map<string, DataLoader<HighlightKey, string, string>>();

  constructor(private readonly services: Services, viewer: Viewer) {
    this.visibility = isEditor(viewer) ? 'editorial' : 'public';
  }

  /**
   * The key loaders, each made on first use: a request uses a few of them (a front page none), and making all nineteen
   * cost every request 9 KiB and their constructors' time.
   */
  private static readonly make = {
    article: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.articles.byIds(ids, loaders.visibility)),
    articleBody: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.articles.bodies(ids, loaders.visibility)),
    category: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.categories.byIds(ids)),
    person: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.people.byIds(ids)),
    region: (loaders: Loaders) => new DataLoader((codes: readonly string[]) => loaders.services.regions.byCodes(codes)),
    personSlug: (loaders: Loaders) => new DataLoader((slugs: readonly string[]) => Promise.all(slugs.map((slug) => loaders.services.people.bySlug(slug)))),
    regionChildren: (loaders: Loaders) => new DataLoader((codes: readonly string[]) => loaders.services.regions.childrenOf(codes)),
    articleRegions: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.regions.forArticles(ids)),
    articlePeople: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.people.forArticles(ids)),
    ticker: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.tickers.byIds(ids, loaders.visibility === 'public')),
    articleRevisions: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.articles.revisionsFor(ids)),
    articleCorrections: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.articles.correctionsFor(ids)),
    articleTranslations: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.articles.translationsFor(ids, loaders.visibility)),
    articleStaleness: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.articles.stalenessFor(ids)),
    // The announced Hijri month starts (one key, `all`): read once per request, only when a date line shows the Hijri date.
    hijriMonthStarts: (loaders: Loaders) => new DataLoader(async (keys: readonly 'all'[]) => {
      const starts = monthStartsFrom(await loaders.services.calendar.monthStarts());
      return keys.map(() => starts);
    }),
    image: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.images.byIds(ids, loaders.visibility)),
    liveCoverage: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.live.coverageFor(ids, loaders.visibility)),
    liveEntry: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.live.entriesByIds(ids, loaders.visibility)),
    liveEntryCorrections: (loaders: Loaders) => new DataLoader((ids: readonly number[]) => loaders.services.live.correctionsFor(ids)),
  };
  private readonly made: { -readonly [K in keyof typeof Loaders.make]?: ReturnType<(typeof Loaders.make)[K]> } = {};

  get article() { return (this.made.article ??= Loaders.make.article(this)); }
  get articleBody() { return (this.made.articleBody ??= Loaders.make.articleBody(this)); }
  get category() { return (this.made.category ??= Loaders.make.category(this)); }
  get person() { return (this.made.person ??= Loaders.make.person(this)); }
  get region() { return (this.made.region ??= Loaders.make.region(this)); }
  get regionChildren() { return (this.made.regionChildren ??= Loaders.make.regionChildren(this)); }
  get articleRegions() { return (this.made.articleRegions ??= Loaders.make.articleRegions(this)); }
  get articlePeople() { return (this.made.articlePeople ??= Loaders.make.articlePeople(this)); }
  get ticker() { return (this.made.ticker ??= Loaders.make.ticker(this)); }
  get articleRevisions() { return (this.made.articleRevisions ??= Loaders.make.articleRevisions(this)); }
  get articleCorrections() { return (this.made.articleCorrections ??= Loaders.make.articleCorrections(this)); }
  get articleTranslations() { return (this.made.articleTranslations ??= Loaders.make.articleTranslations(this)); }
  get articleStaleness() { return (this.made.articleStaleness ??= Loaders.make.articleStaleness(this)); }
  get hijriMonthStarts() { return (this.made.hijriMonthStarts ??= Loaders.make.hijriMonthStarts(this)); }
  get image() { return (this.made.image ??= Loaders.make.image(this)); }
  get liveCoverage() { return (this.made.liveCoverage ??= Loaders.make.liveCoverage(this)); }
  get liveEntry() { return (this.made.liveEntry ??= Loaders.make.liveEntry(this)); }
  get liveEntryCorrections() { return (this.made.liveEntryCorrections ??= Loaders.make.liveEntryCorrections(this)); }
  private get personSlug() { return (this.made.personSlug ??= Loaders.make.personSlug(this)); }

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
