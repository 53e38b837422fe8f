import { moroccanDisplayDate } from '../../src/shared/display-date';

describe('moroccanDisplayDate', () => {
  it('prints the seed article date as the original page did', () => {
    expect(moroccanDisplayDate(new Date('2022-02-04T17:00:00Z'), 'ar')).toBe('الجمعة 04 فبراير 2022 على الساعة 18:00');
  });

  it('prints French with Casablanca time', () => {
    expect(moroccanDisplayDate(new Date('2022-02-04T17:00:00Z'), 'fr')).toBe('vendredi 04 février 2022 à 18h00');
  });

  it('uses Moroccan month names and Latin digits', () => {
    expect(moroccanDisplayDate(new Date('2025-08-15T09:05:00Z'), 'ar')).toMatch(/^الجمعة 15 غشت 2025 على الساعة \d\d:05$/);
  });
});
