import http from 'node:http';
import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { A_BODY, CREATE, ok, PUBLISH, UPDATE } from '../support/editorial';
import { eventually } from '../support/eventually';
import { freePort, startVarnish, Varnish } from '../support/varnish';
import { appendEvent } from '../../src/realtime/outbox';

/**
 * A real varnishd (Debian's, with xkey) running docker/varnish.vcl in front of a Khabar that purges it
 * (VARNISH_PURGE_URLS): what it keeps, what it never keeps, and that each change purges what shows it and nothing else.
 */
describe('Varnish in front (docker/varnish.vcl, VARNISH_PURGE_URLS)', () => {
  let base: TestApp;
  let front: TestApp;
  let varnish: Varnish;
  let port: number;
  let make: ReturnType<typeof factories>;
  let editor: string;
  const startFront = () => base.instance({ port, varnishPurgeUrls: [varnish.url], edge: { responseCache: true } });

  beforeAll(async () => {
    // The database's owner, on a port of its own and purging nothing; the instance behind Varnish comes and goes.
    base = await startTestApp();
    make = factories(base);
    port = await freePort();
    varnish = await startVarnish({ host: '127.0.0.1', port });
    front = await startFront();
    editor = await base.token('EDITOR');
  });
  afterAll(async () => {
    await front?.stop();
    await varnish?.stop();
    await base?.stop();
  });

  /** A GET through Varnish: its status, whether Varnish had it, its Age, the body. */
  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${varnish.url}${path}`, { headers: { 'apollo-require-preflight': '1', ...headers }, redirect: 'manual' });
    return { status: res.status, cache: res.headers.get('x-cache'), age: Number(res.headers.get('age')), headers: res.headers, body: await res.text() };
  }
  const graphql = (query: string, variables?: object) =>
    `/graphql?${new URLSearchParams({ query, ...(variables ? { variables: JSON.stringify(variables) } : {}) })}`;
  const regionList = (code: string) => graphql(`query RegionList($code: String!) { articles(first: 10, filter: { regionCode: $code }) { edges { node { slug title } } } }`, { code });
  const page = (slug: string) => `/article/${encodeURIComponent(slug)}`;

  it('keeps anonymous reads by Khabar\'s Cache-Control: the second GET is a hit, with its Age; tags stay between the caches', async () => {
    const article = await make.article({ slug: 'varnish-kept', title: 'يحفظ في الذاكرة', regionCodes: ['MA-04'] });
    const direct = await fetch(`http://127.0.0.1:${port}${regionList('MA-04')}`, { headers: { 'apollo-require-preflight': '1' } });
    // What Khabar tells the caches in front: the list's tag and each article's, in the three dialects.
    expect(direct.headers.get('xkey')!.split(' ')).toEqual(expect.arrayContaining(['List:region:MA-04', `Article:${article.id}`, 'Region:MA-04']));
    expect(direct.headers.get('surrogate-key')).toBe(direct.headers.get('xkey'));
    expect(direct.headers.get('cache-tag')).toBe(direct.headers.get('xkey')!.replace(/ /g, ','));

    for (const path of [regionList('MA-04'), page('varnish-kept'), '/feeds/region/MA-04.rss', '/sitemap-news.xml', '/region/MA-04']) {
      const first = await get(path);
      expect({ path, status: first.status, cache: first.cache }).toEqual({ path, status: 200, cache: 'MISS' });
      const second = await get(path);
      expect({ path, status: second.status, cache: second.cache, body: second.body }).toEqual({ path, status: 200, cache: 'HIT', body: first.body });
      expect(second.age).toBeGreaterThanOrEqual(0);
      expect(second.headers.get('xkey')).toBeNull();
      expect(second.headers.get('cache-tag')).toBeNull();
    }
  });

  it('never answers an editor from the cache, nor a POST, nor a mutation', async () => {
    await make.article({ slug: 'varnish-editor', title: 'للمحررين', regionCodes: ['MA-04'] });
    const path = regionList('MA-04');
    await get(path);
    expect((await get(path)).cache).toBe('HIT');
    for (let i = 0; i < 2; i++) {
      const asEditor = await get(path, { authorization: `Bearer ${editor}` });
      expect({ cache: asEditor.cache, control: asEditor.headers.get('cache-control') }).toEqual({ cache: 'MISS', control: 'private, no-store' });
    }
    for (let i = 0; i < 2; i++) {
      const posted = await fetch(`${varnish.url}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ articles(first: 1) { edges { node { slug } } } }' }),
      });
      expect(posted.headers.get('x-cache')).toBe('MISS');
    }
    const mutation = await get(graphql('mutation { retractArticle(id: "x", note: "y") { id } }'));
    expect(mutation.cache).toBe('MISS');
    expect(mutation.status).not.toBe(200);
  });

  it('shows an edit through Varnish once Khabar\'s purge arrives; a page or list that does not show it stays a hit', async () => {
    const edited = await make.article({ slug: 'varnish-edited', title: 'العنوان الأول', regionCodes: ['MA-04'] });
    await make.article({ slug: 'varnish-other', title: 'مقال آخر', regionCodes: ['MA-07'] });
    const unrelated = [page('varnish-other'), regionList('MA-07'), '/feeds/region/MA-07.rss', '/region/MA-07'];
    const showing = [page('varnish-edited'), regionList('MA-04'), '/feeds/region/MA-04.rss'];
    for (const path of [...unrelated, ...showing]) {
      await get(path);
      expect({ path, cache: (await get(path)).cache }).toEqual({ path, cache: 'HIT' });
    }

    await ok(base, UPDATE, { id: edited.globalId, expectedVersion: 1, input: { title: 'العنوان بعد التعديل' } }, editor);
    await eventually(() => get(page('varnish-edited')), (res) => res.body.includes('العنوان بعد التعديل'),
      { timeoutMs: 10_000, what: 'the edited title on the article page through Varnish' });
    for (const path of showing) expect({ path, body: (await get(path)).body.includes('العنوان بعد التعديل') }).toEqual({ path, body: true });
    for (const path of unrelated) expect({ path, cache: (await get(path)).cache }).toEqual({ path, cache: 'HIT' });
  });

  it('publishing purges only the lists and feeds the new article enters', async () => {
    await make.article({ slug: 'varnish-rabat', title: 'في الرباط', regionCodes: ['MA-04'] });
    await make.article({ slug: 'varnish-marrakech', title: 'في مراكش', regionCodes: ['MA-07'] });
    const entered = [regionList('MA-04'), '/feeds/region/MA-04.rss', '/region/MA-04', '/feeds/latest.rss'];
    const notEntered = [regionList('MA-07'), '/feeds/region/MA-07.rss', '/region/MA-07', '/feeds/latest.rss?lang=fr'];
    for (const path of [...entered, ...notEntered]) {
      await get(path);
      expect({ path, cache: (await get(path)).cache }).toEqual({ path, cache: 'HIT' });
    }
    const { createArticle } = await ok(base, CREATE, { input: { title: 'خبر جديد في القنيطرة', body: A_BODY, regionCodes: ['MA-KEN'] } }, editor);
    await ok(base, PUBLISH, { id: createArticle.id }, editor);
    await eventually(() => get(regionList('MA-04')), (res) => res.body.includes('خبر جديد في القنيطرة'),
      { timeoutMs: 10_000, what: 'the new article in the list of its region\'s parent through Varnish' });
    for (const path of entered) expect({ path, body: (await get(path)).body.includes('خبر جديد في القنيطرة') }).toEqual({ path, body: true });
    for (const path of notEntered) expect({ path, cache: (await get(path)).cache }).toEqual({ path, cache: 'HIT' });
  });

  it('shows an announced Hijri month start in Hijri date lines through Varnish; Gregorian ones stay hits', async () => {
    const story = await make.article({ slug: 'varnish-ramadan', publishedAt: new Date('2025-03-01T11:00:00Z') });
    const line = (calendar: string) => graphql(`query Line($id: ID!) { article(id: $id) { displayDate(calendar: ${calendar}) } }`, { id: story.globalId });
    for (const path of [line('HIJRI'), line('GREGORIAN')]) {
      await get(path);
      expect({ path, cache: (await get(path)).cache }).toEqual({ path, cache: 'HIT' });
    }
    expect(JSON.parse((await get(line('HIJRI'))).body).data.article.displayDate).toBe('السبت 1 رمضان 1446 هـ');
    await ok(base, 'mutation { setHijriMonthStart(year: 1446, month: 9, date: "2025-03-02") { announced } }', {}, await base.token('ADMIN'));
    await eventually(() => get(line('HIJRI')), (res) => JSON.parse(res.body).data.article.displayDate === 'السبت 30 شعبان 1446 هـ',
      { timeoutMs: 10_000, what: 'the announced start in the Hijri date line through Varnish' });
    expect((await get(line('GREGORIAN'))).cache).toBe('HIT');
  });

  it('refuses a PURGE from an address outside its purgers ACL, and keeps what it holds', async () => {
    const article = await make.article({ slug: 'varnish-acl', title: 'محمي', regionCodes: ['MA-04'] });
    await get(page('varnish-acl'));
    const refused = await purgeFrom('127.0.0.3', varnish.port, `Article:${article.id}`);
    expect(refused.status).toBe(403);
    expect((await get(page('varnish-acl'))).cache).toBe('HIT');
    // From an allowed address (Khabar's), the same request purges.
    expect((await purgeFrom('127.0.0.1', varnish.port, `Article:${article.id}`)).status).toBe(200);
    expect((await get(page('varnish-acl'))).cache).toBe('MISS');
  });

  it('delivers a purge committed while Khabar was down once it is back', async () => {
    const article = await make.article({ slug: 'varnish-restart', title: 'قبل إعادة التشغيل', regionCodes: ['MA-04'] });
    await get(page('varnish-restart'));
    expect((await get(page('varnish-restart'))).cache).toBe('HIT');
    await front.stop();
    // The change commits with its outbox event while no instance runs: nothing could have sent its purge.
    await base.khabar.db.transaction(async (tx) => {
      await tx.query('UPDATE article SET title = $1, updated_at = now() WHERE id = $2', ['بعد إعادة التشغيل', article.id]);
      await appendEvent(tx, { topic: 'article', kind: 'UPDATED', entityId: article.id, regionCodes: ['MA-04'] });
    });
    // Varnish still holds the old page: no purge was sent.
    const held = await get(page('varnish-restart'));
    expect({ cache: held.cache, old: held.body.includes('قبل إعادة التشغيل') }).toEqual({ cache: 'HIT', old: true });
    front = await startFront();
    await eventually(() => get(page('varnish-restart')), (res) => res.body.includes('بعد إعادة التشغيل'),
      { timeoutMs: 10_000, what: 'the purge planned from the outbox after the restart' });
    const [job] = await base.sql(`SELECT state, attempts FROM delivery_job WHERE consumer = 'http-purge' AND event_seq = (SELECT max(seq) FROM event_outbox)`);
    expect(job).toEqual({ state: 'sent', attempts: 1 });
  });
});

/** A PURGE sent from a local address of our choosing (the loopback network is all ours). */
function purgeFrom(localAddress: string, port: number, tags: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'PURGE', path: '/', localAddress, headers: { 'xkey-purge': tags } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.once('error', reject);
    req.end();
  });
}
