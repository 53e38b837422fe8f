import { embedOf, EMBED_FIELDS, type EmbedView } from './embed';
import { pictureOf, PICTURE_FIELDS, type PictureImage } from './picture';

/** The article body as the front page asks for it: text, pictures with their captions and credits, embeds. */
export const BODY_FIELDS = `body { type text
  ... on ImageBlock { caption image { ${PICTURE_FIELDS} caption credit } }
  ... on EmbedBlock { ${EMBED_FIELDS} } }`;

export type BodyBlockView =
  | { type: 'PARAGRAPH' | 'HEADING' | 'QUOTE'; text: string }
  | { type: 'IMAGE'; text: string; caption: string | null; image: (PictureImage & { caption: string | null; credit: string | null }) | null }
  | ({ type: 'EMBED'; text: string } & EmbedView);

/** How wide body pictures are shown: the article column (52rem less its padding), the screen's width on phones. */
export const ARTICLE_SIZES = '(max-width: 52rem) calc(100vw - 3.5rem), 48rem';

function textBlock(tag: 'p' | 'h2' | 'blockquote', text: string): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

/** One element per block, in reading order; text only ever goes through textContent. */
export function bodyOf(blocks: BodyBlockView[]): HTMLElement[] {
  return blocks.flatMap((block): HTMLElement[] => {
    if (block.type === 'IMAGE') {
      if (!block.image) return [];
      const figure = document.createElement('figure');
      figure.className = 'figure';
      figure.append(pictureOf(block.image, { sizes: ARTICLE_SIZES }));
      const caption = block.caption ?? block.image.caption;
      if (caption || block.image.credit) {
        const text = document.createElement('figcaption');
        text.textContent = [caption, block.image.credit && `(${block.image.credit})`].filter(Boolean).join(' ');
        figure.append(text);
      }
      return [figure];
    }
    if (block.type === 'EMBED') return [embedOf(block, ARTICLE_SIZES)];
    return [textBlock(block.type === 'HEADING' ? 'h2' : block.type === 'QUOTE' ? 'blockquote' : 'p', block.text)];
  });
}
