import { LANGS } from '../../shared/languages';

/**
 * Translation groups, the SQL forms of their rules on `article a`. A group holds one article per language; a translation
 * remembers the article and the version it was made from (migration Translations).
 */

/** What a translation renders of its source: when one of these changed in a later version, the translation is behind. */
export const TRANSLATED_FIELDS = ['title', 'kicker', 'summary', 'body', 'category', 'leadImage', 'people', 'regions'] as const;

/** `Article.isStale`: null for an article that is no translation; true once a later revision of its source changed what it renders. */
export const IS_STALE_SQL = `CASE WHEN a.source_id IS NULL THEN NULL ELSE EXISTS (
    SELECT 1 FROM article_revision sr WHERE sr.article_id = a.source_id AND sr.version > a.source_version
      AND sr.changed_fields && ARRAY[${TRANSLATED_FIELDS.map((f) => `'${f}'`).join(', ')}]::text[]) END`;

/** The order members of a group are listed in: the allow-list's (ar, fr, en, zgh). */
export const LANG_ORDER_SQL = `array_position(ARRAY[${LANGS.map((l) => `'${l}'`).join(', ')}]::text[], a.lang)`;
