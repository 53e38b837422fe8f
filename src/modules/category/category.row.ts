/** A row of `category` as reads select it (CATEGORY in category.service.ts): a newsroom section. */
export interface CategoryRow {
  id: number;
  slug: string;
  nameAr: string;
  nameFr: string;
}
