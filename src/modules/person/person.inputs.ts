import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize } from 'class-validator';
import { IsPlainText } from '../../shared/plain-text';

@InputType('UpsertPersonInput', { description: 'A person, stored whole: fields left out are cleared.' })
export class UpsertPersonInput {
  @Field(() => String, { nullable: true, description: 'The person to replace; a new person (slug from the name, made unique) when omitted or unknown.' })
  @IsPlainText({ min: 1, max: 200 })
  slug?: string;

  @Field({ description: 'Name in Arabic, e.g. "عواطف حيار".' })
  @IsPlainText({ min: 1, max: 200 })
  nameAr: string;

  @Field(() => String, { nullable: true, description: 'Name in French/Latin spelling.' })
  @IsPlainText({ min: 0, max: 200 })
  nameLatin?: string | null;

  @Field(() => [String], { nullable: true, description: 'Other spellings and names (up to 20).' })
  @ArrayMaxSize(20)
  @IsPlainText({ min: 1, max: 200 }, { each: true })
  aliases?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Role or title in Arabic.' })
  @IsPlainText({ min: 0, max: 300 })
  roleAr?: string | null;

  @Field(() => String, { nullable: true, description: 'Role or title in French.' })
  @IsPlainText({ min: 0, max: 300 })
  roleFr?: string | null;

  @Field(() => String, { nullable: true, description: 'Short biography (plain text, up to 5000 characters).' })
  @IsPlainText({ min: 0, max: 5000, multiline: true })
  bio?: string | null;

  @Field(() => ID, { nullable: true, description: 'Their portrait (an Image id).' })
  portraitId?: string | null;
}
