import type { Lang } from '../../shared/languages';
import type { AltLang } from './image.row';
import { Ctx, Field, FieldResolver, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ArticleBlockType, BlockRules } from '../article/article.blocks';
import { ArticleType } from '../article/article.type';
import { PersonType } from '../person/person.type';
import { EMBED_PROVIDERS, EmbedProvider as EmbedProviderValue, parseEmbedUrl } from './embed-url';
import { ImageType } from './image.type';

export const EmbedProvider = Object.fromEntries(EMBED_PROVIDERS.map((p) => [p, p])) as { [P in EmbedProviderValue]: P };
registerEnumType(EmbedProvider, {
  name: 'EmbedProvider',
  description: 'Whose player an embed loads.',
  valuesConfig: {
    YOUTUBE: { description: 'YouTube (played from youtube-nocookie.com).' },
    VIMEO: { description: 'Vimeo (with Do Not Track).' },
    DAILYMOTION: { description: 'Dailymotion.' },
    X: { description: 'X (Twitter) posts.' },
    FACEBOOK: { description: 'Facebook videos and posts.' },
    INSTAGRAM: { description: 'Instagram posts and reels.' },
    TIKTOK: { description: 'TikTok videos.' },
  },
});

/** The embed rule the article writer is given by the composition root: the allow-list of embed-url.ts. */
export const MEDIA_BLOCK_RULES: BlockRules = { embed: (url) => parseEmbedUrl(url) };

type Shown = { lang?: Lang };

@ObjectType('ImageBlock', { implements: ArticleBlockType, simpleResolvers: true, description: 'A picture in the body.' })
export class ImageBlockType extends ArticleBlockType {
  @Field(() => String, { nullable: true, description: "This article's caption for the picture; null: show the image's own caption." })
  caption: string | null;

  imageId: number;
}

@ObjectType('EmbedBlock', { implements: ArticleBlockType, simpleResolvers: true, description: "A video or post of an allowed provider, rebuilt from its id; show `posterImage` (or a plain poster) and load `embedUrl` in an iframe only when the reader asks." })
export class EmbedBlockType extends ArticleBlockType {
  @Field(() => EmbedProvider, { description: 'Whose player it is.' })
  provider: string;

  @Field({ description: 'The canonical public URL of the video or post.' })
  url: string;

  @Field({ description: 'The player URL for an iframe, on the privacy-enhanced domain where the provider has one.' })
  embedUrl: string;

  @Field({ description: 'A video (it makes the article a video article), not a post.' })
  video: boolean;

  posterImageId: number | null;
}

/** Pictures have alternative texts in Arabic and French: an article in Arabic shows the Arabic one first, any other the French one. */
function altLangFor(lang: Lang): AltLang {
  return lang === 'ar' ? 'ar' : 'fr';
}

async function imageShown(ctx: Context, id: number | null, lang: Lang | undefined): Promise<ImageType | null> {
  if (id === null) return null;
  const image = await ctx.loaders.image.load(id);
  return image && lang ? image.shownIn(altLangFor(lang)) : image;
}

@Resolver(() => ImageBlockType)
export class ImageBlockResolver {
  @FieldResolver(() => ImageType, { nullable: true, description: 'The picture (null only in an old revision whose image was deleted since).' })
  image(@Root() block: ImageBlockType & Shown, @Ctx() ctx: Context): Promise<ImageType | null> {
    return imageShown(ctx, block.imageId, block.lang);
  }
}

@Resolver(() => EmbedBlockType)
export class EmbedBlockResolver {
  @FieldResolver(() => ImageType, { nullable: true, description: 'The picture shown in place of the player until the reader asks for it.' })
  posterImage(@Root() block: EmbedBlockType & Shown, @Ctx() ctx: Context): Promise<ImageType | null> {
    return imageShown(ctx, block.posterImageId, block.lang);
  }
}

/** Pictures of the lower rooms, resolved here: an article's lead image, a person's portrait. */
@Resolver(() => ArticleType)
export class ArticleImageResolver {
  @FieldResolver(() => ImageType, { nullable: true, description: 'The lead picture (null when it has none readers may see).' })
  leadImage(@Root() article: ArticleType, @Ctx() ctx: Context): Promise<ImageType | null> {
    return imageShown(ctx, article.leadImageId, article.lang);
  }
}

@Resolver(() => PersonType)
export class PersonImageResolver {
  @FieldResolver(() => ImageType, { nullable: true, description: 'Their portrait (null when none readers may see).' })
  portrait(@Root() person: PersonType, @Ctx() ctx: Context): Promise<ImageType | null> {
    return imageShown(ctx, person.portraitId ?? null, undefined);
  }
}
