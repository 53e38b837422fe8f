import { IsIn } from 'class-validator';

/**
 * The languages an article may be written in: BCP 47 tags from one allow-list, each with its writing direction, and the
 * one place that says so (inputs validate against it, `Article.dir` derives from it, the article table's CHECK holds the
 * same list: migration Translations). `zgh` is Standard Moroccan Tamazight, written in Tifinagh, left to right.
 */
export const LANGUAGES = {
  ar: { dir: 'RTL', name: 'العربية' },
  fr: { dir: 'LTR', name: 'Français' },
  en: { dir: 'LTR', name: 'English' },
  zgh: { dir: 'LTR', name: 'ⵜⴰⵎⴰⵣⵉⵖⵜ' },
} as const;

export type Lang = keyof typeof LANGUAGES;
export const LANGS = Object.keys(LANGUAGES) as Lang[];

/** The allow-list as a sentence, for error messages and field descriptions: "ar", "fr", "en" or "zgh". */
export const LANGS_TEXT = `${LANGS.slice(0, -1).map((l) => `"${l}"`).join(', ')} or "${LANGS.at(-1)}"`;

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(LANGUAGES, value);
}

export function directionOf(lang: Lang): 'RTL' | 'LTR' {
  return LANGUAGES[lang].dir;
}

/** class-validator rule for an input field holding a language of the allow-list. */
export function IsLang(): PropertyDecorator {
  return IsIn(LANGS, { message: `lang must be ${LANGS_TEXT}` });
}
