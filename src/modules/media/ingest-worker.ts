import { parentPort } from 'node:worker_threads';
import { ingestImage, ingestImageFile, type SourceFormat } from './image-pipeline';
import { ImageInputError } from './image-input-error';
import { lowerImageThreadPriority, lowerThisThreadPriority } from './image-threads';

/** One ingest thread (./ingest-threads.ts): a job at a time (bytes, or a file to a file), its answer or its refusal posted back. */
export type IngestJob = ({ bytes: Uint8Array } | { file: string; output: string }) & {
  format: SourceFormat;
  maxPixels: number;
};

export type IngestAnswer =
  | { image: import('./image-pipeline').IngestedImage | import('./image-pipeline').IngestedFile }
  | { refused: string }
  | { failed: string };

lowerThisThreadPriority();

parentPort?.on('message', async (job: IngestJob) => {
  const { format, maxPixels } = job;
  let answer: IngestAnswer;
  try {
    lowerImageThreadPriority();
    answer = { image: 'file' in job ? await ingestImageFile(job.file, job.output, format, maxPixels)
      : await ingestImage(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), format, maxPixels) };
  } catch (error) {
    answer = error instanceof ImageInputError ? { refused: error.message } : { failed: (error as Error)?.stack ?? String(error) };
  }
  parentPort!.postMessage(answer);
});
