import { decode } from 'blurhash';

/** What the front page asks of an image: its renditions at one ratio in three formats, and its placeholders. */
export const PICTURE_FIELDS = `alt dominantColor blurhash
  avif: srcSet(ratio: R16_9, format: AVIF) webp: srcSet(ratio: R16_9, format: WEBP) jpeg: srcSet(ratio: R16_9, format: JPEG)
  src: url(width: 768, ratio: R16_9, format: JPEG) height: heightAt(width: 768, ratio: R16_9)`;

export interface PictureImage {
  alt: string;
  dominantColor: string;
  blurhash: string;
  avif: string;
  webp: string;
  jpeg: string;
  src: string;
  height: number;
}

/** The BlurHash painted small into a data URL (a 32 × 18 canvas, stretched by CSS): the picture's shape before it loads. */
function placeholderOf(blurhash: string): string | null {
  try {
    const [w, h] = [32, 18];
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const context = canvas.getContext('2d');
    if (!context) return null;
    context.putImageData(new ImageData(new Uint8ClampedArray(decode(blurhash, w, h)), w, h), 0, 0);
    return canvas.toDataURL();
  } catch {
    return null;
  }
}

/**
 * A <picture> offering AVIF, then WebP, then JPEG, each with the whole width ladder, and `sizes` saying how wide it is
 * shown, so the browser fetches the smallest rendition that fills it. `width`/`height` reserve its box before it loads
 * (no layout shift); its dominant colour and BlurHash fill the box meanwhile. Below the fold it loads lazily.
 */
export function pictureOf(image: PictureImage, options: { sizes: string; eager?: boolean; className?: string }): HTMLPictureElement {
  const picture = document.createElement('picture');
  picture.className = options.className ?? 'picture';
  for (const [type, srcset] of [['image/avif', image.avif], ['image/webp', image.webp]] as const) {
    const source = document.createElement('source');
    source.type = type;
    source.srcset = srcset;
    source.sizes = options.sizes;
    picture.append(source);
  }
  const img = document.createElement('img');
  img.alt = image.alt;
  img.width = 768;
  img.height = image.height;
  img.srcset = image.jpeg;
  img.sizes = options.sizes;
  img.src = image.src;
  img.decoding = 'async';
  img.loading = options.eager ? 'eager' : 'lazy';
  if (options.eager) img.fetchPriority = 'high';
  img.style.backgroundColor = image.dominantColor;
  const placeholder = placeholderOf(image.blurhash);
  if (placeholder) img.style.backgroundImage = `url("${placeholder}")`;
  img.addEventListener('load', () => {
    img.style.backgroundImage = '';
    img.style.backgroundColor = '';
  }, { once: true });
  picture.append(img);
  return picture;
}
