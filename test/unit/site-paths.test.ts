import { sitePaths, siteUrl } from '../../src/shared/site-paths';

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
