import type { Lang } from '../../shared/languages';
import { Field, InterfaceType, ObjectType } from 'type-graphql';
import type { EntityManager } from 'typeorm';
import { BlockType } from './article.type';
import type { BodyBlock, EmbedBlock, TextBlockKind } from './article.row';
import { badInput } from '../../shared/errors';
import { normalizePlainText, plainTextProblem } from '../../shared/plain-text';
import { numericIdOf } from '../../shared/global-id';
import type { ArticleBlockInput } from './article.inputs';

/**
 * An article body is a list of blocks: text (PARAGRAPH, HEADING, QUOTE), IMAGE and EMBED. The article owns their
 * stored shapes (article.row.ts) and this interface; the media module, above it, gives the IMAGE and EMBED blocks their
 * GraphQL types (ImageBlock, EmbedBlock) and the embed URL rule (BlockRules, handed in by the composition root).
 * Live posts and feeds reuse the same union.
 */
export const BLOCK_TYPENAMES: Record<BodyBlock['type'], string> = {
  PARAGRAPH: 'TextBlock', HEADING: 'TextBlock', QUOTE: 'TextBlock', IMAGE: 'ImageBlock', EMBED: 'EmbedBlock',
};

/**
 * The object type that shows a stored block, answered synchronously: the schema sets it on ArticleBlock after
 * type-graphql wraps it in an async function, which compiled reads (graphql-jit) would not wait for.
 */
export const articleBlockTypeName = (block: { type: BodyBlock['type'] }): string => BLOCK_TYPENAMES[block.type];

@InterfaceType('ArticleBlock', {
  description: 'One block of an article body, in reading order: TextBlock, ImageBlock or EmbedBlock. Every block has a plain-text `text` (clients that only show text can show it).',
  resolveType: articleBlockTypeName,
})
export abstract class ArticleBlockType {
  @Field(() => BlockType, { description: 'Kind of block.' })
  type: BodyBlock['type'];

  @Field({ description: 'The block as plain text: its text, an image’s caption (or nothing), an embed’s URL.' })
  text: string;
}

@ObjectType('TextBlock', { implements: ArticleBlockType, simpleResolvers: true, description: 'A paragraph, an intertitle or a quotation (plain text, never HTML).' })
export class TextBlockType extends ArticleBlockType {}

/** A stored block as the GraphQL interface shows it: with its plain-text form, and the language of its article (alt texts follow it). */
export type ShownBlock = BodyBlock & { text: string; lang?: Lang };

export function shownBlocks(body: BodyBlock[], lang?: Lang): ShownBlock[] {
  return body.map((block) => (block.type === 'IMAGE' ? { ...block, text: block.caption ?? '', lang }
    : block.type === 'EMBED' ? { ...block, text: block.url, lang } : block));
}

/** The ids of the images a body shows (IMAGE blocks and embed posters). */
export function imageIdsOf(body: BodyBlock[]): number[] {
  return [...new Set(body.flatMap((block) => (block.type === 'IMAGE' ? [block.imageId]
    : block.type === 'EMBED' && block.posterImageId !== null ? [block.posterImageId] : [])))];
}

/** A body carries a video when one of its embeds is one. */
export function hasVideo(body: BodyBlock[]): boolean {
  return body.some((block) => block.type === 'EMBED' && block.video);
}

/** What the media module decides for the article's blocks; the composition root gives it to the article writer. */
export interface BlockRules {
  /** The embed a pasted URL stands for; throws an Error whose message the editor can act on when it is refused. */
  embed(url: string): Omit<EmbedBlock, 'type' | 'posterImageId'>;
}

/** Without the media module: embeds cannot be checked, so none are accepted. */
export const NO_EMBEDS: BlockRules = {
  embed() {
    throw new Error('embeds are not available on this server');
  },
};

const TEXT_KINDS = new Set<string>(['PARAGRAPH', 'HEADING', 'QUOTE']);

/** The stored body an input asks for, each block checked (BAD_USER_INPUT naming `body[i].field`) and normalized. */
export async function bodyFrom(tx: EntityManager, input: ArticleBlockInput[], rules: BlockRules): Promise<BodyBlock[]> {
  const body = input.map((block, i): BodyBlock => {
    const field = (name: string) => `body.${i}.${name}`;
    const text = (name: string, value: string | null | undefined, required: boolean, max: number) => {
      if (value == null || normalizePlainText(value) === '') {
        if (required) throw badInput(`${field(name)} is required for a ${block.type} block.`, field(name));
        return null;
      }
      const problem = plainTextProblem(field(name), value, { min: 0, max, multiline: true });
      if (problem) throw badInput(problem, field(name));
      return normalizePlainText(value);
    };
    if (TEXT_KINDS.has(block.type)) return { type: block.type as TextBlockKind, text: text('text', block.text, true, 20_000)! };
    if (block.type === 'IMAGE') {
      if (!block.imageId) throw badInput(`${field('imageId')} is required for an IMAGE block.`, field('imageId'));
      return { type: 'IMAGE', imageId: numericIdOf('Image', block.imageId, field('imageId')), caption: text('caption', block.caption, false, 1000) };
    }
    const url = text('url', block.url, true, 2048)!;
    let embed: Omit<EmbedBlock, 'type' | 'posterImageId'>;
    try {
      embed = rules.embed(url);
    } catch (error) {
      throw badInput(`${field('url')}: ${(error as Error).message}.`, field('url'));
    }
    return { type: 'EMBED', ...embed, posterImageId: block.posterImageId ? numericIdOf('Image', block.posterImageId, field('posterImageId')) : null };
  });
  const ids = imageIdsOf(body);
  if (ids.length > 0) {
    const found: { id: number }[] = await tx.query('SELECT id FROM image WHERE id = ANY($1)', [ids]);
    const missing = ids.filter((id) => !found.some((row) => row.id === id));
    if (missing.length > 0) throw badInput(`The body shows images that do not exist (${missing.join(', ')}).`, 'body', { unknown: missing });
  }
  return body;
}
