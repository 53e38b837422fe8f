import { DataSource, Logger } from 'typeorm';
import { requestScope } from './request-scope';
import { ArticleEntity, ArticlePersonEntity, ArticleRegionEntity } from '../modules/article/article.entity';
import { CategoryEntity } from '../modules/category/category.entity';
import { PersonEntity } from '../modules/person/person.entity';
import { RegionEntity } from '../modules/region/region.entity';
import { TickerEntity } from '../modules/ticker/ticker.entity';
import { migrations } from './migrations';

/** Counts every statement into the current request's scope; TypeORM calls logQuery for each one. */
class StatementCounter implements Logger {
  logQuery(): void {
    const scope = requestScope.getStore();
    if (scope) scope.sqlStatements += 1;
  }
  logQueryError(error: string | Error, query: string): void {
    if (process.env.KHABAR_LOG_SQL_ERRORS) process.stderr.write(`SQL error: ${String(error)} in ${query}\n`);
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export const entities = [
  RegionEntity,
  PersonEntity,
  CategoryEntity,
  ArticleEntity,
  ArticlePersonEntity,
  ArticleRegionEntity,
  TickerEntity,
];

export function makeDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logger: new StatementCounter(),
    extra: { max: poolSize, application_name: 'khabar' },
  });
}
