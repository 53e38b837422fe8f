import type { FieldNode } from 'graphql';
import type { Fields } from '../../db/projection';
import { FieldSelection, selectedFields } from '../../shared/lookahead';
import { REGION } from '../region/region.service';
import { PERSON } from '../person/person.service';
import { CATEGORY } from '../category/category.service';

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
export function shapeAt(info: FieldSelection): ArticleShape {
  return remembered(articleShapes, info, []);
}

/** What the operation selects of the articles of a connection's page (`edges { node }`). */
export function pageShape(info: FieldSelection): ArticleShape {
  return remembered(pageShapes, info, ['edges', 'node']);
}

function remembered(shapes: WeakMap<FieldNode, ArticleShape>, info: FieldSelection, path: readonly string[]): ArticleShape {
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

/**
 * What a statement derives from a shape (its select list, its text), derived once: a shape is made once per operation,
 * and a statement's text rebuilt for each request was then hashed again to find its prepared statement.
 */
export function perShape<T>(derive: (shape: ArticleShape) => T): (shape: ArticleShape) => T {
  const derived = new WeakMap<ArticleShape, T>();
  return (shape) => {
    let value = derived.get(shape);
    if (value === undefined) derived.set(shape, (value = derive(shape)));
    return value;
  };
}

/** Select-list columns of the article `a` (a leading comma included): each relation shown, as JSON rows. */
export function relationColumns(shape: ArticleShape): string {
  return (shape.regions ? `, ${regionsJson(shape.regions, shape.regionParents)} AS regions` : '')
    + (shape.people ? `, ${peopleJson(shape.people)} AS people` : '')
    + (shape.category ? `, ${categoryJson(shape.category)} AS category` : '');
}

/**
 * The regions of the article `a`, in editorial order, as a JSON array of region rows with the fields shown, each with
 * its parent's row when that is shown. The parent is read as `r` too, the projection's alias: its code comes through
 * `up`, which the inner `r` does not hide.
 */
function regionsJson(fields: Fields, parentFields: Fields | null): string {
  const regions = 'FROM article_region ar JOIN region r ON r.code = ar.region_code';
  const ofArticle = 'WHERE ar.article_id = a.id';
  if (!parentFields) return REGION.jsonArray(fields, `${regions} ${ofArticle}`, 'ar.position');
  return REGION.jsonArray(fields, `${regions} CROSS JOIN LATERAL (VALUES (r.parent_code)) AS up(code) ${ofArticle}`, 'ar.position',
    [`'parent', (SELECT ${REGION.json(parentFields)} FROM region r WHERE r.code = up.code)`]);
}

/** The people the article `a` mentions, in editorial order, as a JSON array of person rows with the fields shown. */
function peopleJson(fields: Fields): string {
  return PERSON.jsonArray(fields, 'FROM article_person ap JOIN person p ON p.id = ap.person_id WHERE ap.article_id = a.id', 'ap.position');
}

/** The section of the article `a` as a JSON row with the fields shown, or null. */
function categoryJson(fields: Fields): string {
  return `(SELECT ${CATEGORY.json(fields)} FROM category c WHERE c.id = a.category_id)`;
}
