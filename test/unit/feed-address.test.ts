import { feedPath, feedTag, parseFeedPath } from '../../src/modules/feeds/feed-address';
import { xmlText } from '../../src/modules/feeds/feed.render';
import { hubTarget } from '../../src/modules/feeds/websub';

describe('feed addresses (src/modules/feeds/feed-address.ts)', () => {
  it('parses each kind of feed in each format, keys in their stored form', () => {
    expect(parseFeedPath('/feeds/latest.rss', undefined)).toEqual({ ok: true, format: 'rss', address: { subject: { kind: 'latest' }, lang: null } });
    expect(parseFeedPath('/feeds/region/ma-ken.atom', 'fr')).toEqual({ ok: true, format: 'atom', address: { subject: { kind: 'region', key: 'MA-KEN' }, lang: 'fr' } });
    expect(parseFeedPath(`/feeds/tag/${encodeURIComponent('ماء')}.json`, undefined))
      .toMatchObject({ ok: true, address: { subject: { kind: 'tag', key: 'ماء' } } });
    expect(parseFeedPath('/feeds/person/awatif-hayar.rss', 'ar')).toMatchObject({ ok: true, address: { subject: { kind: 'person', key: 'awatif-hayar' }, lang: 'ar' } });
    expect(parseFeedPath('/feeds/category/politique.json', undefined)).toMatchObject({ ok: true, address: { subject: { kind: 'category', key: 'politique' } } });
  });

  it('refuses what is no feed (404) and bad input (400 naming the field)', () => {
    expect(parseFeedPath('/feeds/latest.xml', undefined)).toMatchObject({ ok: false, status: 404 });
    expect(parseFeedPath('/feeds/author/x.rss', undefined)).toMatchObject({ ok: false, status: 404 });
    expect(parseFeedPath('/feeds/tag/%E0%A4.rss', undefined)).toMatchObject({ ok: false, status: 404 });
    expect(parseFeedPath('/feeds/latest.rss', 'de')).toMatchObject({ ok: false, status: 400, field: 'lang' });
    expect(parseFeedPath('/feeds/latest.rss', ['ar', 'fr'])).toMatchObject({ ok: false, status: 400, field: 'lang' });
    expect(parseFeedPath('/feeds/region/Rabat.rss', undefined)).toMatchObject({ ok: false, status: 400, field: 'region' });
  });

  it('writes paths that parse back to the same feed, and one cache tag per feed and language', () => {
    const address = { subject: { kind: 'tag' as const, key: 'تعليم & تكوين' }, lang: 'fr' as const };
    const path = feedPath(address, 'atom');
    expect(path).toBe(`/feeds/tag/${encodeURIComponent('تعليم & تكوين')}.atom?lang=fr`);
    const [pathname, query] = path.split('?lang=');
    expect(parseFeedPath(pathname, query)).toEqual({ ok: true, format: 'atom', address });
    expect(feedTag(address)).toBe('List:tag:تعليم & تكوين@fr');
    expect(feedTag({ subject: { kind: 'latest' }, lang: null })).toBe('List:latest');
    expect(feedTag({ subject: { kind: 'region', key: 'MA-04' }, lang: null })).toBe('List:region:MA-04');
  });

  it('escapes the five XML specials and drops characters XML forbids', () => {
    expect(xmlText('حيار & <b>"x"</b> \'y\'\u0001')).toBe('حيار &amp; &lt;b&gt;&quot;x&quot;&lt;/b&gt; &apos;y&apos;');
  });

  it('gives each WebSub hub the same delivery target on every instance, within a safe integer', () => {
    const target = hubTarget('https://pubsubhubbub.appspot.com/');
    expect(target).toBe(hubTarget('https://pubsubhubbub.appspot.com/'));
    expect(target).not.toBe(hubTarget('https://websub.example/hub'));
    expect(Number.isSafeInteger(target) && target >= 0 && target < 2 ** 48).toBe(true);
  });
});
