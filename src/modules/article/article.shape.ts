import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { Fields } from '../../db/projection';
import { selectedFields } from '../../shared/lookahead';
import { articleRegionsJson } from '../region/region.service';
import { articlePeopleJson } from '../person/person.service';
import { articleCategoryJson } from '../category/category.service';

/**
 * What an operation shows of the articles a statement reads: their fields, and the fields of each relation it shows,
 * which the statement then reads too (a page with its regions, people and section is one statement). A relation not
 * shown (null) is not read; should a resolver still want it, its per-request loader reads it.
 */
export interface ArticleShape {
  fields: Fields;
  regions: Fields | null;
  /** The fields of the regions' parents, read with the regions. */
  regionParents: Fields | null;
  people: Fields | null;
  category: Fields | null;
}

// A parsed operation is cached and reused by Apollo, so a field's node stands for its selection: one walk per operation.
const articleShapes = new WeakMap<FieldNode, ArticleShape>();
const pageShapes = new WeakMap<FieldNode, ArticleShape>();

/** What the operation selects of the article resolved. */
export function shapeAt(info: GraphQLResolveInfo): ArticleShape {
  return remembered(articleShapes, info, []);
}

/** What the operation selects of the articles of a connection's page (`edges { node }`). */
export function pageShape(info: GraphQLResolveInfo): ArticleShape {
  return remembered(pageShapes, info, ['edges', 'node']);
}

function remembered(shapes: WeakMap<FieldNode, ArticleShape>, info: GraphQLResolveInfo, path: readonly string[]): ArticleShape {
  let shape = shapes.get(info.fieldNodes[0]);
  if (!shape) {
    shape = {
      fields: selectedFields(info, path) ?? [],
      regions: selectedFields(info, [...path, 'regions']),
      regionParents: selectedFields(info, [...path, 'regions', 'parent']),
      people: selectedFields(info, [...path, 'people']),
      category: selectedFields(info, [...path, 'category']),
    };
    shapes.set(info.fieldNodes[0], shape);
  }
  return shape;
}

/** Select-list columns of the article `a` (a leading comma included): each relation shown, as JSON rows. */
export function relationColumns(shape: ArticleShape): string {
  return (shape.regions ? `, ${articleRegionsJson(shape.regions, shape.regionParents)} AS regions` : '')
    + (shape.people ? `, ${articlePeopleJson(shape.people)} AS people` : '')
    + (shape.category ? `, ${articleCategoryJson(shape.category)} AS category` : '');
}
