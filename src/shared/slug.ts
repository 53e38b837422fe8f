const TASHKEEL_AND_TATWEEL = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
const BIDI_CONTROLS = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
/** Media labels that headlines carry in parentheses: "(فيديو)", "(صور)", "(video)"… */
const MEDIA_LABEL = /[(\[]\s*(فيديو|فيديوهات|بالفيديو|صور|بالصور|مباشر|video|vidéo|photos?|live|direct)\s*[)\]]/giu;
const LATIN_DIACRITICS = /(?<=\p{Script=Latin})\p{M}+/gu;

export const MAX_SLUG_LENGTH = 60;

/**
 * URL slug that keeps Arabic and Tifinagh letters: NFC, no tashkeel/tatweel or media labels, runs of anything
 * but letters and digits become "-", cut on a word boundary at MAX_SLUG_LENGTH characters.
 */
export function slugify(text: string): string {
  const cleaned = text
    .normalize('NFC')
    .replace(MEDIA_LABEL, ' ')
    .replace(TASHKEEL_AND_TATWEEL, '')
    .replace(BIDI_CONTROLS, '')
    .normalize('NFD')
    .replace(LATIN_DIACRITICS, '')
    .normalize('NFC')
    .toLowerCase()
    // The Tifinagh consonant joiner (U+2D7F) is a mark inside a word, not punctuation.
    .replace(/[^\p{L}\p{N}\u2D7F]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return truncateOnWord(cleaned, MAX_SLUG_LENGTH);
}

function truncateOnWord(slug: string, max: number): string {
  const chars = Array.from(slug);
  if (chars.length <= max) return slug;
  const cut = chars.slice(0, max + 1).join('');
  const boundary = cut.lastIndexOf('-');
  return (boundary > 0 ? cut.slice(0, boundary) : chars.slice(0, max).join('')).replace(/-+$/, '');
}

/** A slug as received from a URL or a client: percent-encoded or raw, any normalization form. */
export function normalizeSlugInput(raw: string): string {
  let value = raw.trim();
  if (/%[0-9A-Fa-f]{2}/.test(value)) {
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not valid percent-encoding: look it up as typed.
    }
  }
  return value.normalize('NFC');
}

/** `base`, or `base-2`, `base-3`… whichever is free according to `taken`. */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  const root = base || 'article';
  if (!taken.has(root)) return root;
  for (let n = 2; ; n += 1) {
    const candidate = `${root}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
