import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';

/** A stored file opened for sending: its size and its bytes as a stream. */
export interface StoredFile {
  size: number;
  body: Readable;
}

/**
 * Where originals and renditions live, by key (`originals/12/<hash>.jpg`, `renditions/12/16x9-1024-<sig>.webp`).
 * Keys are written whole or not at all: a reader never sees half a file.
 */
export interface MediaStorage {
  readonly kind: 'local' | 's3';
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Stores the `size` bytes of a local file under `key` (the file may be moved: it is the caller's to remove after). */
  putFile(key: string, file: string, size: number, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  open(key: string): Promise<StoredFile | null>;
  /** Removes every key under a prefix (an image's renditions); returns how many went. */
  deletePrefix(prefix: string): Promise<number>;
  /** Fails when the store cannot be reached, so an instance does not start without it. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

function checkedKey(key: string): string {
  if (!SAFE_KEY.test(key) || key.includes('..') || key.includes('//')) throw new Error(`not a media key: ${key}`);
  return key;
}

/** Files under DATA_DIR/media: what `npm start` uses, with nothing to set up. */
export class LocalMediaStorage implements MediaStorage {
  readonly kind = 'local';

  constructor(readonly root: string) {}

  private file(key: string): string {
    return path.join(this.root, checkedKey(key));
  }

  async put(key: string, body: Buffer): Promise<void> {
    await this.placed(key, (temporary) => fs.promises.writeFile(temporary, body));
  }

  async putFile(key: string, file: string): Promise<void> {
    // The spool folder is under the store's root: a rename. On another file system, a copy placed as put places a file.
    await this.placed(key, (temporary) => fs.promises.copyFile(file, temporary), file);
  }

  /**
   * Written aside and renamed into place: rename is atomic, so readers see the old state or the whole file. `from`, a
   * finished file, is renamed into place directly when it is on the same file system.
   */
  private async placed(key: string, writeAside: (temporary: string) => Promise<void>, from?: string): Promise<void> {
    const file = this.file(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    if (from !== undefined) {
      const moved = await fs.promises.rename(from, file).then(() => true, (error: NodeJS.ErrnoException) => {
        if (error.code === 'EXDEV') return false;
        throw error;
      });
      if (moved) return;
    }
    const temporary = `${file}.${crypto.randomBytes(6).toString('hex')}.part`;
    try {
      await writeAside(temporary);
      await fs.promises.rename(temporary, file);
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.promises.readFile(this.file(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async open(key: string): Promise<StoredFile | null> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.file(key), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      return { size, body: handle.createReadStream() };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    const dir = this.file(prefix.replace(/\/$/, ''));
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    await fs.promises.rm(dir, { recursive: true, force: true });
    return names.filter((name) => !name.endsWith('.part')).length;
  }

  async check(): Promise<void> {
    await fs.promises.mkdir(this.root, { recursive: true });
    await fs.promises.access(this.root, fs.constants.W_OK);
  }

  async stop(): Promise<void> {}
}

export interface S3Settings {
  bucket: string;
  /** For S3-compatible stores (MinIO, R2, Garage…); AWS itself needs none. */
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `http://host:port/bucket/key` instead of `http://bucket.host:port/key`: what most S3-compatible stores want. */
  forcePathStyle: boolean;
  /** Prepended to every key, so one bucket can hold several deployments. */
  prefix: string;
}

/** Any S3-compatible store, shared by every instance: what lets several instances serve the same pictures. */
export class S3MediaStorage implements MediaStorage {
  readonly kind = 's3';
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
      // Checksums only where S3 requires them: S3-compatible stores do not all know the newer CRC headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  private key(key: string): string {
    return `${this.settings.prefix}${checkedKey(key)}`;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key), Body: body, ContentType: contentType }));
  }

  async putFile(key: string, file: string, _size: number, contentType: string): Promise<void> {
    // Read whole for the PUT: the SDK's retries resend the body, which a consumed file stream could not be.
    await this.put(key, await fs.promises.readFile(file), contentType);
  }

  async get(key: string): Promise<Buffer | null> {
    const object = await this.getObject(key);
    return object ? Buffer.from(await object.Body!.transformToByteArray()) : null;
  }

  async open(key: string): Promise<StoredFile | null> {
    const object = await this.getObject(key);
    return object ? { size: Number(object.ContentLength), body: object.Body as Readable } : null;
  }

  private async getObject(key: string) {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }));
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: this.key(prefix), ContinuationToken: token }));
      const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
      if (keys.length > 0) {
        await this.client.send(new DeleteObjectsCommand({ Bucket: this.settings.bucket, Delete: { Objects: keys, Quiet: true } }));
        deleted += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (error) {
      throw new Error(`the media bucket "${this.settings.bucket}" cannot be reached (${(error as Error).name}: ${(error as Error).message})`);
    }
  }

  async stop(): Promise<void> {
    this.client.destroy();
  }
}
