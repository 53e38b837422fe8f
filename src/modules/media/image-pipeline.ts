import crypto from 'node:crypto';
import fs from 'node:fs';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { encode as encodeBlurhash } from 'blurhash';
import { lowerImageThreadPriority } from './image-threads';
import { stripJpegMetadata } from './jpeg-strip';
import type { Rendition } from './image-renditions';
import { WorkQueue } from './work-queue';
import { IngestThreads } from './ingest-threads';
import { ImageInputError } from './image-input-error';

/** Formats accepted as uploads, told by their first bytes (never by the file name or the declared type). */
export type SourceFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif';

export { ImageInputError };

export interface PipelineLimits {
  /** Largest upload, in bytes (MEDIA_MAX_UPLOAD_BYTES). */
  maxBytes: number;
  /** Most pixels (width × height) a picture may have, checked on its header before anything is decoded (MEDIA_MAX_PIXELS). */
  maxPixels: number;
  /** Image jobs running at once; the others wait (MEDIA_CONCURRENCY). */
  concurrency: number;
}

/** What an upload becomes: the original as stored (upright, sRGB, no metadata) and what placeholders need. */
export interface IngestedImage extends ImageFacts {
  original: Buffer;
}

/** An upload ingested from a file, its stored original written to another file (moved into the store when saved). */
export interface IngestedFile extends ImageFacts {
  originalFile: string;
}

export interface ImageFacts {
  originalBytes: number;
  originalType: 'image/jpeg' | 'image/png';
  /** sha256 of `original`, base64url: names the stored file and goes into every rendition's signature. */
  originalHash: string;
  width: number;
  height: number;
  sourceFormat: SourceFormat;
  /** The upload had several frames; only the first is kept (renditions are stills). */
  animated: boolean;
  blurhash: string;
  /** `#rrggbb`. */
  dominantColor: string;
}

export function sniffImageFormat(bytes: Buffer): SourceFormat | null {
  const ascii = (from: number, to: number) => bytes.toString('latin1', from, to);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (bytes.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 16 && ascii(4, 8) === 'ftyp') {
    // ISO-BMFF: AVIF names itself in the major brand or among the compatible brands of its ftyp box.
    const boxEnd = Math.min(bytes.readUInt32BE(0), bytes.length, 64);
    for (let at = 8; at + 4 <= boxEnd; at += 4) {
      if (at === 12) continue; // minor version
      if (ascii(at, at + 4) === 'avif' || ascii(at, at + 4) === 'avis') return 'avif';
    }
  }
  return null;
}

/** Names for what an upload looks like when it is refused, so the editor knows what they sent. */
function describeUnknown(bytes: Buffer): string {
  const head = bytes.toString('utf8', 0, Math.min(bytes.length, 512)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || head.startsWith('<?xml') && head.includes('<svg')) return 'an SVG drawing (SVG can carry scripts and is not accepted)';
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<')) return 'HTML or XML text';
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') return 'a HEIC/HEIF or video file (export it as JPEG)';
  if (head.startsWith('#!') || head.startsWith('<script')) return 'a script';
  if (bytes.subarray(0, 4).toString('latin1') === '%PDF') return 'a PDF document';
  return 'not a JPEG, PNG, WebP, AVIF or GIF image';
}

const ENCODERS: Record<Rendition['format'], (image: Sharp) => Sharp> = {
  // effort 2 of 9: a quarter of the default's time for a few per cent more bytes, so a cold AVIF stays interactive.
  AVIF: (image) => image.avif({ quality: 52, effort: 2 }),
  WEBP: (image) => image.webp({ quality: 78, effort: 4 }),
  JPEG: (image) => image.flatten({ background: '#ffffff' }).jpeg({ quality: 80, progressive: true, mozjpeg: true }),
};

/**
 * sharp (libvips) for everything, behind one bounded queue. Untrusted bytes are only ever decoded after their type
 * (by magic bytes) and their pixel count (from the header) have passed; what is stored carries no metadata.
 */
export class ImagePipeline {
  private readonly queue: WorkQueue;

  /** Where uploads are checked and cleaned: off the event loop that answers readers, when the compiled worker is there. */
  private readonly threads: IngestThreads | null;

  constructor(readonly limits: PipelineLimits) {
    this.queue = new WorkQueue(limits.concurrency);
    this.threads = IngestThreads.available() ? new IngestThreads(limits.concurrency) : null;
    // One libvips thread per job: the queue, not libvips, decides how many cores image work takes.
    sharp.concurrency(1);
    // The operation cache helps repeated work on one file, which renditions of different images are not; it only costs memory.
    sharp.cache(false);
  }

  /** Whether uploads are ingested on threads of their own (false under ts-jest, which runs the TypeScript sources). */
  get threaded(): boolean {
    return this.threads !== null;
  }

  stop(): Promise<void> {
    return this.threads?.stop() ?? Promise.resolve();
  }

  /** Jobs running or waiting. */
  get pending(): number {
    return this.queue.size;
  }

  async ingest(bytes: Buffer): Promise<IngestedImage> {
    const format = this.admit(bytes, bytes.length);
    return this.queue.run(() => {
      if (this.threads) return this.threads.ingest(bytes, format, this.limits.maxPixels);
      lowerImageThreadPriority();
      return ingestImage(bytes, format, this.limits.maxPixels);
    });
  }

