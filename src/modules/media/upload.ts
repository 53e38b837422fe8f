import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError, GraphQLScalarType } from 'graphql';

/**
 * A file written to disk as it arrived: the event loop never holds it whole (a 12 MP photo is megabytes that would
 * outlive several young-generation collections and end in the old one, whose full collections stall readers).
 */
export interface SpooledUpload {
  file: string;
  size: number;
  /** Its first bytes (at most SPOOLED_HEAD_BYTES): enough to tell its type, or what it is when it is refused. */
  head: Buffer;
}

export const SPOOLED_HEAD_BYTES = 512;

/** A file sent with a GraphQL multipart request (spooled to disk), or handed over in memory (the demo pictures). */
export class UploadedFile {
  constructor(readonly filename: string, readonly mimeType: string, private readonly content: Buffer | SpooledUpload | null, private readonly problem: string | null) {}

  /** The file as received; rejects when the file was cut at the size limit. */
  async received(): Promise<Buffer | SpooledUpload> {
    if (this.problem !== null || this.content === null) throw new Error(this.problem ?? 'The file was not received.');
    return this.content;
  }
}

export const UploadScalar = new GraphQLScalarType({
  name: 'Upload',
  description: 'A file sent as a part of a GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec), as the upload links of Apollo Client and urql send it.',
  // Anything else stands for a missing file, which the mutation refuses (after its authorization check) on its `file` field.
  parseValue(value) {
    if (value instanceof UploadedFile) return value;
    return new UploadedFile('', '', null, 'The file must be sent as a part of a multipart request (the GraphQL multipart request spec), not in the JSON variables.');
  },
  parseLiteral() {
    throw new GraphQLError('Upload values come from the file parts of a multipart request, never from the query text.');
  },
  serialize() {
    throw new GraphQLError('Upload is an input type.');
  },
});

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).type('application/json').send(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** Sets `value` at a dotted path of the operations ("variables.file", "0.variables.files.1"); false when the path is not there. */
function place(operations: unknown, path: string, value: UploadedFile): boolean {
  const keys = path.split('.');
  let target = operations as Record<string, unknown> | undefined;
  for (const key of keys.slice(0, -1)) {
    target = target?.[key] as Record<string, unknown> | undefined;
    if (target === null || typeof target !== 'object') return false;
  }
  const last = keys[keys.length - 1];
  if (!target || !(last in target) || target[last] !== null) return false;
  target[last] = value;
  return true;
}

/**
 * The GraphQL multipart request spec on /graphql: `operations` (JSON), `map` (which file goes where), then the files.
 * Files are spooled into `spoolDir` up to `maxFileBytes` (one over it is kept as a refusal the mutation reports as
 * BAD_USER_INPUT) and removed when the response is over. Only requests with a bearer token are read at all: anonymous
 * clients cannot make us store files.
 */
export function multipartUploads(limits: { maxFileBytes: number; maxFiles: number; spoolDir: string }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
    if (!/^Bearer\s+\S/i.test(req.headers.authorization ?? '')) {
      req.resume();
      return refuse(res, 401, 'UNAUTHENTICATED', 'Uploads need an editor token (Authorization: Bearer …).');
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 2, fieldSize: 1024 * 1024 } });
    } catch (error) {
      return refuse(res, 400, 'BAD_REQUEST', `Not a readable multipart request: ${(error as Error).message}.`);
    }
    let operations: unknown;
    let map: Record<string, string[]> | undefined;
    const files = new Map<string, UploadedFile>();
    const pending: Promise<void>[] = [];
    const spools: fs.WriteStream[] = [];
    let failure: string | null = null;
    // Whatever became of the request (answered, refused, cut off), its spooled files go with it.
    res.once('close', () => {
      for (const spool of spools) {
        // Removed once closed: a file still being opened when the request was cut off would appear after an earlier rm.
        const remove = () => fs.rm(spool.path, { force: true }, () => {});
        if (spool.closed) remove();
        else spool.once('close', remove).destroy();
      }
    });
    parser.on('field', (name, value) => {
      try {
        if (name === 'operations') operations = JSON.parse(value);
        else if (name === 'map') map = JSON.parse(value);
      } catch {
        failure ??= `The "${name}" part is not valid JSON.`;
      }
    });
    parser.on('file', (name, stream, info) => {
      if (!map || operations === undefined) {
        failure ??= 'The "operations" and "map" parts must come before the files.';
        stream.resume();
        return;
      }
      const spool = fs.createWriteStream(path.join(limits.spoolDir, `${crypto.randomUUID()}.upload`));
      spools.push(spool);
      let size = 0;
      let head = Buffer.alloc(0);
      stream.on('data', (chunk: Buffer) => {
        if (head.length < SPOOLED_HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, SPOOLED_HEAD_BYTES - head.length)]);
        size += chunk.length;
      });
      pending.push(pipeline(stream, spool).then(() => {
        const truncated = (stream as unknown as { truncated?: boolean }).truncated === true;
        files.set(name, new UploadedFile(info.filename ?? '', info.mimeType ?? '', truncated ? null : { file: String(spool.path), size, head },
          truncated ? `The file is over the upload limit of ${limits.maxFileBytes} bytes (MEDIA_MAX_UPLOAD_BYTES).` : null));
      }, (error: Error) => {
        failure ??= `The file "${name}" could not be received: ${error.message}.`;
      }));
    });
    parser.on('filesLimit', () => (failure ??= `At most ${limits.maxFiles} files per request.`));
    parser.on('error', (error: Error) => {
      failure ??= `Not a readable multipart request: ${error.message}.`;
    });
    parser.on('close', () => {
      void Promise.all(pending).then(() => {
        if (!failure && (operations === undefined || !map || typeof map !== 'object')) failure = 'A multipart request needs "operations" and "map" parts.';
        for (const [name, paths] of Object.entries(map ?? {})) {
          if (failure) break;
          const file = files.get(name);
          if (!file || !Array.isArray(paths)) failure = `The map names a file "${name}" that was not sent.`;
          else for (const at of paths) if (!place(operations, String(at), file)) failure ??= `The map points "${name}" at "${at}", which is not a null variable of the operations.`;
        }
        if (failure) return refuse(res, 400, 'BAD_REQUEST', failure);
        req.body = operations;
        next();
      });
    });
    req.pipe(parser);
  };
}
