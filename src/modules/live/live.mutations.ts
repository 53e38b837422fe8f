import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { numericIdOf } from '../../shared/global-id';
import { PostLiveEntryInput, UpdateLiveEntryInput } from './live.inputs';
import { LiveCoverageType, LiveEntryType } from './live.type';

const articleId = (id: string) => numericIdOf('Article', id, 'articleId');
const entryId = (id: string) => numericIdOf('LiveEntry', id);

/** The live desk over GraphQL, for signed-in editors: each write reaches `liveEntries` subscribers as it commits. */
@Resolver()
export class LiveMutations {
  @Authorized()
  @Mutation(() => LiveCoverageType, { description: 'Starts the live blog of a published article (again, if it ended); a live one stays as it is.' })
  startLiveCoverage(@Ctx() ctx: Context, @Arg('articleId', () => ID, { description: 'The article global id.' }) id: string): Promise<LiveCoverageType> {
    return ctx.services.liveWriter.start(articleId(id));
  }

  @Authorized()
  @Mutation(() => LiveEntryType, { description: 'Posts an entry to a live blog; it goes out at once. CONFLICT when the coverage ended or never started, or the article is not published.' })
  postLiveEntry(
    @Ctx() ctx: Context,
    @Arg('articleId', () => ID, { description: 'The article global id.' }) id: string,
    @Arg('input', () => PostLiveEntryInput, { description: 'The entry.' }) input: PostLiveEntryInput,
  ): Promise<LiveEntryType> {
    return ctx.services.liveWriter.post(ctx.viewer, articleId(id), input);
  }

  @Authorized()
  @Mutation(() => LiveEntryType, { description: 'Saves changes to an entry if it is still at `expectedVersion`; otherwise CONFLICT with `currentVersion`.' })
  updateLiveEntry(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The entry global id.' }) id: string,
    @Arg('expectedVersion', () => Int, { description: 'The version the editor started from (`LiveEntry.version`).' }) expectedVersion: number,
    @Arg('input', () => UpdateLiveEntryInput, { description: 'The changes.' }) input: UpdateLiveEntryInput,
  ): Promise<LiveEntryType> {
    return ctx.services.liveWriter.update(entryId(id), expectedVersion, input);
  }

  @Authorized()
  @Mutation(() => LiveEntryType, { description: 'Deletes an entry: readers see it disappear, live. Returns it as it was.' })
  deleteLiveEntry(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'The entry global id.' }) id: string): Promise<LiveEntryType> {
    return ctx.services.liveWriter.delete(entryId(id));
  }

  @Authorized()
  @Mutation(() => LiveEntryType, { description: 'Pins an entry first (unpinning the one pinned before), or unpins it with `pinned: false`.' })
  pinLiveEntry(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The entry global id.' }) id: string,
    @Arg('pinned', () => Boolean, { defaultValue: true, description: 'false unpins it.' }) pinned: boolean,
  ): Promise<LiveEntryType> {
    return ctx.services.liveWriter.pin(entryId(id), pinned);
  }

  @Authorized()
  @Mutation(() => LiveEntryType, { description: 'Adds a public correction note to an entry (fix its text with updateLiveEntry).' })
  correctLiveEntry(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'The entry global id.' }) id: string,
    @Arg('note', () => String, { description: 'The public note, e.g. "An earlier version gave the wrong magnitude."' }) note: string,
  ): Promise<LiveEntryType> {
    return ctx.services.liveWriter.correct(entryId(id), note);
  }

  @Authorized()
  @Mutation(() => LiveCoverageType, { description: 'Ends the live blog: readers see "ended", subscribers get ENDED. Ending an ended one changes nothing.' })
  endLiveCoverage(@Ctx() ctx: Context, @Arg('articleId', () => ID, { description: 'The article global id.' }) id: string): Promise<LiveCoverageType> {
    return ctx.services.liveWriter.end(articleId(id));
  }
}