  /**
   * An upload spooled to `file` (`head` its first bytes), its stored original written to `output`: the megabytes are
   * read and written on the ingest thread, never held by the event loop.
   */
  async ingestFile(file: string, size: number, head: Buffer, output: string): Promise<IngestedFile> {
    const format = this.admit(head, size);
    return this.queue.run(() => {
      if (this.threads) return this.threads.ingestFile(file, output, format, this.limits.maxPixels);
      lowerImageThreadPriority();
      return ingestImageFile(file, output, format, this.limits.maxPixels);
    });
  }

  /** The checks made before any image work: size, and type by the first bytes. */
  private admit(head: Buffer, size: number): SourceFormat {
    if (size === 0) throw new ImageInputError('The file is empty.');
    if (size > this.limits.maxBytes) {
      throw new ImageInputError(`The file is ${size} bytes; the limit is ${this.limits.maxBytes} (MEDIA_MAX_UPLOAD_BYTES).`);
    }
    const format = sniffImageFormat(head);
    if (!format) throw new ImageInputError(`The file is ${describeUnknown(head)}; upload a JPEG, PNG, WebP, AVIF or GIF picture.`);
    return format;
  }

  /** Draws one rendition from a stored original (trusted: it was checked on upload). */
  render(original: Buffer, rendition: Pick<Rendition, 'region' | 'width' | 'height' | 'format'>, originalSize: { width: number; height: number }): Promise<Buffer> {
    return this.queue.run(() => {
      lowerImageThreadPriority();
      const { region, width, height } = rendition;
      // Resize first and cut after, so JPEG originals decode at a reduced scale (shrink-on-load).
      const scale = width / region.width;
      const scaledWidth = Math.max(width, Math.round(originalSize.width * scale));
      const scaledHeight = Math.max(height, Math.round(originalSize.height * scale));
      let image = sharp(original, { failOn: 'none', limitInputPixels: false }).resize(scaledWidth, scaledHeight, { fit: 'fill' });
      const whole = region.left === 0 && region.top === 0 && region.width === originalSize.width && region.height === originalSize.height;
      if (!whole) {
        image = image.extract({
          left: Math.min(Math.round(region.left * scale), scaledWidth - width),
          top: Math.min(Math.round(region.top * scale), scaledHeight - height),
          width,
          height,
        });
      }
      return ENCODERS[rendition.format](image).toBuffer();
    });
  }
}

/**
 * Checks and cleans one upload whose format was sniffed: header, pixel limit, upright sRGB original without metadata,
 * placeholders. Runs on an ingest thread (./ingest-threads.ts), or in the calling thread where there is none.
 */
export async function ingestImage(bytes: Buffer, format: SourceFormat, maxPixels: number): Promise<IngestedImage> {
  const options: SharpOptions = { failOn: 'warning', limitInputPixels: maxPixels };
  let header: sharp.Metadata;
  try {
    header = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw new ImageInputError(`The file starts like a ${format.toUpperCase()} image but its header cannot be read: it is corrupt or truncated.`);
  }
  if (header.format !== format && !(format === 'avif' && header.format === 'heif')) {
    throw new ImageInputError(`The file starts like a ${format.toUpperCase()} image but is not one.`);
  }
  const pixels = (header.width ?? 0) * (header.height ?? 0);
  if (!pixels) throw new ImageInputError('The picture has no size in its header: it is corrupt.');
  if (pixels > maxPixels) {
    throw new ImageInputError(`The picture is ${header.width} × ${header.height} pixels; the limit is ${maxPixels} pixels (MEDIA_MAX_PIXELS).`);
  }
  const animated = (header.pages ?? 1) > 1;
  let original: Buffer;
  let originalType: IngestedImage['originalType'];
  try {
    const lossless = format === 'jpeg' && header.channels === 3 && header.space === 'srgb' && !header.icc && (header.orientation ?? 1) === 1
      ? stripJpegMetadata(bytes) : null;
    if (lossless) [original, originalType] = [lossless, 'image/jpeg'];
    else {
      // The default output of sharp keeps no metadata and converts to sRGB; autoOrient turns the pixels upright.
      const image = sharp(bytes, options).autoOrient();
      [original, originalType] = header.hasAlpha
        ? [await image.png({ compressionLevel: 6 }).toBuffer(), 'image/png']
        : [await image.jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toBuffer(), 'image/jpeg'];
    }
    // Decoding the stored original whole (at a small scale) proves it is complete, and gives the placeholders.
    const { data, info } = await sharp(original, options).resize(32, 32, { fit: 'inside' }).ensureAlpha().raw()
      .toBuffer({ resolveWithObject: true });
    const placeholder = sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } });
    const { dominant } = await placeholder.stats();
    const [cx, cy] = info.width >= info.height ? [4, 3] : [3, 4];
    const oriented = await sharp(original).metadata();
    return {
      original,
      originalBytes: original.length,
      originalType,
      originalHash: crypto.createHash('sha256').update(original).digest('base64url'),
      width: oriented.width!,
      height: oriented.height!,
      sourceFormat: format,
      animated,
      blurhash: encodeBlurhash(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height, cx, cy),
      dominantColor: `#${[dominant.r, dominant.g, dominant.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`,
    };
  } catch (error) {
    if (error instanceof ImageInputError) throw error;
    throw new ImageInputError(`The ${format.toUpperCase()} picture cannot be decoded: it is corrupt or truncated (${firstLine(error)}).`);
  }
}

/** ingestImage from a file to a file (what an ingest thread does with a spooled upload). */
export async function ingestImageFile(file: string, output: string, format: SourceFormat, maxPixels: number): Promise<IngestedFile> {
  const { original, ...facts } = await ingestImage(await fs.promises.readFile(file), format, maxPixels);
  await fs.promises.writeFile(output, original);
  return { ...facts, originalFile: output };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
}
