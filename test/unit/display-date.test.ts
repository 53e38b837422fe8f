import { moroccanDisplayDate } from '../../src/shared/display-date';
import { computedHijri, computedMonthStart, dayNumber, formatHijri, HIJRI_MONTHS, isoDay, monthStartsFrom, officialHijri } from '../../src/shared/hijri';

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

describe('the Hijri date line', () => {
  const seed = new Date('2022-02-04T17:00:00Z');

  it('follows the Gregorian line with the computed Hijri date, in Arabic and in French transliteration', () => {
    expect(moroccanDisplayDate(seed, 'ar', 'BOTH')).toBe('الجمعة 04 فبراير 2022 على الساعة 18:00 (3 رجب 1443 هـ)');
    expect(moroccanDisplayDate(seed, 'fr', 'BOTH')).toBe("vendredi 04 février 2022 à 18h00 (3 Rajab 1443 de l'Hégire)");
    expect(moroccanDisplayDate(seed, 'ar', 'HIJRI')).toBe('الجمعة 3 رجب 1443 هـ');
    expect(moroccanDisplayDate(seed, 'fr', 'HIJRI')).toBe("vendredi 3 Rajab 1443 de l'Hégire");
    expect(moroccanDisplayDate(seed, 'ar', 'GREGORIAN')).toBe(moroccanDisplayDate(seed, 'ar'));
  });

  it('counts the day in Casablanca: just after midnight there, the Hijri day has moved on', () => {
    // 23:30 UTC on 2022-02-04 is 00:30 on the 5th in Casablanca (UTC+1).
    expect(moroccanDisplayDate(new Date('2022-02-04T23:30:00Z'), 'ar', 'HIJRI')).toBe('السبت 4 رجب 1443 هـ');
  });

  it('names every month as Moroccan papers print them', () => {
    expect(HIJRI_MONTHS.ar).toHaveLength(12);
    expect(HIJRI_MONTHS.fr).toHaveLength(12);
    expect(HIJRI_MONTHS.ar[8]).toBe('رمضان');
    expect(HIJRI_MONTHS.fr[8]).toBe('Ramadan');
  });

  describe('months starting as Morocco announced them', () => {
    // Ramadan 1446: the computed calendar starts it on 1 March 2025; Morocco sighted the moon a day later, and Shawwal
    // (Eid al-Fitr) began on 31 March.
    const ramadan = { year: 1446, month: 9 };
    const computedStart = computedMonthStart(ramadan)!;
    const day = (iso: string) => dayNumber(iso);

    it('computes the start of a month', () => {
      expect(isoDay(computedStart)).toBe('2025-03-01');
      expect(computedHijri(computedStart)).toEqual({ ...ramadan, day: 1 });
      expect(isoDay(computedMonthStart({ year: 1443, month: 7 })!)).toBe('2022-02-02');
    });

    it('without an announcement, the computed calendar', () => {
      expect(officialHijri(day('2025-03-01'))).toEqual({ ...ramadan, day: 1 });
      expect(officialHijri(day('2025-03-30'))).toEqual({ year: 1446, month: 10, day: 1 });
    });

    it('with the announced start of Ramadan, the day before it is still Shaaban, and Ramadan keeps 29 days at least', () => {
      const announced = monthStartsFrom([{ ...ramadan, startsOn: '2025-03-02' }]);
      expect(officialHijri(day('2025-03-01'), announced)).toEqual({ year: 1446, month: 8, day: 30 });
      expect(officialHijri(day('2025-03-02'), announced)).toEqual({ ...ramadan, day: 1 });
      expect(officialHijri(day('2025-03-30'), announced)).toEqual({ ...ramadan, day: 29 });
      expect(formatHijri(officialHijri(day('2025-03-02'), announced), 'ar')).toBe('1 رمضان 1446 هـ');
    });

    it('with the announced start of Shawwal too, Eid falls on the announced day', () => {
      const announced = monthStartsFrom([{ ...ramadan, startsOn: '2025-03-02' }, { year: 1446, month: 10, startsOn: '2025-03-31' }]);
      expect(officialHijri(day('2025-03-30'), announced)).toEqual({ ...ramadan, day: 29 });
      expect(officialHijri(day('2025-03-31'), announced)).toEqual({ year: 1446, month: 10, day: 1 });
      expect(officialHijri(day('2025-04-01'), announced)).toEqual({ year: 1446, month: 10, day: 2 });
    });

    it('a month announced a day earlier than computed takes the last computed day of the month before', () => {
      // Shawwal 1446 has 30 days by the computed calendar (30 March to 28 April).
      const announced = monthStartsFrom([{ year: 1446, month: 11, startsOn: '2025-04-28' }]);
      expect(officialHijri(day('2025-04-28'), announced)).toEqual({ year: 1446, month: 11, day: 1 });
      expect(officialHijri(day('2025-04-27'), announced)).toEqual({ year: 1446, month: 10, day: 29 });
    });
  });
});
