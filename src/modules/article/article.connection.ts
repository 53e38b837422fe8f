import { Field, Int, ObjectType } from 'type-graphql';
import { ArticleType } from './article.type';
import { ArticleFilter } from './article.inputs';
import { connectionTypes, Page } from '../../shared/relay';

const { ConnectionBase } = connectionTypes(ArticleType, 'Article', 'article');

@ObjectType('ArticleConnection', { simpleResolvers: true, description: 'A page of articles, newest first (Relay connection).' })
export class ArticleConnection extends ConnectionBase {
  @Field(() => Int, { description: 'How many articles match in all pages (costs one extra statement; ask only when shown).' })
  totalCount: number;

  /** The filter the page was drawn from, for `totalCount`. */
  filter: ArticleFilter;

  static of(page: Page<ArticleType>, filter: ArticleFilter = {}): ArticleConnection {
    return Object.assign(new ArticleConnection(), page, { filter });
  }
}
