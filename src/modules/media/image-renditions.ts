import crypto from 'node:crypto';

/**
 * What renditions exist and where they come from: a fixed width ladder, four ratios, the part of the picture each
 * ratio shows (the editor's crop, or the largest frame of that ratio around the focal point), and a signature over
 * all of it that goes into the URL. Pure: the pipeline renders what this decides, the route checks URLs against it.
 */

/** Every width a rendition can have: asking for another rounds to this ladder (no rendition per request). */
export const WIDTH_LADDER = [320, 480, 640, 768, 1024, 1280, 1600, 2048] as const;
/** The width `url` gives when none is asked for: a full-width column on most screens. */
export const DEFAULT_WIDTH = 1024;

export const IMAGE_RATIOS = ['ORIGINAL', 'R16_9', 'R4_3', 'R1_1', 'SOCIAL'] as const;
export type ImageRatio = (typeof IMAGE_RATIOS)[number];
/** The share card of OpenGraph and Twitter (`summary_large_image`): 1200 × 630, one width only. */
export const SOCIAL_CARD = { width: 1200, height: 630 } as const;
/** Width over height of each cropped ratio (ORIGINAL keeps the picture's own). */
export const RATIO_VALUES: Record<Exclude<ImageRatio, 'ORIGINAL'>, number> = {
  R16_9: 16 / 9, R4_3: 4 / 3, R1_1: 1, SOCIAL: SOCIAL_CARD.width / SOCIAL_CARD.height,
};
/** How a ratio is written in a rendition's URL. */
export const RATIO_SLUGS: Record<ImageRatio, string> = { ORIGINAL: 'o', R16_9: '16x9', R4_3: '4x3', R1_1: '1x1', SOCIAL: 'social' };

