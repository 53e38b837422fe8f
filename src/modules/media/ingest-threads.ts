import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ImageInputError } from './image-input-error';
import type { IngestedFile, IngestedImage, SourceFormat } from './image-pipeline';
import type { IngestAnswer, IngestJob } from './ingest-worker';

/**
 * Uploads are checked and cleaned on threads of their own: the JPEG scan, the hash of the original and the BlurHash
 * are JavaScript (10–15 ms of a 12 MP photo) that would otherwise run on the event loop answering readers. One thread
 * per slot of the pipeline's queue, started on first use; a thread that dies is replaced by the next job.
 */
export class IngestThreads {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly jobs = new Map<Worker, { resolve(answer: IngestAnswer): void; reject(error: Error): void }>();
  private stopped = false;

  constructor(private readonly size: number, private readonly file = IngestThreads.compiledWorker()) {}

  /** The worker's compiled file: beside this one in dist/, absent when the TypeScript sources run (ts-jest). */
  static compiledWorker(): string {
    return path.join(__dirname, 'ingest-worker.js');
  }

  static available(): boolean {
    return fs.existsSync(IngestThreads.compiledWorker());
  }

  /** An upload in memory (copied to the thread), its stored original sent back. */
  async ingest(bytes: Buffer, format: SourceFormat, maxPixels: number): Promise<IngestedImage> {
    // Copied, not transferred: the upload's buffer stays readable to whoever else holds it.
    const image = await this.run({ bytes, format, maxPixels }) as IngestedImage;
    // Structured cloning hands back a Uint8Array: the rest of Khabar reads a Buffer.
    return { ...image, original: Buffer.from(image.original.buffer, image.original.byteOffset, image.original.byteLength) };
  }

  /** An upload spooled to `file`, its stored original written to `output` by the thread: no megabytes cross threads. */
  ingestFile(file: string, output: string, format: SourceFormat, maxPixels: number): Promise<IngestedFile> {
    return this.run({ file, output, format, maxPixels }) as Promise<IngestedFile>;
  }

  /** The caller's queue allows at most `size` jobs at once, so a thread is always free or can be started. */
  private async run(job: IngestJob): Promise<IngestedImage | IngestedFile> {
    if (this.stopped) throw new Error('the ingest threads are stopped');
    const worker = this.idle.pop() ?? this.start();
    const answer = await new Promise<IngestAnswer>((resolve, reject) => {
      this.jobs.set(worker, { resolve, reject });
      worker.postMessage(job);
    });
    if (this.all.has(worker)) this.idle.push(worker);
    if ('refused' in answer) throw new ImageInputError(answer.refused);
    if ('failed' in answer) throw new Error(`ingesting an upload failed on its thread: ${answer.failed}`);
    return answer.image;
  }

  private start(): Worker {
    if (this.all.size >= this.size) throw new Error(`more than ${this.size} ingest jobs at once`);
    const worker = new Worker(this.file);
    worker.unref();
    this.all.add(worker);
    const settle = () => {
      const job = this.jobs.get(worker);
      this.jobs.delete(worker);
      return job;
    };
    worker.on('message', (answer: IngestAnswer) => settle()?.resolve(answer));
    // A thread that died takes its job with it; the next job starts another.
    const died = (reason: unknown) => {
      this.all.delete(worker);
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
      settle()?.reject(reason instanceof Error ? reason : new Error(`an ingest thread exited with code ${reason}`));
    };
    worker.on('error', died).on('exit', died);
    return worker;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
