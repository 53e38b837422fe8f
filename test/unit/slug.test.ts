import { normalizeSlugInput, slugify, uniqueSlug, MAX_SLUG_LENGTH } from '../../src/shared/slug';

describe('slugify', () => {
  it('keeps Arabic letters, drops the media label and turns punctuation runs into one dash', () => {
    expect(slugify('دعت إلى اعتماد مخطط عمل اجتماعي مشترك.. حيار تعرض استراتيجية وزارتها للتشاور (فيديو)'))
      .toBe('دعت-إلى-اعتماد-مخطط-عمل-اجتماعي-مشترك-حيار-تعرض-استراتيجية');
  });

  it('keeps Tifinagh letters (Tamazight), the labialization mark and the consonant joiner included', () => {
    expect(slugify('ⵄⵡⴰⵟⵉⴼ ⵃⵉⵢⴰⵔ ⵜⵙⵙⴽⵏ ⵜⴰⵙⵜⵔⴰⵜⵉⵊⵉⵜ (ⴰⵎⵙⴰⵡⴰⵍ)')).toBe('ⵄⵡⴰⵟⵉⴼ-ⵃⵉⵢⴰⵔ-ⵜⵙⵙⴽⵏ-ⵜⴰⵙⵜⵔⴰⵜⵉⵊⵉⵜ-ⴰⵎⵙⴰⵡⴰⵍ');
    expect(slugify('ⴰⴳⵯⵍⵍⵉⴷ ⵜ\u2D7Fⵜ')).toBe('ⴰⴳⵯⵍⵍⵉⴷ-ⵜ\u2D7Fⵜ');
  });

  it('strips tashkeel, tatweel and bidi controls and normalizes to NFC', () => {
    expect(slugify('الْوَزِيـــرَةُ\u200F تَتَحَدَّثُ')).toBe('الوزيرة-تتحدث');
    expect(slugify('أ'.normalize('NFD'))).toBe('أ'.normalize('NFC'));
  });

  it('lower-cases Latin text and removes French accents', () => {
    expect(slugify('Rabat-Salé-Kénitra : « Jazzablanca » (vidéo)')).toBe('rabat-sale-kenitra-jazzablanca');
  });

  it('cuts long titles on a word boundary', () => {
    const slug = slugify('كلمة '.repeat(40));
    expect(Array.from(slug).length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug.endsWith('-')).toBe(false);
    expect(slug.split('-').every((word) => word === 'كلمة')).toBe(true);
  });

  it('suffixes a taken slug', () => {
    expect(uniqueSlug('خبر', new Set(['خبر', 'خبر-2']))).toBe('خبر-3');
    expect(uniqueSlug('', new Set())).toBe('article');
  });

  it('accepts percent-encoded and raw input alike', () => {
    const raw = 'حيار-تعرض';
    expect(normalizeSlugInput(encodeURIComponent(raw))).toBe(raw);
    expect(normalizeSlugInput(raw)).toBe(raw);
    expect(normalizeSlugInput('%E0%A4%A')).toBe('%E0%A4%A');
  });
});
