import { Field, Float, ObjectType } from 'type-graphql';
import { ArticleType } from '../article/article.type';
import { PageInfo } from '../../shared/relay';
import type { FoundArticle } from './search.service';

@ObjectType('SearchHit', { description: 'One article a search found (an edge of SearchConnection), with its relevance and a highlighted snippet.' })
export class SearchHit {
  @Field({ description: 'Opaque cursor of this hit, for `after`.' })
  cursor: string;

  @Field(() => Float, {
    description: 'Relevance (PostgreSQL ts_rank: words in the title weigh most, then kicker and summary, then body); '
      + 'higher is better, comparable within one search and one tier (headline matches, then body matches) only.',
  })
  score: number;

  @Field(() => ArticleType, { description: 'The article found.' })
  node: ArticleType;

  /** The search, for the highlight, and whether only a name in the other script found this hit. */
  query: string;
  prefix: boolean;
  named: boolean;

  static of(found: FoundArticle, query: string, prefix: boolean): SearchHit {
    return Object.assign(new SearchHit(), { cursor: found.cursor, score: found.score, node: found.article, query, prefix, named: found.named });
  }
}

@ObjectType('SearchConnection', {
  description: 'A page of search hits (Relay connection): articles whose headline, kicker or summary hold every word first, '
    + 'then those found in the body; within each, most relevant first, then newest.',
})
export class SearchConnection {
  @Field(() => [SearchHit], { description: 'The hits of this page, in order.' })
  edges: SearchHit[];

  @Field(() => PageInfo, { description: 'Cursors and whether more hits follow.' })
  pageInfo: PageInfo;
}
