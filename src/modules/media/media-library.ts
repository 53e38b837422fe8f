import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MediaConfig } from '../../config';
import { ImagePipeline, IngestedFile, IngestedImage } from './image-pipeline';
import { LocalMediaStorage, MediaStorage, S3MediaStorage } from './media-storage';
import { RenditionCache } from './rendition-cache';
import type { SpooledUpload } from './upload';
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

  /**
   * Where this instance's uploads are spooled as they arrive and their cleaned originals wait to be stored: a folder of
   * its own under DATA_DIR/media/.incoming (beside a local store, so storing is a rename), removed when it stops.
   */
  readonly spoolDir: string;

  private constructor(readonly pipeline: ImagePipeline, readonly storage: MediaStorage, readonly publicUrl: string, cacheBytes: number, spoolDir: string) {
    this.cache = new RenditionCache(cacheBytes);
    this.spoolDir = spoolDir;
  }

  static async start(config: MediaConfig): Promise<MediaLibrary> {
    const storage = config.storage === 's3' ? new S3MediaStorage(config.s3) : new LocalMediaStorage(config.localDir);
    try {
      await storage.check();
    } catch (error) {
      await storage.stop();
      throw new Error(`media storage (${config.storage}) is not usable: ${(error as Error).message}`);
    }
    const spoolDir = await startSpool(path.join(config.localDir, '.incoming'));
    const pipeline = new ImagePipeline({ maxBytes: config.maxUploadBytes, maxPixels: config.maxPixels, concurrency: config.concurrency });
    return new MediaLibrary(pipeline, storage, config.publicUrl, config.cacheBytes, spoolDir);
  }

  /** Checks and cleans an upload (nothing is stored when it is refused); a spooled one's original waits in a file. */
  ingest(upload: Buffer | SpooledUpload): Promise<IngestedImage | IngestedFile> {
    if (Buffer.isBuffer(upload)) return this.pipeline.ingest(upload);
    return this.pipeline.ingestFile(upload.file, upload.size, upload.head, path.join(this.spoolDir, `${crypto.randomUUID()}.original`));
  }

  async storeOriginal(imageId: number, image: IngestedImage | IngestedFile): Promise<string> {
    const key = mediaKeys.original(imageId, image.originalHash, image.originalType);
    if ('original' in image) await this.storage.put(key, image.original, image.originalType);
    else await this.storage.putFile(key, image.originalFile, image.originalBytes, image.originalType);
    return key;
  }

  /** Removes what an ingest left waiting (its original's file), stored or not. */
  async discard(image: IngestedImage | IngestedFile): Promise<void> {
    if ('originalFile' in image) await fs.promises.rm(image.originalFile, { force: true });
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
    await fs.promises.rm(this.spoolDir, { recursive: true, force: true });
  }
}

/** A spool folder of this instance's own under `root`; folders left a day ago by instances that died go first. */
async function startSpool(root: string): Promise<string> {
  await fs.promises.mkdir(root, { recursive: true });
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of await fs.promises.readdir(root)) {
    const stale = await fs.promises.stat(path.join(root, name)).then((stat) => stat.mtimeMs < dayAgo, () => false);
    if (stale) await fs.promises.rm(path.join(root, name), { recursive: true, force: true });
  }
  return fs.promises.mkdtemp(path.join(root, 'spool-'));
}
