import { Field, ObjectType } from 'type-graphql';
import { Node } from '../../shared/node';
import { toGlobalId } from '../../shared/global-id';
import type { CategoryRow } from './category.row';

@ObjectType('Category', { implements: Node, simpleResolvers: true, description: 'A newsroom section (politics, culture, sport…).' })
export class CategoryType extends Node {
  @Field({ description: 'URL slug, e.g. "politique".' })
  slug: string;

  @Field({ description: 'Arabic name, e.g. "سياسة".' })
  nameAr: string;

  @Field({ description: 'French name, e.g. "Politique".' })
  nameFr: string;

  dbId: number;

  static from(row: CategoryRow): CategoryType {
    return Object.assign(new CategoryType(), {
      id: toGlobalId('Category', row.id), dbId: row.id, slug: row.slug, nameAr: row.nameAr, nameFr: row.nameFr,
    });
  }
}
