import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArticleStatus } from './article.type';
import { ArticleBlockType, ShownBlock, shownBlocks } from './article.blocks';
import type {
  ArticleCorrectionRow, ArticleRevisionRow, ArticleStatus as ArticleStatusValue, CorrectionKind as CorrectionKindValue,
  RevisionAction as RevisionActionValue,
} from './article.row';

export enum RevisionAction {
  IMPORTED = 'IMPORTED',
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  PUBLISHED = 'PUBLISHED',
  SCHEDULED = 'SCHEDULED',
  UNPUBLISHED = 'UNPUBLISHED',
  ARCHIVED = 'ARCHIVED',
  CORRECTED = 'CORRECTED',
  RETRACTED = 'RETRACTED',
  RESTORED = 'RESTORED',
}
registerEnumType(RevisionAction, {
  name: 'RevisionAction',
  description: 'What a saved change did.',
  valuesConfig: {
    IMPORTED: { description: 'The state found before the first recorded change (seeded or imported content).' },
    CREATED: { description: 'The article was created as a draft.' },
    UPDATED: { description: 'Its content was edited.' },
    PUBLISHED: { description: 'It went public (by an editor, or by the scheduler at its time).' },
    SCHEDULED: { description: 'It was scheduled for automatic publication.' },
    UNPUBLISHED: { description: 'It was taken back to draft.' },
    ARCHIVED: { description: 'It was archived.' },
    CORRECTED: { description: 'It was corrected with a public note.' },
    RETRACTED: { description: 'It was retracted with a public note.' },
    RESTORED: { description: 'Its content was restored from an earlier version.' },
  },
});

export enum CorrectionKind {
  CORRECTION = 'CORRECTION',
  RETRACTION = 'RETRACTION',
}
registerEnumType(CorrectionKind, {
  name: 'CorrectionKind',
  description: 'Kind of public editorial notice.',
  valuesConfig: {
    CORRECTION: { description: 'The article was corrected; the note says what changed.' },
    RETRACTION: { description: 'The newsroom withdrew the article; the note says why.' },
  },
});

@ObjectType('ArticleCorrection', { description: 'A public correction or retraction notice on an article.' })
export class ArticleCorrectionType {
  @Field(() => CorrectionKind, { description: 'Correction or retraction.' })
  kind: CorrectionKindValue;

  @Field({ description: 'The public note (plain text).' })
  note: string;

  @Field(() => Date, { description: 'When the notice was published.' })
  at: Date;

  static from(row: ArticleCorrectionRow): ArticleCorrectionType {
    return Object.assign(new ArticleCorrectionType(), { kind: row.kind, note: row.note, at: row.createdAt });
  }
}

@ObjectType('ArticleRevision', { description: 'One saved version of an article (editors only): who, when, what changed, and the content then.' })
export class ArticleRevisionType {
  @Field(() => Int, { description: 'The article version this change produced.' })
  version: number;

  @Field(() => RevisionAction, { description: 'What the change did.' })
  action: RevisionActionValue;

  @Field(() => String, { nullable: true, description: 'Name of the editor who saved it ("scheduler" for automatic publication; null when unknown).' })
  authorName: string | null;

  @Field(() => Date, { description: 'When it was saved.' })
  createdAt: Date;

  @Field(() => [String], { description: 'Names of the fields this change modified, e.g. ["title", "body"].' })
  changedFields: string[];

  @Field({ description: 'Headline at this version.' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Kicker at this version.' })
  kicker: string | null;

  @Field(() => String, { nullable: true, description: 'Standfirst at this version.' })
  summary: string | null;

  @Field(() => [ArticleBlockType], { description: 'Body at this version.' })
  body: ShownBlock[];

  @Field(() => [String], { description: 'Tags at this version.' })
  tags: string[];

  @Field(() => [String], { description: 'Region codes at this version.' })
  regionCodes: string[];

  @Field(() => ArticleStatus, { description: 'Workflow status at this version.' })
  status: ArticleStatusValue;

  @Field(() => Date, { nullable: true, description: 'Publication time at this version.' })
  publishedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Internal editor note at this version.' })
  editorNote: string | null;

  static from(row: ArticleRevisionRow): ArticleRevisionType {
    const s = row.snapshot;
    return Object.assign(new ArticleRevisionType(), {
      version: row.version,
      action: row.action,
      authorName: row.authorName,
      createdAt: row.createdAt,
      changedFields: row.changedFields,
      title: s.title,
      kicker: s.kicker,
      summary: s.summary,
      body: shownBlocks(s.body),
      tags: s.tags,
      regionCodes: s.regionCodes,
      status: s.status,
      publishedAt: s.publishedAt === null ? null : new Date(s.publishedAt),
      editorNote: s.editorNote,
    });
  }
}
