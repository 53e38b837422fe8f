import { parentPort } from 'node:worker_threads';
import { ingestImage, type SourceFormat } from './image-pipeline';
import { ImageInputError } from './image-input-error';
import { lowerImageThreadPriority, lowerThisThreadPriority } from './image-threads';

/** One ingest thread (./ingest-threads.ts): a job at a time, its answer or its refusal posted back. */
export interface IngestJob {
  bytes: Uint8Array;
  format: SourceFormat;
  maxPixels: number;
}

export type IngestAnswer =
  | { image: import('./image-pipeline').IngestedImage }
  | { refused: string }
  | { failed: string };

lowerThisThreadPriority();

parentPort?.on('message', async ({ bytes, format, maxPixels }: IngestJob) => {
  let answer: IngestAnswer;
  try {
    lowerImageThreadPriority();
    answer = { image: await ingestImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), format, maxPixels) };
  } catch (error) {
    answer = error instanceof ImageInputError ? { refused: error.message } : { failed: (error as Error)?.stack ?? String(error) };
  }
  parentPort!.postMessage(answer);
});
