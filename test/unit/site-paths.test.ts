import { sitePaths, siteUrl } from '../../src/shared/site-paths';
import { isoWithOffset, newsroomDay } from '../../src/shared/iso-date';
import { notificationUrl } from '../../src/modules/push/push.rules';

describe('the public addresses of pages', () => {
  it('percent-encodes an Arabic slug once, so a link survives any client', () => {
    expect(sitePaths.article('زلزال-الحوز')).toBe('/article/%D8%B2%D9%84%D8%B2%D8%A7%D9%84-%D8%A7%D9%84%D8%AD%D9%88%D8%B2');
    expect(decodeURIComponent(sitePaths.article('زلزال-الحوز').slice('/article/'.length))).toBe('زلزال-الحوز');
  });

  it('names a region by its code and joins onto the public origin', () => {
    expect(siteUrl('https://khabar.ma', sitePaths.region('MA-04'))).toBe('https://khabar.ma/region/MA-04');
    expect(siteUrl('https://khabar.ma', sitePaths.front())).toBe('https://khabar.ma/');
  });
});

describe('dates for crawlers, in Casablanca time with its offset', () => {
  it('writes ISO 8601 with the offset of the day: +01:00, and +00:00 during Ramadan', () => {
    expect(isoWithOffset(new Date('2022-02-04T17:00:00Z'))).toBe('2022-02-04T18:00:00+01:00');
    // Ramadan 2024 (Morocco back on UTC from 10 March to 14 April).
    expect(isoWithOffset(new Date('2024-03-20T12:00:00.900Z'))).toBe('2024-03-20T12:00:00+00:00');
    expect(newsroomDay(new Date('2022-02-04T23:30:00Z'))).toBe('2022-02-05');
    // Around the change back to +01:00 after Ramadan 2024 (03:00 local on 14 April) and within one hour, read twice.
    expect(isoWithOffset(new Date('2024-04-14T01:59:59Z'))).toBe('2024-04-14T01:59:59+00:00');
    expect(isoWithOffset(new Date('2024-04-14T02:00:00Z'))).toBe('2024-04-14T03:00:00+01:00');
    expect(isoWithOffset(new Date('2022-02-04T17:30:15.999Z'))).toBe('2022-02-04T18:30:15+01:00');
    expect(isoWithOffset(new Date('2022-02-04T17:00:00Z'))).toBe('2022-02-04T18:00:00+01:00');
  });
});

describe('push notifications link to the article page', () => {
  it('by the one rule of addresses', () => {
    expect(notificationUrl('https://khabar.ma', 'زلزال-الحوز', null)).toBe(`https://khabar.ma${sitePaths.article('زلزال-الحوز')}`);
    expect(notificationUrl('https://khabar.ma', null, 'https://example.org/x')).toBe('https://example.org/x');
    expect(notificationUrl('https://khabar.ma', null, null)).toBe('https://khabar.ma/');
  });
});
