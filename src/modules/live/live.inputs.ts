import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize, ValidateNested } from 'class-validator';
import { IsPlainText } from '../../shared/plain-text';
import { ArticleBlockInput } from '../article/article.inputs';

const TITLE = { min: 1, max: 200 };
export const LIVE_NOTE_RULES = { min: 1, max: 2000, multiline: true };

@InputType('PostLiveEntryInput', { description: 'A new live-blog entry; it goes out at once.' })
export class PostLiveEntryInput {
  @Field(() => String, { nullable: true, description: 'Optional short headline (plain text, up to 200 characters).' })
  @IsPlainText(TITLE)
  title?: string | null;

  @Field(() => [ArticleBlockInput], { description: 'The entry, as article body blocks (text, images, embeds); at least one.' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  body: ArticleBlockInput[];

  @Field(() => Boolean, { nullable: true, description: 'A key event, shown in the short timeline (default false).' })
  isKeyEvent?: boolean | null;
}

@InputType('UpdateLiveEntryInput', { description: 'Changes to an entry: omitted fields stay as they are, a null title removes it.' })
export class UpdateLiveEntryInput {
  @Field(() => String, { nullable: true, description: 'New headline; null removes it.' })
  @IsPlainText(TITLE)
  title?: string | null;

  @Field(() => [ArticleBlockInput], { nullable: true, description: 'The whole new body (replaces the current one).' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  body?: ArticleBlockInput[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether it is a key event.' })
  isKeyEvent?: boolean | null;
}
