import type { Lang } from '../../shared/languages';
import { ArgsType, Authorized, Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../../shared/node';
import { toGlobalId } from '../../shared/global-id';
import { connectionTypes, PageArgs } from '../../shared/relay';
import type { BodyBlock } from '../article/article.row';
import type { LiveCoverageRow, LiveEntryRow } from './live.row';

@ObjectType('LiveCoverage', { simpleResolvers: true, description: 'The live blog of an article: short timestamped entries, newest first, some marked as key events.' })
export class LiveCoverageType {
  @Field({ description: 'True from the start of the coverage until it ends (by an editor, or after hours without an entry).' })
  isLive: boolean;

  @Field(() => Date, { description: 'When the coverage (last) started.' })
  startedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it ended; null while it is live.' })
  endedAt: Date | null;

  articleId: number;

  static from(row: LiveCoverageRow): LiveCoverageType {
    return Object.assign(new LiveCoverageType(), {
      isLive: row.endedAt === null, startedAt: row.startedAt, endedAt: row.endedAt, articleId: row.articleId,
    });
  }
}

@ObjectType('LiveEntry', { implements: Node, simpleResolvers: true, description: 'One entry of a live blog.' })
export class LiveEntryType extends Node {
  @Field(() => String, { nullable: true, description: 'Optional short headline of the entry.' })
  title: string | null;

  @Field(() => Date, { description: 'When it was posted.' })
  postedAt: Date;

  @Field(() => Date, { description: 'When it was last changed (edited, pinned, corrected).' })
  updatedAt: Date;

  @Field({ description: 'A key event: shown in the coverage\'s short timeline (`entries(keyEventsOnly: true)`).' })
  isKeyEvent: boolean;

  @Field({ description: 'Pinned: shown first, above the newest entries; at most one entry of a blog is.' })
  isPinned: boolean;

  @Field(() => String, { nullable: true, description: 'Who posted it: the name on the editor\'s token.' })
  author: string | null;

  @Authorized()
  @Field(() => Int, { nullable: true, simple: false, description: 'Editors only: the current version, to pass as `expectedVersion` when saving.' })
  version: number;

  dbId: number;
  articleId: number;
  /** The stored blocks (`LiveEntry.body` shows them) and the language of the article, for alt texts. */
  blocks: BodyBlock[];
  lang: Lang;
  /** Microseconds since the epoch of `postedAt`: the keyset position. */
  postedUs: number;
  /** Set on an entry read for the feed after it was deleted: its events show no entry. */
  deleted: boolean;

  static from(row: LiveEntryRow): LiveEntryType {
    return Object.assign(new LiveEntryType(), {
      id: toGlobalId('LiveEntry', row.id),
      dbId: row.id,
      articleId: row.articleId,
      title: row.title,
      blocks: row.body,
      lang: row.lang,
      postedAt: row.postedAt,
      updatedAt: row.updatedAt,
      isKeyEvent: row.isKeyEvent,
      isPinned: row.isPinned,
      author: row.authorName,
      version: row.version,
      postedUs: Number(row.postedUs),
      deleted: row.deletedAt !== null,
    });
  }
}

const { ConnectionBase } = connectionTypes(LiveEntryType, 'LiveEntry', 'live-blog entry');

@ObjectType('LiveEntryConnection', { simpleResolvers: true, description: 'A page of a live blog: the pinned entry first, then newest first (Relay connection; cursors stay valid while entries are posted).' })
export class LiveEntryConnection extends ConnectionBase {}

@ArgsType()
export class LiveEntriesArgs extends PageArgs {
  @Field(() => Date, { nullable: true, description: 'Only entries posted at or after this instant.' })
  since?: Date;

  @Field(() => Boolean, { nullable: true, description: 'Only key events: the short timeline.' })
  keyEventsOnly?: boolean;
}
