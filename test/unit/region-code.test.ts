import { normalizeRegionCode, parseRegionCode, REGION_CODE_PATTERN } from '../../src/modules/region/region-code';

describe('a region code coming in', () => {
  it('is an ISO 3166-2:MA code: MA-, then two or three letters or digits', () => {
    expect(['MA-04', 'MA-12', 'MA-KEN', 'MA-CAS', 'MA-0A'].map(parseRegionCode)).toEqual(['MA-04', 'MA-12', 'MA-KEN', 'MA-CAS', 'MA-0A']);
    expect(['MA-4', 'MA-KENI', 'MA04', 'MA_04', 'FR-75', 'Rabat', 'MA-04; DROP TABLE article', '', ' '].map(parseRegionCode))
      .toEqual(Array(9).fill(null));
  });

  it('is trimmed and upper-cased, so any letter case names the same place', () => {
    expect(parseRegionCode('ma-ken')).toBe('MA-KEN');
    expect(parseRegionCode('Ma-Cas')).toBe('MA-CAS');
    expect(parseRegionCode('  MA-04\t')).toBe('MA-04');
    expect(parseRegionCode('\u00A0ma-04\n')).toBe('MA-04');
  });

  it('never turns a letter outside ASCII into one inside it', () => {
    expect(parseRegionCode('MA-KıN')).toBeNull(); // dotless i upper-cases to I
    expect(parseRegionCode('MA-\u212AEN')).toBeNull(); // KELVIN SIGN folds to k
    expect(parseRegionCode('ＭＡ-04')).toBeNull(); // full-width letters
    expect(parseRegionCode('MA-٠٤')).toBeNull(); // Arabic-Indic digits
  });

  it('is stored in the form the pattern describes', () => {
    for (const raw of ['ma-04', ' Ma-Ken ', 'MA-RAB']) {
      const code = parseRegionCode(raw)!;
      expect(code).toBe(normalizeRegionCode(raw));
      expect(REGION_CODE_PATTERN.test(code)).toBe(true);
    }
  });
});
