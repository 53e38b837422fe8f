import { DataSource } from 'typeorm';
import {
  ArticleCorrectionEntity, ArticleEntity, ArticlePersonEntity, ArticleRegionEntity, ArticleRevisionEntity,
} from '../modules/article/article.entity';
import { CategoryEntity } from '../modules/category/category.entity';
import { PersonEntity } from '../modules/person/person.entity';
import { RegionEntity } from '../modules/region/region.entity';
import { TickerEntity } from '../modules/ticker/ticker.entity';
import { migrations } from './migrations';

export const entities = [
  RegionEntity,
  PersonEntity,
  CategoryEntity,
  ArticleEntity,
  ArticlePersonEntity,
  ArticleRegionEntity,
  ArticleRevisionEntity,
  ArticleCorrectionEntity,
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
    logging: false,
    extra: { max: poolSize, application_name: 'khabar' },
  });
}
