/** A row of `person` as reads select it (PERSON in person.service.ts): a person the newsroom writes about. */
export interface PersonRow {
  id: number;
  slug: string;
  nameAr: string;
  nameLatin: string | null;
  aliases: string[];
  roleAr: string | null;
  roleFr: string | null;
  bio: string | null;
  /** Their portrait (Person.portrait, resolved by the media module). */
  portraitId?: number | null;
}
