import type { Lang } from '../../shared/languages';
import type { BodyBlock } from '../article/article.row';

/** A row of `live_coverage`: an article's live blog; it is live from `startedAt` until `endedAt`. */
export interface LiveCoverageRow {
  articleId: number;
  startedAt: Date;
  endedAt: Date | null;
  lastPostedAt: Date;
}

/** A row of `live_entry` as reads select it (LIVE_ENTRY_COLUMNS), with its article's language (alt texts follow it). */
export interface LiveEntryRow {
  id: number;
  articleId: number;
  title: string | null;
  body: BodyBlock[];
  isKeyEvent: boolean;
  isPinned: boolean;
  authorName: string | null;
  version: number;
  postedAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  lang: Lang;
  /** Microseconds since the epoch (bigint as text): the keyset position, which a JS Date would round. */
  postedUs: string;
}

/** A row of `live_entry_correction`: a public note saying what was corrected in an entry. */
export interface LiveEntryCorrectionRow {
  entryId: number;
  note: string;
  createdAt: Date;
}
