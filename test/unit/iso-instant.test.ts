import { isoInstant } from '../../src/shared/iso-date';

describe('isoInstant: a Date as toISOString writes it', () => {
  it.each([
    '1970-01-01T00:00:00.000Z', '2026-12-07T09:30:00.123Z', '2024-02-29T23:59:59.999Z', '2000-02-29T12:00:00.001Z',
    '1900-03-01T00:00:00.010Z', '1969-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z', '0000-03-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z', '2100-02-28T00:00:00.000Z', '1600-02-29T06:07:08.090Z',
  ])('%s', (text) => {
    expect(isoInstant(new Date(text))).toBe(text);
  });

  it('years outside 0000–9999 as toISOString writes them (a sign and six digits)', () => {
    for (const text of ['-000001-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z', '-271821-04-20T00:00:00.000Z']) {
      expect(isoInstant(new Date(text))).toBe(text);
    }
  });

  it('every day from 1600 to 2400 at a varying time of day, and instants at random, match toISOString', () => {
    const mismatches: string[] = [];
    const start = Date.UTC(1600, 0, 1);
    for (let day = 0; day < 292_500; day += 1) {
      const date = new Date(start + day * 86_400_000 + ((day * 7_919_999) % 86_400_000));
      if (isoInstant(date) !== date.toISOString()) mismatches.push(date.toISOString());
    }
    let seed = 20261207;
    for (let i = 0; i < 100_000; i += 1) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const date = new Date(-62_167_219_200_000 + Math.floor((seed / 2 ** 31) * 315_569_520_000_000));
      if (isoInstant(date) !== date.toISOString()) mismatches.push(date.toISOString());
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses an invalid date as toISOString does', () => {
    expect(() => isoInstant(new Date(NaN))).toThrow(RangeError);
  });
});
