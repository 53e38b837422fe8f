import { Authorized, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/node';
import { toGlobalId } from '../../shared/global-id';
import type { AltLang, ImageRow } from './image.row';
import type { ImageFormat as ImageFormatValue, ImageRatio as ImageRatioValue, RenditionSource } from './image-renditions';

export enum ImageRatio {
  ORIGINAL = 'ORIGINAL',
  R16_9 = 'R16_9',
  R4_3 = 'R4_3',
  R1_1 = 'R1_1',
  SOCIAL = 'SOCIAL',
}
registerEnumType(ImageRatio, {
  name: 'ImageRatio',
  description: 'Shape of a rendition: the picture as taken, or a crop to a fixed ratio (Google asks news sites for 16:9, 4:3 and 1:1).',
  valuesConfig: {
    ORIGINAL: { description: 'The whole picture, at its own ratio.' },
    R16_9: { description: '16:9, cropped by the editor or around the focal point.' },
    R4_3: { description: '4:3, cropped by the editor or around the focal point.' },
    R1_1: { description: 'Square, cropped by the editor or around the focal point.' },
    SOCIAL: { description: 'The share card of OpenGraph and Twitter, 1200 × 630 (1.91:1), one width only; cropped by the editor or around the focal point.' },
  },
});

export enum ImageFormat {
  AVIF = 'AVIF',
  WEBP = 'WEBP',
  JPEG = 'JPEG',
}
registerEnumType(ImageFormat, {
  name: 'ImageFormat',
  description: 'File format of a rendition; offer AVIF and WebP first in a <picture>, JPEG for the rest.',
  valuesConfig: {
    AVIF: { description: 'AVIF: the smallest files, for browsers that have it.' },
    WEBP: { description: 'WebP: small files, every current browser.' },
    JPEG: { description: 'JPEG: everything else (transparent areas become white).' },
  },
});

// The GraphQL enums name the values of the rendition rules' lists; this fails to compile when they part.
export const ENUMS_MATCH_RULES: [readonly ImageRatioValue[], readonly ImageFormatValue[]] = [Object.values(ImageRatio), Object.values(ImageFormat)];

@ObjectType('FocalPoint', { simpleResolvers: true, description: 'The point of a picture that every crop keeps in view, as fractions of its width and height from the top left.' })
export class FocalPointType {
  @Field(() => Float, { description: '0 (left edge) to 1 (right edge).' })
  x: number;

  @Field(() => Float, { description: '0 (top edge) to 1 (bottom edge).' })
  y: number;
}

@ObjectType('ImageCrop', { simpleResolvers: true, description: 'The part of the picture an editor chose for one ratio, as fractions of its width and height.' })
export class ImageCropType {
  @Field(() => ImageRatio, { description: 'The ratio this crop is for.' })
  ratio: ImageRatioValue;

  @Field(() => Float, { description: 'Left edge, 0–1.' })
  x: number;

  @Field(() => Float, { description: 'Top edge, 0–1.' })
  y: number;

  @Field(() => Float, { description: 'Width, 0–1.' })
  width: number;

  @Field(() => Float, { description: 'Height, 0–1.' })
  height: number;
}

@ObjectType('ImageAlt', { simpleResolvers: true, description: 'The alternative text of an image in one language.' })
export class ImageAltType {
  @Field(() => String, { description: 'Language as a BCP 47 tag: "ar" or "fr".' })
  lang: AltLang;

  @Field({ description: 'What the picture shows, for readers who cannot see it.' })
  text: string;
}

/** Languages in the order an alternative text is looked for when the wanted one is missing. */
const ALT_FALLBACK: AltLang[] = ['ar', 'fr'];

@ObjectType('Image', {
  implements: Node,
  simpleResolvers: true,
  description: 'A picture with its renditions, credits and rights. Every file served is stripped of EXIF, GPS, XMP and maker notes.',
})
export class ImageType extends Node {
  @Field(() => Int, { description: 'Width in pixels of the stored original (upright).' })
  width: number;

  @Field(() => Int, { description: 'Height in pixels of the stored original (upright).' })
  height: number;

  @Field(() => String, { nullable: true, description: 'Caption under the picture (plain text).' })
  caption: string | null;

  @Field(() => String, { nullable: true, description: 'Photographer.' })
  credit: string | null;

  @Field(() => String, { nullable: true, description: 'Agency or source, e.g. "MAP".' })
  source: string | null;

  @Field(() => String, { nullable: true, description: 'Copyright notice.' })
  copyright: string | null;

  @Field(() => FocalPointType, { description: 'The point every crop keeps in view.' })
  focalPoint: FocalPointType;

  @Field(() => [ImageCropType], { description: "The editor's crops, one per ratio at most; ratios without one are framed around the focal point." })
  crops: ImageCropType[];

  @Field({ description: 'A BlurHash (blurha.sh) of the picture, to paint while it loads.' })
  blurhash: string;

  @Field({ description: 'The dominant colour, "#rrggbb": a flat placeholder.' })
  dominantColor: string;

  @Field(() => Date, { nullable: true, description: 'When the right to publish the picture ends; readers no longer see it from then on.' })
  rightsExpireAt: Date | null;

  @Field({ description: 'The upload had several frames (an animated GIF or WebP); its renditions show the first.' })
  animated: boolean;

  @Field(() => [ImageAltType], { description: 'The alternative text in every language it is written in.' })
  alts: ImageAltType[];

  @Authorized()
  @Field(() => Int, { nullable: true, simple: false, description: 'Editors only: the current version, to pass as `expectedVersion` to updateImage.' })
  version: number;

  dbId: number;
  altTexts: Partial<Record<AltLang, string>>;
  /** The language of the article the image is shown in, when it is read through one: its alternative text's default. */
  shownInLang?: AltLang;
  rendition: RenditionSource;

  /** The alternative text in `lang`, or in the other language when it has none there. */
  altIn(lang: AltLang | undefined): string {
    const wanted = lang ?? this.shownInLang;
    const order = wanted ? [wanted, ...ALT_FALLBACK.filter((l) => l !== wanted)] : ALT_FALLBACK;
    return order.map((l) => this.altTexts[l]).find((text) => !!text) ?? '';
  }

  /** The same image as shown in an article in `lang` (a copy: one image can appear in articles of both languages). */
  shownIn(lang: AltLang): ImageType {
    return lang === this.shownInLang ? this : Object.assign(Object.create(this) as ImageType, { shownInLang: lang });
  }

  static from(row: ImageRow): ImageType {
    const crops = Object.entries(row.crops).map(([ratio, box]) => Object.assign(new ImageCropType(), { ratio, ...box }));
    return Object.assign(new ImageType(), {
      id: toGlobalId('Image', row.id),
      dbId: row.id,
      width: row.width,
      height: row.height,
      caption: row.caption,
      credit: row.credit,
      source: row.source,
      copyright: row.copyright,
      focalPoint: Object.assign(new FocalPointType(), { x: row.focalX, y: row.focalY }),
      crops,
      blurhash: row.blurhash,
      dominantColor: row.dominantColor,
      rightsExpireAt: row.rightsExpireAt,
      animated: row.animated,
      alts: ALT_FALLBACK.filter((lang) => row.alt[lang]).map((lang) => Object.assign(new ImageAltType(), { lang, text: row.alt[lang] })),
      version: row.version,
      altTexts: row.alt,
      rendition: renditionSourceOf(row),
    });
  }
}

export function renditionSourceOf(row: ImageRow): RenditionSource {
  return { originalHash: row.originalHash, width: row.width, height: row.height, focalPoint: { x: row.focalX, y: row.focalY }, crops: row.crops };
}
