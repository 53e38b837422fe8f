/** The public GraphQL API over HTTP, exactly as any client calls it. */
import { PICTURE_FIELDS, type PictureImage } from './picture';

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}

export class ApiError extends Error {
  constructor(readonly errors: GraphQLErrorShape[]) {
    super(errors.map((error) => error.message).join('; '));
  }

  /** True when the server does not know a field we asked for (e.g. a feature it does not have yet). */
  get isUnknownField(): boolean {
    return this.errors.some((error) => error.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
  }
}

export const graphqlUrl = new URL('/graphql', location.href).href;

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: GraphQLErrorShape[] };
  if (body.errors?.length) throw new ApiError(body.errors);
  if (!response.ok || !body.data) throw new ApiError([{ message: `HTTP ${response.status}` }]);
  return body.data;
}

export interface RegionRef { code: string; nameAr: string }
export interface PersonRef { slug: string; nameAr: string }

export interface ArticleCard {
  slug: string;
  title: string;
  kicker: string | null;
  summary: string | null;
  displayDate: string | null;
  lang: string;
  dir: 'RTL' | 'LTR';
  hasVideo: boolean;
  category: { nameAr: string } | null;
  regions: RegionRef[];
  people: PersonRef[];
  leadImage: PictureImage | null;
}

export const ARTICLE_CARD = `
  fragment ArticleCard on Article {
    slug title kicker summary displayDate lang dir hasVideo
    category { nameAr }
    regions { code nameAr }
    people { slug nameAr }
    leadImage { ${PICTURE_FIELDS} }
  }`;

export interface Ticker {
  id: string;
  headline: string;
  urgency: number;
  status: 'LIVE' | 'KILLED';
  expiresAt: string;
  url: string | null;
  article: { slug: string } | null;
  /** The live blog the item points at, when its article has one. */
  liveCoverage: { isLive: boolean } | null;
}

export const TICKER_FIELDS = 'id headline urgency status expiresAt url article { slug } liveCoverage { isLive }';
