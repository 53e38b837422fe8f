import 'reflect-metadata';
import { loadConfig } from './src/config';
import { makeDataSource } from './src/db/data-source';

/**
 * The DataSource for the TypeORM CLI (`npx typeorm -d dist/ormconfig.js migration:show`).
 * Without DATABASE_URL it targets the embedded database that `npm start` runs.
 */
const config = loadConfig();
export default makeDataSource(
  config.databaseUrl ?? `postgres://khabar:khabar@127.0.0.1:${config.embeddedPgPort}/khabar`,
);