export const IMAGE_FORMATS = ['AVIF', 'WEBP', 'JPEG'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
export const FORMAT_EXTENSIONS: Record<ImageFormat, string> = { AVIF: 'avif', WEBP: 'webp', JPEG: 'jpg' };
export const FORMAT_MEDIA_TYPES: Record<ImageFormat, string> = { AVIF: 'image/avif', WEBP: 'image/webp', JPEG: 'image/jpeg' };

/**
 * Changes whenever the pipeline would draw a rendition differently (encoder settings, resampling): every URL changes
 * with it, so no cache anywhere keeps serving the old drawing under an immutable URL.
 */
export const RENDITION_VERSION = 1;

/** A point in the picture, as fractions of its width and height from the top left (0–1). */
export interface FocalPoint {
  x: number;
  y: number;
}

/** A rectangle as fractions of the picture's width and height (0–1). */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Crops = Partial<Record<Exclude<ImageRatio, 'ORIGINAL'>, CropBox>>;

/** A rectangle in pixels of the stored original. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What a rendition is made from: the stored original, its size, and where the editor wants it framed. */
export interface RenditionSource {
  /** Content hash of the stored original. */
  originalHash: string;
  width: number;
  height: number;
  focalPoint: FocalPoint;
  crops: Crops;
}

export interface RenditionSpec {
  ratio: ImageRatio;
  width: number;
  format: ImageFormat;
}

/** A rendition fully decided: the part of the original it shows, its size, and its signature. */
export interface Rendition extends RenditionSpec {
  height: number;
  region: PixelBox;
  signature: string;
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/**
 * The part of the original a ratio shows: the whole picture for ORIGINAL; otherwise the largest frame of that ratio
 * inside the editor's crop (or the whole picture), as close to centred on the focal point as the edges allow.
 */
export function regionFor(source: RenditionSource, ratio: ImageRatio): PixelBox {
  const { width: W, height: H } = source;
  if (ratio === 'ORIGINAL') return { left: 0, top: 0, width: W, height: H };
  const crop = source.crops[ratio];
  const within: PixelBox = crop
    ? { left: Math.round(crop.x * W), top: Math.round(crop.y * H), width: Math.max(1, Math.round(crop.width * W)), height: Math.max(1, Math.round(crop.height * H)) }
    : { left: 0, top: 0, width: W, height: H };
  within.width = Math.min(within.width, W - within.left);
  within.height = Math.min(within.height, H - within.top);
  const r = RATIO_VALUES[ratio];
  const width = within.width / within.height > r ? Math.max(1, Math.round(within.height * r)) : within.width;
  const height = within.width / within.height > r ? within.height : Math.max(1, Math.round(within.width / r));
  const left = clamp(Math.round(source.focalPoint.x * W - width / 2), within.left, within.left + within.width - width);
  const top = clamp(Math.round(source.focalPoint.y * H - height / 2), within.top, within.top + within.height - height);
  return { left, top, width, height };
}

/**
 * The ladder widths a region can be shown at: never wider than the region itself (its own width when it is narrower
 * than the whole ladder). The share card has one width, the size OpenGraph asks for.
 */
export function widthsFor(region: PixelBox, ratio?: ImageRatio): number[] {
  const ladder: readonly number[] = ratio === 'SOCIAL' ? [SOCIAL_CARD.width] : WIDTH_LADDER;
  const widths = ladder.filter((width) => width <= region.width);
  return widths.length > 0 ? widths : [region.width];
}

/** The ladder width a request gets: the smallest at least as wide as asked, or the widest there is. */
export function ladderWidth(requested: number | null | undefined, region: PixelBox, ratio?: ImageRatio): number {
  const widths = widthsFor(region, ratio);
  const wanted = requested ?? DEFAULT_WIDTH;
  return widths.find((width) => width >= wanted) ?? widths[widths.length - 1];
}

/** The height of a rendition `width` wide; the share card is exactly its size (its region's rounding is not carried over). */
export function heightAt(region: PixelBox, width: number, ratio: ImageRatio): number {
  if (ratio === 'SOCIAL' && width === SOCIAL_CARD.width) return SOCIAL_CARD.height;
  return Math.max(1, Math.round((width * region.height) / region.width));
}

export function renditionFor(source: RenditionSource, spec: { ratio: ImageRatio; width?: number | null; format: ImageFormat }): Rendition {
  const region = regionFor(source, spec.ratio);
  const width = ladderWidth(spec.width, region, spec.ratio);
  const height = heightAt(region, width, spec.ratio);
  const signature = crypto.createHash('sha256')
    .update(`${RENDITION_VERSION}|${source.originalHash}|${region.left},${region.top},${region.width},${region.height}|${width}|${spec.format}`)
    .digest('base64url').slice(0, 16);
  return { ratio: spec.ratio, width, height, format: spec.format, region, signature };
}

/** Where a rendition is served: the signature makes the URL immutable (a new crop or original is a new URL). */
export function renditionPath(imageId: number, rendition: Pick<Rendition, 'ratio' | 'width' | 'format' | 'signature'>): string {
  return `/media/${imageId}/${RATIO_SLUGS[rendition.ratio]}-${rendition.width}-${rendition.signature}.${FORMAT_EXTENSIONS[rendition.format]}`;
}

const RATIO_BY_SLUG = new Map(Object.entries(RATIO_SLUGS).map(([ratio, slug]) => [slug, ratio as ImageRatio]));
const FORMAT_BY_EXTENSION = new Map(Object.entries(FORMAT_EXTENSIONS).map(([format, ext]) => [ext, format as ImageFormat]));
const RENDITION_PATH = /^\/media\/([1-9][0-9]{0,9})\/(o|16x9|4x3|1x1|social)-([1-9][0-9]{0,4})-([A-Za-z0-9_-]{16})\.(avif|webp|jpg)$/;

/** The rendition a URL path asks for, or null when it cannot be one. */
export function parseRenditionPath(path: string): { imageId: number; ratio: ImageRatio; width: number; signature: string; format: ImageFormat } | null {
  const match = RENDITION_PATH.exec(path);
  if (!match) return null;
  const [, id, ratio, width, signature, ext] = match;
  return { imageId: Number(id), ratio: RATIO_BY_SLUG.get(ratio)!, width: Number(width), signature, format: FORMAT_BY_EXTENSION.get(ext)! };
}

/** `srcset` for one ratio and format: every ladder width the region allows. */
export function srcSet(imageId: number, source: RenditionSource, ratio: ImageRatio, format: ImageFormat, base = ''): string {
  return widthsFor(regionFor(source, ratio), ratio)
    .map((width) => `${base}${renditionPath(imageId, renditionFor(source, { ratio, width, format }))} ${width}w`)
    .join(', ');
}

/** Why a focal point or crop cannot be used, or null. */
export function framingProblem(focalPoint: FocalPoint | undefined, crops: Crops | undefined): string | null {
  const unit = (value: number) => Number.isFinite(value) && value >= 0 && value <= 1;
  if (focalPoint && !(unit(focalPoint.x) && unit(focalPoint.y))) return 'focalPoint x and y must be between 0 and 1';
  for (const [ratio, box] of Object.entries(crops ?? {})) {
    if (!box) continue;
    if (![box.x, box.y, box.width, box.height].every(unit) || box.width === 0 || box.height === 0) {
      return `the ${ratio} crop must lie inside the picture (x, y, width and height between 0 and 1, width and height above 0)`;
    }
    if (box.x + box.width > 1.0001 || box.y + box.height > 1.0001) return `the ${ratio} crop must lie inside the picture (x + width and y + height at most 1)`;
  }
  return null;
}
