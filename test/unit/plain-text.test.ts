import { normalizePlainText, plainTextProblem } from '../../src/shared/plain-text';

describe('plain text rules', () => {
  const title = { min: 1, max: 300 };

  it.each([
    ['Arabic with tashkeel and punctuation', 'قالَ الوزيرُ: «الأرقام ستُنشر غداً»؛ هل 3 < 5؟'],
    ['a bare "<" and ">"', 'x < y and y > z'],
    ['a French title', 'Hayar présente la stratégie de son ministère'],
    ['emoji (a valid surrogate pair)', 'مبروك 🎉'],
    ['bidi marks', 'الرباط\u200f 2024'],
    ['an embedding closed inside the text', 'عاجل \u202BBreaking\u202C الآن'],
    ['nested isolates and an override, all closed', '\u2067a \u202Eb\u202C \u2068c\u2069\u2069'],
  ])('accepts %s', (_name, text) => {
    expect(plainTextProblem('title', text, title)).toBeNull();
  });

  it.each([
    ['NUL', 'a\u0000b', /NUL/],
    ['a lone high surrogate', 'a\ud83cb', /surrogate/],
    ['a lone low surrogate', 'a\udf89', /surrogate/],
    ['a right-to-left override left open', 'Breaking \u202Enews', /bidi/],
    ['an isolate left open', '\u2066Rabat', /bidi/],
    ['a PDF closing nothing', 'Rabat\u202C', /bidi/],
    ['an isolate closed by a PDF', '\u2067Rabat\u202C', /bidi/],
    ['a control character', 'a\u0007b', /control characters/],
    ['a line break in a one-line field', 'a\nb', /single line/],
    ['a tag', 'a <b>b</b>', /HTML/],
    ['a closing tag', 'a </p>', /HTML/],
    ['a comment', '<!-- x -->', /HTML/],
    ['a processing instruction', '<?php x ?>', /HTML/],
    ['nothing but spaces', '   ', /1–300 characters long \(got 0\)/],
    ['too many characters', 'ب'.repeat(301), /1–300 characters long \(got 301\)/],
  ])('refuses %s', (_name, value, message) => {
    expect(plainTextProblem('title', value, title)).toMatch(message);
  });

  it('counts characters, not UTF-16 units, and allows line breaks where asked', () => {
    expect(plainTextProblem('title', '🎉'.repeat(300), title)).toBeNull();
    expect(plainTextProblem('note', 'a\nb\tc', { min: 0, max: 10, multiline: true })).toBeNull();
  });

  it('normalizes to NFC and trims', () => {
    expect(normalizePlainText('  \u0627\u0654مل ')).toBe('أمل');
    expect(normalizePlainText('Ke\u0301nitra')).toBe('Kénitra');
  });
});
