import type { TestApp } from '../support/test-app';
import { failure, ok } from '../support/editorial';
import { eventually } from '../support/eventually';
import { WEBHOOK_TEST_CONFIG, WebhookReceiver } from '../support/webhook-receiver';
import { webhookSuite, type WebhookSuite } from '../support/webhook-suite';
import { sitePaths, siteUrl } from '../../src/shared/site-paths';

const CREATE_WEBHOOK = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url topics description paused } } }`;
const WEBHOOKS = '{ webhooks { id url topics description paused pending deadLetters previousSecretValidUntil } }';
const DELETE = 'mutation ($id: ID!) { deleteWebhook(id: $id) }';
const ROTATE = 'mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { id secretRotatedAt previousSecretValidUntil } } }';
const PAUSE = 'mutation ($id: ID!) { pauseWebhook(id: $id) { paused pending } }';
const RESUME = 'mutation ($id: ID!) { resumeWebhook(id: $id) { paused } }';
const DELIVERIES = `query ($id: ID!, $first: Int, $after: String, $state: WebhookDeliveryState) {
  webhookDeliveries(id: $id, first: $first, after: $after, state: $state) {
    edges { cursor node { id cursor type state attempts lastStatus lastError nextAttemptAt finishedAt } } pageInfo { hasNextPage endCursor } } }`;
const PUSH = 'mutation ($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }';
const KILL = 'mutation ($id: ID!) { killTicker(id: $id) { id } }';

jest.setTimeout(60_000);

describe('signed webhooks', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let admin: string;
  let editor: string;
  let publish: WebhookSuite['publish'];
  webhookSuite({ publicUrl: 'https://khabar.example' }, (suite) => ({ app, receiver, admin, editor, publish } = suite));

  const register = async (input: Record<string, unknown> = {}, token = admin) => {
    const created = (await ok(app, CREATE_WEBHOOK, { input: { url: receiver.url, topics: ['ARTICLE'], ...input } }, token)).createWebhook;
    receiver.secrets = [created.secret];
    return created as { secret: string; webhook: { id: string } };
  };
  const deliveries = async (id: string, variables: Record<string, unknown> = {}) =>
    (await ok(app, DELIVERIES, { id, first: 100, ...variables }, admin)).webhookDeliveries.edges.map((e: any) => e.node);
  const acceptedArticles = () => receiver.accepted.map((r) => r.body.data.articleId);
  const settled = (id: string, total: number) => eventually(() => deliveries(id),
    (list) => list.length === total && list.every((d: any) => d.state !== 'QUEUED'), { what: `${total} deliveries to settle`, timeoutMs: 30_000 });

  it('lets admins register, list and delete webhooks; editors and readers are refused', async () => {
    const created = await register({ topics: ['ARTICLE', 'TICKER', 'ARTICLE'], description: 'شريك: وكالة الأنباء' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.webhook).toMatchObject({ url: receiver.url, topics: ['ARTICLE', 'TICKER'], description: 'شريك: وكالة الأنباء', paused: false });
    const listed = (await ok(app, WEBHOOKS, {}, admin)).webhooks;
    expect(listed).toEqual([expect.objectContaining({ id: created.webhook.id, pending: 0, deadLetters: 0, previousSecretValidUntil: null })]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    expect(failure(await app.gql(CREATE_WEBHOOK, { input: { url: receiver.url, topics: ['ARTICLE'] } }, { token: editor })).extensions?.code).toBe('FORBIDDEN');
    expect(failure(await app.gql(WEBHOOKS, {}, { token: editor })).extensions?.code).toBe('FORBIDDEN');
    expect(failure(await app.gql(WEBHOOKS)).extensions?.code).toBe('UNAUTHENTICATED');
    expect(failure(await app.gql(DELETE, { id: created.webhook.id }, { token: editor })).extensions?.code).toBe('FORBIDDEN');

    expect((await ok(app, DELETE, { id: created.webhook.id }, admin)).deleteWebhook).toBe(true);
    expect((await ok(app, WEBHOOKS, {}, admin)).webhooks).toEqual([]);
    expect(failure(await app.gql(DELETE, { id: created.webhook.id }, { token: admin })).extensions?.code).toBe('NOT_FOUND');
    expect(failure(await app.gql(ROTATE, { id: created.webhook.id }, { token: admin })).extensions?.code).toBe('NOT_FOUND');
    expect(failure(await app.gql(PAUSE, { id: created.webhook.id }, { token: admin })).extensions?.code).toBe('NOT_FOUND');
  });

  it('delivers article events signed as Standard Webhooks, in event order, with the article\'s public address', async () => {
    const { webhook } = await register();
    const articles = [await publish(), await publish(), await publish()];
    await settled(webhook.id, 3);
    expect(receiver.unverified).toEqual([]);
    expect(receiver.accepted).toHaveLength(3);
    expect(acceptedArticles()).toEqual(articles.map((a) => a.id));
    const [first] = receiver.accepted;
    expect(first.body).toMatchObject({
      type: 'article.published',
      data: { topic: 'article', kind: 'PUBLISHED', articleId: articles[0].id, url: siteUrl('https://khabar.example', sitePaths.article(articles[0].slug)) },
    });
    expect(first.signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(Math.abs(first.timestamp * 1000 - first.at)).toBeLessThan(5_000);
    // Ids are distinct per event, and the delivery list shows them as sent, newest first.
    expect(new Set(receiver.accepted.map((r) => r.id)).size).toBe(3);
    expect((await deliveries(webhook.id)).map((d: any) => [d.id, d.type, d.state, d.attempts]))
      .toEqual(receiver.accepted.map((r) => [r.id, 'article.published', 'SENT', 1]).reverse());
    // Without the right secret, the same delivery does not verify.
    expect(() => WebhookReceiver.verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, first)).toThrow();
  });

  it('hears only its topics: a TICKER webhook gets breaking news pushed and killed, not articles', async () => {
    const { webhook } = await register({ topics: ['TICKER'] });
    await publish();
    const { pushBreakingNews } = await ok(app, PUSH, { input: { headline: 'زلزال بقوة 5 درجات يضرب إقليم الحوز', urgency: 1 } }, editor);
    await ok(app, KILL, { id: pushBreakingNews.id }, editor);
    await settled(webhook.id, 2);
    expect(receiver.accepted.map((r) => [r.body.type, r.body.data.tickerId])).toEqual([
      ['ticker.pushed', pushBreakingNews.id], ['ticker.killed', pushBreakingNews.id]]);
    expect(receiver.accepted[0].body.data).toMatchObject({ headline: 'زلزال بقوة 5 درجات يضرب إقليم الحوز', urgency: 1 });
  });

  it('retries a failing receiver: three failures then success delivers it once, and later events wait their turn', async () => {
    const { webhook } = await register();
    let firstId: string | null = null;
    receiver.answer = (request, n) => {
      firstId ??= request.id;
      return request.id === firstId && n < 3 ? { status: 500 } : { status: 204 };
    };
    const articles = [await publish(), await publish(), await publish()];
    const list = await settled(webhook.id, 3);
    expect(receiver.unverified).toEqual([]);
    expect(acceptedArticles()).toEqual(articles.map((a) => a.id));
    expect(receiver.requests.map((r) => r.body.data.articleId)).toEqual([articles[0].id, articles[0].id, articles[0].id, ...articles.map((a) => a.id)]);
    expect(list.map((d: any) => [d.state, d.attempts])).toEqual([['SENT', 1], ['SENT', 1], ['SENT', 4]]);
    // Backoff: each retry waited, never less than half its doubled ceiling (100, 200, 400 ms).
    const gaps = receiver.requests.slice(0, 4).map((r, i, all) => (i === 0 ? 0 : r.at - all[i - 1].at)).slice(1);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(400, 100 * 2 ** i) / 2 - 20));
  });

  it('waits no less than the receiver\'s Retry-After', async () => {
    const { webhook } = await register();
    receiver.answer = (_request, n) => (n === 0 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 204 });
    await publish();
    const [delivery] = await settled(webhook.id, 1);
    expect(delivery).toMatchObject({ state: 'SENT', attempts: 2 });
    const [refused, accepted] = receiver.requests;
    expect(accepted.at - refused.at).toBeGreaterThanOrEqual(2_000 - 20);
  });

  it('dead-letters a delivery refused on every attempt, shows it, and goes on with the next event', async () => {
    const { webhook } = await register();
    let doomed: string | null = null;
    receiver.answer = (request) => {
      doomed ??= request.id;
      return request.id === doomed ? { status: 410 } : { status: 200 };
    };
    const [first, second] = [await publish(), await publish()];
    await settled(webhook.id, 2);
    const dead = await deliveries(webhook.id, { state: 'FAILED' });
    expect(dead).toEqual([expect.objectContaining({ state: 'FAILED', attempts: WEBHOOK_TEST_CONFIG.retry.maxAttempts, lastStatus: 410 })]);
    expect(dead[0].lastError).toContain('gave up after 6 attempts: HTTP 410');
    expect(receiver.requests.filter((r) => r.body.data.articleId === first.id)).toHaveLength(6);
    expect(acceptedArticles()).toEqual([second.id]);
    expect((await ok(app, WEBHOOKS, {}, admin)).webhooks[0]).toMatchObject({ deadLetters: 1, pending: 0 });
  });

  it('signs with both secrets during the grace period after a rotation', async () => {
    const { webhook, secret: old } = await register();
    const { rotateWebhookSecret: rotated } = await ok(app, ROTATE, { id: webhook.id }, admin);
    expect(rotated.secret).not.toBe(old);
    expect(Date.parse(rotated.webhook.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    receiver.secrets = [rotated.secret];
    await publish();
    await settled(webhook.id, 1);
    const [delivery] = receiver.accepted;
    expect(delivery.signature.split(' ')).toHaveLength(2);
    expect(() => WebhookReceiver.verify(rotated.secret, delivery)).not.toThrow();
    expect(() => WebhookReceiver.verify(old, delivery)).not.toThrow();
    expect(receiver.unverified).toEqual([]);

    // Once the grace period is over, only the new secret signs.
    await app.sql(`UPDATE webhook SET previous_secret_until = now() - interval '1 second'`);
    await publish();
    await settled(webhook.id, 2);
    const latest = receiver.accepted[1];
    expect(latest.signature.split(' ')).toHaveLength(1);
    expect(() => WebhookReceiver.verify(old, latest)).toThrow();
    expect(() => WebhookReceiver.verify(rotated.secret, latest)).not.toThrow();
  });

  it('holds a paused webhook\'s deliveries and sends them in order once resumed', async () => {
    const { webhook } = await register();
    expect((await ok(app, PAUSE, { id: webhook.id }, admin)).pauseWebhook.paused).toBe(true);
    const articles = [await publish(), await publish()];
    await eventually(async () => (await ok(app, WEBHOOKS, {}, admin)).webhooks[0].pending, (n) => n === 2, { what: 'two deliveries held' });
    await new Promise((resolve) => setTimeout(resolve, 500)); // several polls: nothing may go out
    expect(receiver.requests).toEqual([]);
    expect((await deliveries(webhook.id)).map((d: any) => [d.state, d.attempts])).toEqual([['QUEUED', 0], ['QUEUED', 0]]);
    expect((await ok(app, RESUME, { id: webhook.id }, admin)).resumeWebhook.paused).toBe(false);
    await settled(webhook.id, 2);
    expect(acceptedArticles()).toEqual(articles.map((a) => a.id));
  });

  it('pages through deliveries and refuses bad arguments with coded errors', async () => {
    const { webhook } = await register();
    for (let i = 0; i < 3; i += 1) await publish();
    await settled(webhook.id, 3);
    const page = (await ok(app, DELIVERIES, { id: webhook.id, first: 2 }, admin)).webhookDeliveries;
    expect(page.edges).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = (await ok(app, DELIVERIES, { id: webhook.id, first: 2, after: page.pageInfo.endCursor }, admin)).webhookDeliveries;
    expect(rest.edges).toHaveLength(1);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect([...page.edges, ...rest.edges].map((e: any) => e.node.id)).toEqual(receiver.accepted.map((r) => r.id).reverse());
    expect(failure(await app.gql(DELIVERIES, { id: webhook.id, first: 101 }, { token: admin })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(failure(await app.gql(DELIVERIES, { id: webhook.id, after: 'nope' }, { token: admin })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(failure(await app.gql(DELIVERIES, { id: 'nope' }, { token: admin })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('reads webhooks and their deliveries in constant SQL: the same statements for one webhook or three, one delivery or three', async () => {
    const statements = async () => {
      const list = await app.gql(WEBHOOKS, {}, { token: admin });
      const [first] = list.data.webhooks;
      const page = await app.gql(DELIVERIES, { id: first.id, first: 100 }, { token: admin });
      return [list.data.webhooks.length, page.data.webhookDeliveries.edges.length, list.sqlStatements, page.sqlStatements];
    };
    const { webhook } = await register();
    await publish();
    await settled(webhook.id, 1);
    const small = await statements();
    await register();
    await register();
    await publish();
    await publish();
    await settled(webhook.id, 3);
    const large = await statements();
    expect([small.slice(0, 2), large.slice(0, 2)]).toEqual([[1, 1], [3, 3]]);
    expect(large.slice(2)).toEqual(small.slice(2));
    expect(small.slice(2)).toEqual([1, 2]);
  });

  it('delivers live coverage: the blog starting and each entry, with the entry\'s id; a liveEntries cursor replays from it', async () => {
    const { webhook } = await register({ topics: ['LIVE'] });
    const article = await publish();
    await ok(app, 'mutation($id: ID!) { startLiveCoverage(articleId: $id) { isLive } }', { id: article.id }, editor);
    const POST_ENTRY = 'mutation($id: ID!, $input: PostLiveEntryInput!) { postLiveEntry(articleId: $id, input: $input) { id } }';
    const entries = [];
    for (const title of ['وصول فرق الإنقاذ', 'حصيلة أولية']) {
      entries.push((await ok(app, POST_ENTRY, { id: article.id, input: { title, body: [{ type: 'PARAGRAPH', text: `نص ${title}` }] } }, editor)).postLiveEntry.id);
    }
    await settled(webhook.id, 3);
    expect(receiver.unverified).toEqual([]);
    expect(receiver.accepted.map((r) => [r.body.type, r.body.data.articleId, r.body.data.entryId ?? null])).toEqual([
      ['live.started', article.id, null], ['live.posted', article.id, entries[0]], ['live.posted', article.id, entries[1]]]);
    // The cursor a liveEntries subscriber holds names the same outbox event: replaying after it sends the second entry again.
    const seq = JSON.parse(Buffer.from(receiver.accepted[1].body.data.cursor, 'base64url').toString())[1];
    const liveCursor = Buffer.from(JSON.stringify(['liveEntries', seq])).toString('base64url');
    expect((await ok(app, 'mutation ($id: ID!, $after: String!) { redeliverWebhook(id: $id, after: $after) }', { id: webhook.id, after: liveCursor }, admin)).redeliverWebhook).toBe(1);
    await eventually(() => receiver.accepted.length, (n) => n === 4, { what: 'the replayed entry' });
    expect(receiver.accepted[3].id).toBe(receiver.accepted[2].id);
  });
});
