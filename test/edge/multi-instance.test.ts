import crypto from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { connectLive, streamsOpen, subscribe } from '../support/live';
import { eventually } from '../support/eventually';
import { sharedRedisUrl } from '../support/redis';

const TICKERS = 'query Tickers { tickers { headline } }';
const ARTICLE = 'query Article($slug: String!) { article(slug: $slug) { title } }';
const PUSH = 'mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }';
const KILL = 'mutation($id: ID!) { killTicker(id: $id) { status } }';

const headlines = (res: { data?: any }) => res.data.tickers.map((t: any) => t.headline) as string[];

/**
 * A breaking item pushed and then killed through instance A: readers of both instances see it come and go, never
 * see it again after the purge, and cached responses that do not hold it stay cached on both.
 */
async function purgesEverywhere(a: TestApp, b: TestApp, bystander: string): Promise<void> {
  const editor = await a.token('EDITOR');
  await factories(a).article({ slug: bystander, title: 'مقال لا علاقة له' });
  for (const app of [a, b]) for (let i = 0; i < 2; i += 1) await app.gql(ARTICLE, { slug: bystander });
  for (const app of [a, b]) expect((await app.gql(ARTICLE, { slug: bystander })).headers.get('x-khabar-cache')).toBe('HIT');

  const pushed = await a.gql(PUSH, { input: { headline: 'عاجل: خبر سيسحب بعد قليل', urgency: 1 } }, { token: editor });
  expect(pushed.errors).toBeUndefined();
  for (const app of [a, b]) {
    const seen = await eventually(() => app.gql(TICKERS), (res) => headlines(res).includes('عاجل: خبر سيسحب بعد قليل')
      && res.headers.get('x-khabar-cache') === 'HIT');
    expect(seen.headers.get('x-khabar-cache')).toBe('HIT');
  }

  const killed = await a.gql(KILL, { id: pushed.data.pushBreakingNews.id }, { token: editor });
  expect(killed.data.killTicker.status).toBe('KILLED');
  for (const app of [a, b]) await eventually(() => app.gql(TICKERS), (res) => !headlines(res).includes('عاجل: خبر سيسحب بعد قليل'));
  for (let i = 0; i < 20; i += 1) {
    for (const app of [a, b]) expect(headlines(await app.gql(TICKERS))).not.toContain('عاجل: خبر سيسحب بعد قليل');
  }
  for (const app of [a, b]) expect((await app.gql(ARTICLE, { slug: bystander })).headers.get('x-khabar-cache')).toBe('HIT');
}

/** A published article edited through instance A: the page both instances cached shows the edit on both. */
async function editsPurgeEverywhere(a: TestApp, b: TestApp, slug: string): Promise<void> {
  const story = await factories(a).article({ slug, title: 'عنوان قبل التعديل' });
  const page = `${ARTICLE} # edits`;
  for (const app of [a, b]) for (let i = 0; i < 2; i += 1) await app.gql(page, { slug });
  for (const app of [a, b]) expect((await app.gql(page, { slug })).headers.get('x-khabar-cache')).toBe('HIT');

  const edited = await a.gql('mutation($id: ID!) { updateArticle(id: $id, expectedVersion: 1, input: { title: "عنوان بعد التعديل" }) { title } }',
    { id: story.globalId }, { token: await a.token('EDITOR') });
  expect(edited.errors).toBeUndefined();
  for (const app of [a, b]) await eventually(() => app.gql(page, { slug }), (res) => res.data.article.title === 'عنوان بعد التعديل');
  for (let i = 0; i < 10; i += 1) {
    for (const app of [a, b]) expect((await app.gql(page, { slug })).data.article.title).toBe('عنوان بعد التعديل');
  }
}

describe('several instances on one PostgreSQL', () => {
  let a: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ edge: { responseCache: true } });
  });
  afterAll(() => a.stop());

  it('in-process caches: a change or an edit made through one instance is purged from both', async () => {
    const b = await a.instance();
    try {
      await purgesEverywhere(a, b, 'bystander-in-process');
      await editsPurgeEverywhere(a, b, 'edited-in-process');
    } finally {
      await b.stop();
    }
  });

  const redisUrl = sharedRedisUrl();
  if (redisUrl) {
    describe('with Redis (the compose topology: PostgreSQL + Redis + replicas)', () => {
      let redisA: TestApp;
      let redisB: TestApp;

      beforeAll(async () => {
        const shared = { redisUrl, edge: { responseCache: true, redisKeyPrefix: `${new URL(a.databaseUrl).pathname.slice(1)}:cluster:` } };
        redisA = await a.instance(shared);
        redisB = await a.instance(shared);
      });
      afterAll(async () => {
        await redisB.stop();
        await redisA.stop();
      });

      it('share one response cache: what one instance cached, the other serves', async () => {
        await factories(a).article({ slug: 'shared', title: 'مقال مشترك' });
        const query = `${ARTICLE} # shared cache`;
        expect((await redisA.gql(query, { slug: 'shared' })).headers.get('x-khabar-cache')).toBe('MISS');
        const fromB = await redisB.gql(query, { slug: 'shared' });
        expect(fromB.headers.get('x-khabar-cache')).toBe('HIT');
        expect(fromB.data).toEqual({ article: { title: 'مقال مشترك' } });
      });

      it('purge the shared cache for every instance when content changes or is edited', async () => {
        await purgesEverywhere(redisA, redisB, 'bystander-redis');
        await editsPurgeEverywhere(redisA, redisB, 'edited-redis');
      });

      it('hold rate limits across instances', async () => {
        // A day's window: the counters' fixed window cannot roll over between the test's requests.
        const limits = { redisUrl, edge: { rateLimitPerIp: 4, rateLimitWindowMs: 24 * 3600 * 1000, redisKeyPrefix: `${new URL(a.databaseUrl).pathname.slice(1)}:limits:` } };
        const c = await a.instance(limits);
        const d = await a.instance(limits);
        try {
          const statuses = [];
          for (const app of [c, d, c, d, c]) statuses.push((await app.gql('{ __typename }')).status);
          expect(statuses).toEqual([200, 200, 200, 200, 429]);
          expect((await d.gql('{ __typename }')).status).toBe(429);
        } finally {
          await d.stop();
          await c.stop();
        }
      });

      it('share persisted queries: a hash registered on one instance runs on the other', async () => {
        const query = '{ regions(level: REGION) { code } }';
        const hash = crypto.createHash('sha256').update(query).digest('hex');
        const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
        await fetch(redisA.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, extensions }) });
        const byHash = await fetch(`${redisB.url}?extensions=${encodeURIComponent(JSON.stringify(extensions))}`);
        expect(byHash.status).toBe(200);
        expect(((await byHash.json()) as any).data.regions.length).toBeGreaterThan(0);
      });

      it('deliver subscriptions across instances: a push through one reaches a subscriber of the other', async () => {
        const connection = connectLive(redisB);
        const subscription = subscribe(connection, 'subscription { breakingNews { ticker { headline } } }');
        await streamsOpen(redisB, 1);
        const editor = await redisA.token('EDITOR');
        await redisA.gql(PUSH, { input: { headline: 'عاجل عبر المثيلين', urgency: 1 } }, { token: editor });
        const [event] = await subscription.received(1);
        expect(event.breakingNews.ticker.headline).toBe('عاجل عبر المثيلين');
        subscription.stop();
        await connection.dispose();
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.info('No Redis answers on redis://127.0.0.1:6379 and REDIS_URL is unset: the Redis topology tests are not registered.');
  }
});
