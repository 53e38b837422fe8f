import type { MediaConfig } from '../../config';
import { ImagePipeline, IngestedImage } from './image-pipeline';
import { LocalMediaStorage, MediaStorage, S3MediaStorage } from './media-storage';
import { RenditionCache } from './rendition-cache';
import { FORMAT_EXTENSIONS, FORMAT_MEDIA_TYPES, Rendition, RenditionSource, renditionFor, renditionPath, RATIO_SLUGS } from './image-renditions';

/** Where an image's files live in the store. */
export const mediaKeys = {
  original: (imageId: number, hash: string, type: string) => `originals/${imageId}/${hash}.${type === 'image/png' ? 'png' : 'jpg'}`,
  renditions: (imageId: number) => `renditions/${imageId}/`,
  rendition: (imageId: number, r: Pick<Rendition, 'ratio' | 'width' | 'signature' | 'format'>) =>
    `renditions/${imageId}/${RATIO_SLUGS[r.ratio]}-${r.width}-${r.signature}.${FORMAT_EXTENSIONS[r.format]}`,
};

/**
 * The pictures of one instance: the pipeline (bounded), the store (local or S3), and the public base of rendition URLs.
 * Started by the composition root; every start returns its stop.
 */
export class MediaLibrary {
  /** Renditions served from memory (MEDIA_CACHE_MB): no file or bucket read for the hottest pictures. */
  readonly cache: RenditionCache;

  private constructor(readonly pipeline: ImagePipeline, readonly storage: MediaStorage, readonly publicUrl: string, cacheBytes: number) {
    this.cache = new RenditionCache(cacheBytes);
  }

  static async start(config: MediaConfig): Promise<MediaLibrary> {
    const storage = config.storage === 's3' ? new S3MediaStorage(config.s3) : new LocalMediaStorage(config.localDir);
    try {
      await storage.check();
    } catch (error) {
      await storage.stop();
      throw new Error(`media storage (${config.storage}) is not usable: ${(error as Error).message}`);
    }
    const pipeline = new ImagePipeline({ maxBytes: config.maxUploadBytes, maxPixels: config.maxPixels, concurrency: config.concurrency });
    return new MediaLibrary(pipeline, storage, config.publicUrl, config.cacheBytes);
  }

  /** Checks and cleans an upload (nothing is stored when it is refused). */
  ingest(bytes: Buffer): Promise<IngestedImage> {
    return this.pipeline.ingest(bytes);
  }

  async storeOriginal(imageId: number, image: IngestedImage): Promise<string> {
    const key = mediaKeys.original(imageId, image.originalHash, image.originalType);
    await this.storage.put(key, image.original, image.originalType);
    return key;
  }

  url(imageId: number, source: RenditionSource, spec: { ratio: Rendition['ratio']; width?: number | null; format: Rendition['format'] }): string {
    return `${this.publicUrl}${renditionPath(imageId, renditionFor(source, spec))}`;
  }

  /** Draws a rendition from the stored original, stores it, and returns its bytes. */
  async render(imageId: number, originalKey: string, source: RenditionSource, rendition: Rendition): Promise<Buffer> {
    const original = await this.storage.get(originalKey);
    if (!original) throw new Error(`the original of image ${imageId} is missing from the media store (${originalKey})`);
    const file = await this.pipeline.render(original, rendition, source);
    await this.storage.put(mediaKeys.rendition(imageId, rendition), file, FORMAT_MEDIA_TYPES[rendition.format]);
    return file;
  }

  async stop(): Promise<void> {
    await this.pipeline.stop();
    await this.storage.stop();
  }
}
