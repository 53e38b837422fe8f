import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildKhabarSchema, printKhabarSchema } from '../src/server/schema';

/** Writes schema.graphql from the code; `npm run build` runs it and a test fails when the committed file drifts. */
buildKhabarSchema().then((schema) => {
  fs.writeFileSync(path.resolve(__dirname, '../../schema.graphql'), printKhabarSchema(schema));
});
