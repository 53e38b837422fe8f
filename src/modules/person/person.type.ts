import { Field, ObjectType } from 'type-graphql';
import { Node } from '../../shared/node';
import { toGlobalId } from '../../shared/global-id';
import { connectionTypes } from '../../shared/relay';
import type { PersonRow } from './person.row';

@ObjectType('Person', { implements: Node, simpleResolvers: true, description: 'A person the newsroom writes about.' })
export class PersonType extends Node {
  @Field({ description: 'URL slug, e.g. "awatif-hayar".' })
  slug: string;

  @Field({ description: 'Name in Arabic, e.g. "عواطف حيار".' })
  nameAr: string;

  @Field(() => String, { nullable: true, description: 'Name in French/Latin spelling, e.g. "Aawatif Hayar".' })
  nameLatin: string | null;

  @Field(() => [String], { description: 'Other spellings and names this person is known by, in any script (e.g. "Aouatif Hayar", "حيار"), maintained by editors: search finds them, and articles naming them in the other script, by these.' })
  aliases: string[];

  @Field(() => String, { nullable: true, description: 'Role or title in Arabic, e.g. "وزيرة التضامن والإدماج الاجتماعي والأسرة".' })
  roleAr: string | null;

  @Field(() => String, { nullable: true, description: 'Role or title in French.' })
  roleFr: string | null;

  @Field(() => String, { nullable: true, description: 'Short biography.' })
  bio: string | null;

  dbId: number;
  portraitId: number | null;

  static from(row: PersonRow): PersonType {
    const person = new PersonType();
    person.id = toGlobalId('Person', row.id);
    person.dbId = row.id;
    person.slug = row.slug;
    person.nameAr = row.nameAr;
    person.nameLatin = row.nameLatin;
    person.aliases = row.aliases;
    person.roleAr = row.roleAr;
    person.roleFr = row.roleFr;
    person.bio = row.bio;
    person.portraitId = row.portraitId ?? null;
    return person;
  }
}

const { ConnectionBase } = connectionTypes(PersonType, 'Person', 'person');

@ObjectType('PersonConnection', { description: 'A page of people (Relay connection).' })
export class PersonConnection extends ConnectionBase {}
