import { Field, InputType } from 'type-graphql';
import { IsPlainText } from '../../shared/plain-text';

@InputType('UpsertCategoryInput', { description: 'A newsroom section, stored whole.' })
export class UpsertCategoryInput {
  @Field({ description: 'URL slug, e.g. "politique"; replaces the section with this slug when it exists.' })
  @IsPlainText({ min: 1, max: 100 })
  slug: string;

  @Field({ description: 'Arabic name, e.g. "سياسة".' })
  @IsPlainText({ min: 1, max: 100 })
  nameAr: string;

  @Field({ description: 'French name, e.g. "Politique".' })
  @IsPlainText({ min: 1, max: 100 })
  nameFr: string;
}
