import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { A_BODY, CORRECT, CREATE, ok, PUBLISH, RETRACT } from '../support/editorial';
import { getFeed, parseJsonFeed, parseXml } from '../support/feeds';
import { eventually } from '../support/eventually';

const PUBLIC_URL = 'https://khabar.example';

/** A WebSub hub on port 0: records each publish ping's topics, answering with the statuses it is told to, then 204. */
async function startHub() {
  const pings: { mode: string | null; topics: string[]; status: number }[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const status = statuses.shift() ?? 204;
      pings.push({ mode: params.get('hub.mode'), topics: params.getAll('hub.url').sort(), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  return {
    url, pings, statuses,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The URLs of a feed in its three formats, as a hub is told them. */
const allFormats = (path: string, lang?: string) =>
  ['rss', 'atom', 'json'].map((format) => `${PUBLIC_URL}/feeds/${path}.${format}${lang ? `?lang=${lang}` : ''}`);
const withLang = (path: string, lang: string) => [...allFormats(path), ...allFormats(path, lang)];

describe('WebSub: feeds name their hubs, and a publication pings them for the feeds it changed', () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;

  beforeAll(async () => {
    hub = await startHub();
    app = await startTestApp({ publicUrl: PUBLIC_URL, websubHubs: [hub.url] });
    make = factories(app);
    editor = await app.token('EDITOR', 'Salma Editor');
  });
  afterAll(async () => {
    await app.stop();
    await hub.stop();
  });
  beforeEach(async () => {
    await app.sql('TRUNCATE article, ticker, person, category CASCADE');
    // The previous test's jobs are all finished (each test waits for its pings to be recorded).
    await app.sql(`DELETE FROM delivery_job WHERE consumer = 'websub'`);
    hub.pings.length = 0;
    hub.statuses.length = 0;
  });

  async function publish(input: Record<string, unknown>) {
    const { createArticle } = await ok(app, CREATE, { input: { summary: 'ملخص', body: A_BODY, ...input } }, editor);
    return (await ok(app, PUBLISH, { id: createArticle.id }, editor)).publishArticle;
  }

  const pingsSeen = (count: number, what: string) => eventually(() => hub.pings.slice(), (pings) => pings.length >= count, { what, timeoutMs: 15_000 });

  it('names the hub and the feed itself in every format', async () => {
    const origin = app.url.replace(/\/graphql$/, '');
    const rss = parseXml((await getFeed(origin, '/feeds/region/MA-04.rss')).body).rss.channel;
    expect(rss['atom:link'].map((link: any) => [link['@rel'], link['@href']])).toEqual([['self', `${PUBLIC_URL}/feeds/region/MA-04.rss`], ['hub', hub.url]]);
    const atom = parseXml((await getFeed(origin, '/feeds/region/MA-04.atom')).body).feed;
    expect(atom.link.filter((link: any) => link['@rel'] !== 'alternate').map((link: any) => [link['@rel'], link['@href']]))
      .toEqual([['self', `${PUBLIC_URL}/feeds/region/MA-04.atom`], ['hub', hub.url]]);
    expect(parseJsonFeed((await getFeed(origin, '/feeds/region/MA-04.json')).body)).toMatchObject({
      feed_url: `${PUBLIC_URL}/feeds/region/MA-04.json`, hubs: [{ type: 'WebSub', url: hub.url }],
    });
  });

  it('pings exactly the feeds a publication joins, and again for its correction and its retraction', async () => {
    await make.person({ slug: 'nizar-baraka' });
    await make.category({ slug: 'economie' });
    const article = await publish({ title: 'بركة في القنيطرة', regionCodes: ['MA-KEN'], personSlugs: ['nizar-baraka'], categorySlug: 'economie', tags: ['ماء'] });
    const expected = [
      ...withLang('latest', 'ar'), ...withLang('region/MA-04', 'ar'), ...withLang('region/MA-KEN', 'ar'),
      ...withLang('person/nizar-baraka', 'ar'), ...withLang('category/economie', 'ar'), ...withLang(`tag/${encodeURIComponent('ماء')}`, 'ar'),
    ].sort();
    const [published] = await pingsSeen(1, 'the publication\'s ping');
    expect(published).toEqual({ mode: 'publish', topics: expected, status: 204 });
    expect(expected).toHaveLength(36);

    await ok(app, CORRECT, { id: article.id, expectedVersion: 2, input: { title: 'بركة يتفقد سد وادي سبو' }, note: 'صحح العنوان.' }, editor);
    await ok(app, RETRACT, { id: article.id, note: 'سحب المقال.' }, editor);
    const pings = await pingsSeen(3, 'the correction\'s and the retraction\'s pings');
    expect(pings.map((ping) => ping.topics)).toEqual([expected, expected, expected]);
    const jobs = await eventually(() => app.sql(`SELECT state, attempts FROM delivery_job WHERE consumer = 'websub' ORDER BY id`),
      (rows) => rows.length === 3 && rows.every((row) => row.state === 'sent'), { what: 'the three pings to be recorded as sent' });
    expect(jobs).toEqual([{ state: 'sent', attempts: 1 }, { state: 'sent', attempts: 1 }, { state: 'sent', attempts: 1 }]);
    expect(hub.pings).toHaveLength(3);
  });

  it('still pings the feeds a correction changed when it is delivered after the retraction that followed it', async () => {
    const article = await publish({ title: 'خبر سيصحح ثم يسحب', regionCodes: ['MA-07'] });
    await pingsSeen(1, 'the publication\'s ping');
    // The correction's first ping is refused, so its retry runs after the retraction has committed.
    hub.statuses.push(503);
    await ok(app, CORRECT, { id: article.id, expectedVersion: 2, input: { title: 'خبر صحح ثم سحب' }, note: 'صحح العنوان.' }, editor);
    await pingsSeen(2, 'the correction\'s refused ping');
    await ok(app, RETRACT, { id: article.id, note: 'سحب المقال.' }, editor);
    const pings = await pingsSeen(4, 'the retraction\'s ping and the correction\'s retry');
    expect(pings.map((ping) => ping.status).sort()).toEqual([204, 204, 204, 503]);
    expect(new Set(pings.map((ping) => JSON.stringify(ping.topics))).size).toBe(1);
    expect(pings[0].topics).toContain(`${PUBLIC_URL}/feeds/region/MA-07.rss`);
  });

  it('retries a hub that answers 503, with backoff, until it takes the ping', async () => {
    hub.statuses.push(503, 503);
    await publish({ title: 'خبر في مراكش', regionCodes: ['MA-07'] });
    const pings = await pingsSeen(3, 'the ping to come again after two 503s');
    expect(pings.map((ping) => ping.status)).toEqual([503, 503, 204]);
    expect(new Set(pings.map((ping) => JSON.stringify(ping.topics))).size).toBe(1);
    expect(pings[0].topics).toEqual(expect.arrayContaining([`${PUBLIC_URL}/feeds/region/MA-07.rss`, `${PUBLIC_URL}/feeds/latest.json?lang=ar`]));
    await eventually(() => app.sql(`SELECT state, attempts, last_status AS "lastStatus" FROM delivery_job WHERE consumer = 'websub'`),
      (jobs) => jobs.length === 1 && jobs[0].state === 'sent', { what: 'the job to be recorded as sent' });
    expect(await app.sql(`SELECT state, attempts FROM delivery_job WHERE consumer = 'websub'`)).toEqual([{ state: 'sent', attempts: 3 }]);
  });

});

describe('WebSub pings are durable', () => {
  it('loses no ping when an instance stops while the hub is down: the next instance delivers it', async () => {
    const hub = await startHub();
    // This instance keeps the database; the instances that ping come and go.
    const app = await startTestApp({ publicUrl: PUBLIC_URL });
    const pinging = await app.instance({ websubHubs: [hub.url] });
    let next: TestApp | null = null;
    try {
      hub.statuses.push(503);
      const editor = await app.token('EDITOR', 'Salma Editor');
      const { createArticle } = await ok(app, CREATE, { input: { title: 'خبر في الرباط', body: A_BODY, regionCodes: ['MA-04'] } }, editor);
      await ok(app, PUBLISH, { id: createArticle.id }, editor);
      await eventually(() => hub.pings.length, (n) => n >= 1, { what: 'the first, refused, ping', timeoutMs: 15_000 });
      await pinging.stop();
      next = await app.instance({ websubHubs: [hub.url] });
      await eventually(() => hub.pings.length, (n) => n >= 2, { what: 'the ping delivered by the next instance', timeoutMs: 15_000 });
      expect(hub.pings.map((ping) => ping.status)).toEqual([503, 204]);
      expect(hub.pings[1].topics).toEqual(hub.pings[0].topics);
      expect(hub.pings[0].topics).toContain(`${PUBLIC_URL}/feeds/region/MA-04.atom?lang=ar`);
    } finally {
      await next?.stop();
      await app.stop();
      await hub.stop();
    }
  });
});
