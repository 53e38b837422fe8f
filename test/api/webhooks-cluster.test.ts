import { startInstance, startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/database';
import { A_BODY, CREATE, failure, ok, PUBLISH } from '../support/editorial';
import { eventually } from '../support/eventually';
import { WEBHOOK_TEST_CONFIG, type WebhookReceiver } from '../support/webhook-receiver';
import { webhookSuite, type WebhookSuite } from '../support/webhook-suite';

const CREATE_WEBHOOK = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id } } }`;
const WEBHOOKS = '{ webhooks { id } }';
const REDELIVER = 'mutation ($id: ID!, $after: String!) { redeliverWebhook(id: $id, after: $after) }';
const DELIVERIES = `query ($id: ID!) { webhookDeliveries(id: $id, first: 100) { edges { node { id state attempts lastError } } } }`;

// Several instances, a restart with a lease to wait out, on a busy two-core machine.
jest.setTimeout(90_000);

describe('webhooks across instances, restarts and replays', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let admin: string;
  let editor: string;
  let publishArticle: WebhookSuite['publish'];
  webhookSuite({}, (suite) => ({ app, receiver, admin, editor, publish: publishArticle } = suite));

  const register = async (on: TestApp = app, url = receiver.url) => {
    const created = (await ok(on, CREATE_WEBHOOK, { input: { url, topics: ['ARTICLE'] } }, admin)).createWebhook;
    receiver.secrets.push(created.secret);
    return created.webhook.id as string;
  };
  const publish = async (on: TestApp = app) => (await publishArticle(on)).id;
  const deliveries = async (id: string, on: TestApp = app) => (await ok(on, DELIVERIES, { id }, admin)).webhookDeliveries.edges.map((e: any) => e.node);
  const settled = (id: string, total: number, on: TestApp = app) => eventually(() => deliveries(id, on),
    (list) => list.length === total && list.every((d: any) => d.state !== 'QUEUED'), { what: `${total} deliveries to settle`, timeoutMs: 45_000 });
  const acceptedFor = (url: string) => receiver.accepted.filter((r) => r.id.startsWith(`msg_${Buffer.from(url, 'base64url').toString().split(':')[1]}_`));

  it('replays from a cursor: every event after it again, in order, with the ids it had', async () => {
    const id = await register();
    const articles = [await publish(), await publish(), await publish()];
    await settled(id, 3);
    const [first, second, third] = receiver.accepted;
    expect(receiver.accepted.map((r) => r.body.data.articleId)).toEqual(articles);

    const queued = (await ok(app, REDELIVER, { id, after: first.body.data.cursor }, admin)).redeliverWebhook;
    expect(queued).toBe(2);
    await eventually(() => receiver.accepted.length, (n) => n === 5, { what: 'the replay to arrive', timeoutMs: 20_000 });
    await settled(id, 3);
    expect(receiver.accepted.slice(3).map((r) => [r.id, r.body.data.articleId])).toEqual([[second.id, articles[1]], [third.id, articles[2]]]);
    expect(receiver.unverified).toEqual([]);
    expect((await deliveries(id)).map((d: any) => [d.state, d.attempts])).toEqual([['SENT', 1], ['SENT', 1], ['SENT', 1]]);

    // Cursors that name nothing Khabar keeps are refused, coded, naming `after`.
    expect(failure(await app.gql(REDELIVER, { id, after: 'not-a-cursor' }, { token: admin })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    // As the hourly prune would: the first event leaves the outbox, and its cursor is now older than what is kept.
    const [firstSeq] = JSON.parse(Buffer.from(first.body.data.cursor, 'base64url').toString()).slice(1);
    await app.sql('DELETE FROM event_outbox WHERE seq <= $1', [firstSeq]);
    expect(failure(await app.gql(REDELIVER, { id, after: first.body.data.cursor }, { token: admin })).extensions)
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', reason: 'CURSOR_EXPIRED' });
    expect(failure(await app.gql(REDELIVER, { id, after: first.body.data.cursor }, { token: editor })).extensions?.code).toBe('FORBIDDEN');
  });

  it('two instances on one database share the sending: every event once per endpoint, in order', async () => {
    const second = await app.instance({ webhooks: WEBHOOK_TEST_CONFIG });
    try {
      const ids = [await register(app, `${receiver.url}?to=1`), await register(second, `${receiver.url}?to=2`), await register(app, `${receiver.url}?to=3`)];
      const articles: string[] = [];
      for (let i = 0; i < 12; i += 1) articles.push(await publish(i % 2 === 0 ? app : second));
      for (const id of ids) await settled(id, 12);
      expect(receiver.unverified).toEqual([]);
      for (const id of ids) {
        const got = acceptedFor(id);
        expect(got.map((r) => r.body.data.articleId)).toEqual(articles);
        expect(new Set(got.map((r) => r.id)).size).toBe(12);
      }
      expect(receiver.requests).toHaveLength(36);
    } finally {
      await second.stop();
    }
  });

  it('refuses loopback, private and link-local targets unless allowed (BAD_USER_INPUT naming url), storing nothing', async () => {
    const strict = await startTestApp({ webhooks: { ...WEBHOOK_TEST_CONFIG, allowPrivateTargets: false } });
    try {
      const strictAdmin = await strict.token('ADMIN');
      const port = new URL(receiver.url).port;
      for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, 'http://10.0.0.7/hook', 'http://192.168.1.20/', 'http://[::1]/',
        'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/', 'ftp://example.com/', 'http://user:pw@example.com/', 'nonsense']) {
        const refused = failure(await strict.gql(CREATE_WEBHOOK, { input: { url, topics: ['ARTICLE'] } }, { token: strictAdmin }));
        expect([url, refused.extensions]).toEqual([url, expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'url' })]);
      }
      expect((await ok(strict, WEBHOOKS, {}, strictAdmin)).webhooks).toEqual([]);

      // An address that turns private after registration (DNS changed) is refused when sending, checked on the resolved address.
      await strict.sql(`INSERT INTO webhook (url, topics, secret, starts_after) VALUES ($1, '{article}', $3, 0), ($2, '{article}', $3, 0)`,
        [receiver.url, receiver.url.replace('127.0.0.1', 'localhost'), 'whsec_' + Buffer.alloc(32, 1).toString('base64')]);
      await publish(strict);
      const [literal, named] = await strict.sql('SELECT id FROM webhook ORDER BY id');
      const lastErrors = await eventually(() => strict.sql(`SELECT last_error FROM delivery_job WHERE consumer = 'webhooks' AND attempts >= 2 ORDER BY target`),
        (rows) => rows.length === 2, { what: 'two refused attempts at each target', timeoutMs: 20_000 });
      expect(lastErrors.map((r: any) => r.last_error)).toEqual([expect.stringMatching(/refused: 127\.0\.0\.1 is a loopback/), expect.stringMatching(/refused: localhost resolves to (127\.0\.0\.1|::1)/)]);
      expect([literal.id, named.id]).toHaveLength(2);
      expect(receiver.requests).toEqual([]);
    } finally {
      await strict.stop();
    }
  });

  it('loses nothing when the sending instance stops mid-send: the next one delivers it after the lease, in order', async () => {
    const database = await createTestDatabase();
    const first = await startInstance(database.url, { webhooks: WEBHOOK_TEST_CONFIG });
    let restarted: TestApp | null = null;
    try {
      const admin1 = await first.token('ADMIN');
      const created = (await ok(first, CREATE_WEBHOOK, { input: { url: receiver.url, topics: ['ARTICLE'] } }, admin1)).createWebhook;
      receiver.secrets = [created.secret];
      receiver.answer = () => 'hold';
      const editor1 = await first.token('EDITOR');
      const articles: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const { createArticle } = await ok(first, CREATE, { input: { title: `خبر عاجل رقم ${i + 1} للتجربة`, body: A_BODY } }, editor1);
        await ok(first, PUBLISH, { id: createArticle.id }, editor1);
        articles.push(createArticle.id);
      }
      await eventually(() => receiver.holding, (n) => n === 1, { what: 'the first delivery in flight' });
      await first.stop(); // mid-send: the held request is abandoned, its job left to its lease
      receiver.answer = () => ({ status: 204 });
      restarted = await startInstance(database.url, { webhooks: WEBHOOK_TEST_CONFIG });
      await settled(created.webhook.id, 3, restarted);
      expect(receiver.accepted.map((r) => r.body.data.articleId)).toEqual(articles);
      expect(new Set(receiver.accepted.map((r) => r.id)).size).toBe(3);
      expect(receiver.requests[0].id).toBe(receiver.accepted[0].id);
      expect(receiver.unverified).toEqual([]);
    } finally {
      await restarted?.stop();
      await database.drop();
    }
  });
});
