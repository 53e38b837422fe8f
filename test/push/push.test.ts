import { startTestApp, TestApp } from '../support/test-app';
import { startPushPeers, PushPeers } from '../support/push-peers';
import type { BrowserSubscription } from '../support/push-peers/web-push-receiver';
import { eventually } from '../support/eventually';
import { connectLive, subscribe, streamsOpen } from '../support/live';

const REGISTER = `mutation ($input: RegisterDeviceInput!) { registerDevice(input: $input) { id secret device { platform regionCodes minUrgency locale } } }`;
const PUSH = `mutation ($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }`;
const UPDATE = `mutation ($input: UpdateTickerInput!) { updateTicker(input: $input) { id } }`;
const KILL = `mutation ($id: ID!) { killTicker(id: $id) { id } }`;
const DELIVERIES = `query ($id: ID!) { pushDeliveries(tickerId: $id) { queued sent failed cancelled expired sendCompleteAt } }`;

/** Fast engine settings for tests: short lease and poll, so restarts and retries show within seconds. */
const ENGINE = { leaseMs: 1_500, pollMs: 100, timeoutMs: 20_000, registrationsPerAddress: 0 };

// Three HTTPS providers, two Khabar instances and retries with real Retry-After waits, on a busy two-core machine.
jest.setTimeout(90_000);

describe('breaking news as push notifications (Web Push, FCM, APNs through local providers)', () => {
  let peers: PushPeers;
  let app: TestApp;
  let editor: string;

  beforeAll(async () => {
    peers = await startPushPeers();
    app = await startTestApp({ push: { ...peers.config, ...ENGINE } });
    editor = await app.token('EDITOR');
  });

  afterAll(async () => {
    await app?.stop();
    await peers?.stop();
  });

  beforeEach(async () => {
    await app.sql('DELETE FROM push_device');
    for (const peer of [peers.web, peers.apns, peers.fcm]) {
      peer.received.length = 0;
      peer.refused.length = 0;
      peer.answer = undefined;
    }
  });

  const register = async (input: Record<string, unknown>) => {
    const result = await app.gql(REGISTER, { input });
    expect(result.errors).toBeUndefined();
    return result.data.registerDevice as { id: string; secret: string };
  };
  const web = async (more: Record<string, unknown> = {}) => {
    const browser = peers.web.subscribe(peers.vapid.publicKey);
    const device = await register({ platform: 'WEB', webPush: browser, ...more });
    return { ...device, browser };
  };
  const android = async (more: Record<string, unknown> = {}) => {
    const token = peers.fcm.newRegistrationToken();
    return { ...(await register({ platform: 'ANDROID', token, ...more })), token };
  };
  const ios = async (more: Record<string, unknown> = {}) => {
    const token = peers.apns.newDeviceToken();
    return { ...(await register({ platform: 'IOS', token, ...more })), token };
  };
  const pushItem = async (input: Record<string, unknown>) => {
    const result = await app.gql(PUSH, { input: { headline: 'زلزال بقوة 5 درجات يضرب إقليم الحوز', urgency: 1, ...input } }, { token: editor });
    expect(result.errors).toBeUndefined();
    return result.data.pushBreakingNews.id as string;
  };
  const deliveries = async (id: string) => (await app.gql(DELIVERIES, { id }, { token: editor })).data.pushDeliveries;
  const webTo = (browser: BrowserSubscription) => peers.web.received.filter((d) => d.endpoint === browser.endpoint);
  const settled = (id: string, total: number) => eventually(() => deliveries(id),
    (d) => d.queued === 0 && d.sent + d.failed + d.cancelled + d.expired === total, { what: `the deliveries of ${id} to settle`, timeoutMs: 45_000 });

  it('notifies each matching device once, by region (sub-regions included) and urgency, on all three platforms', async () => {
    const everything = await web();
    const flashesOnly = await web({ minUrgency: 1 });
    const rabat = await android({ regionCodes: ['MA-04', 'MA-KEN'] });
    const tanger = await ios({ regionCodes: ['MA-01'] });

    const regional = await pushItem({ urgency: 2, regionCode: 'MA-KEN', headline: 'انقطاع الماء في القنيطرة' });
    await settled(regional, 2);
    expect(webTo(everything.browser)).toHaveLength(1);
    expect(webTo(flashesOnly.browser)).toHaveLength(0);
    expect(peers.fcm.received.filter((d) => d.token === rabat.token)).toHaveLength(1);
    expect(peers.apns.received).toHaveLength(0);

    const national = await pushItem({ urgency: 1 });
    await settled(national, 4);
    expect(webTo(everything.browser)).toHaveLength(2);
    expect(webTo(flashesOnly.browser)).toHaveLength(1);
    expect(peers.fcm.received.filter((d) => d.token === rabat.token)).toHaveLength(2);
    expect(peers.apns.received.map((d) => d.token)).toEqual([tanger.token]);
    for (const peer of [peers.web, peers.apns, peers.fcm]) expect(peer.refused).toEqual([]);
    expect(await deliveries(national)).toEqual({ queued: 0, sent: 4, failed: 0, cancelled: 0, expired: 0, sendCompleteAt: expect.any(String) });
  });

  it('carries the headline, urgency, URL and the cursor that resumes breakingNews right after the item', async () => {
    const { browser } = await web();
    const first = await pushItem({ headline: 'حريق في سوق الجملة بالدار البيضاء', url: 'https://example.org/fire' });
    const [notification] = await eventually(() => webTo(browser), (list) => list.length === 1, { what: 'the notification', timeoutMs: 30_000 });
    expect(notification.payload).toMatchObject({ body: 'حريق في سوق الجملة بالدار البيضاء', urgency: '1', url: 'https://example.org/fire', tickerId: first, kind: 'PUSHED' });

    const second = await pushItem({ headline: 'تأجيل مباراة الرجاء والوداد' });
    const live = connectLive(app);
    try {
      const resumed = subscribe(live, 'subscription ($after: String) { breakingNews(after: $after) { kind ticker { id headline } } }', { after: notification.payload.cursor });
      const [event] = await resumed.received(1);
      expect(event.breakingNews.ticker).toEqual({ id: second, headline: 'تأجيل مباراة الرجاء والوداد' });
      await streamsOpen(app, 1);
    } finally {
      await live.dispose();
    }
  });

  it('retries after a 503 no sooner than its Retry-After', async () => {
    const { browser } = await web();
    let refusedAt = 0;
    peers.web.answer = () => {
      if (refusedAt) return undefined;
      refusedAt = Date.now();
      return { status: 503, headers: { 'retry-after': '1' } };
    };
    const id = await pushItem({});
    const [delivered] = await eventually(() => webTo(browser), (list) => list.length === 1, { what: 'the retried notification', timeoutMs: 15_000 });
    expect(delivered.at - refusedAt).toBeGreaterThanOrEqual(1_000);
    expect(await settled(id, 1)).toMatchObject({ sent: 1 });
  });

  it('an update replaces a notification still pending (same collapse id), and a kill cancels what is pending', async () => {
    const { browser } = await web();
    const fcmDevice = await android();
    let hold = true;
    peers.web.answer = () => (hold ? { status: 503, headers: { 'retry-after': '3' } } : undefined);
    peers.fcm.answer = () => (hold ? { status: 503, headers: { 'retry-after': '3' } } : undefined);
    const updated = await pushItem({ headline: 'خبر أول بصيغة خاطئة' });
    const killed = await pushItem({ headline: 'خبر سيسحب قبل وصوله' });
    await eventually(() => deliveries(killed), (d) => d.queued === 2, { what: 'both items waiting for their retry', timeoutMs: 30_000 });
    expect((await app.gql(UPDATE, { input: { id: updated, headline: 'خبر أول بصيغته الصحيحة' } }, { token: editor })).errors).toBeUndefined();
    expect((await app.gql(KILL, { id: killed }, { token: editor })).errors).toBeUndefined();
    await eventually(() => deliveries(killed), (d) => d.cancelled === 2, { what: 'the killed item\'s notifications cancelled', timeoutMs: 30_000 });
    hold = false;
    await settled(updated, 4);
    expect(await deliveries(updated)).toMatchObject({ sent: 2, cancelled: 2 });
    expect(webTo(browser).map((d) => [d.payload.body, d.topic, d.payload.kind])).toEqual([['خبر أول بصيغته الصحيحة', 'ticker-' + Buffer.from(updated, 'base64url').toString().split(':')[1], 'UPDATED']]);
    expect(peers.fcm.received.filter((d) => d.token === fcmDevice.token).map((d) => d.message.android?.collapse_key)).toEqual([webTo(browser)[0].topic]);
  });

  it('does not deliver a notification later than PUSH_TTL_SECONDS', async () => {
    // Its own Khabar and database: the TTL is the planner's, and this one's instances all say one second.
    const shortLived = await startTestApp({ push: { ...peers.config, ...ENGINE, ttlSeconds: 1 } });
    try {
      const browser = peers.web.subscribe(peers.vapid.publicKey);
      expect((await shortLived.gql(REGISTER, { input: { platform: 'WEB', webPush: browser } })).errors).toBeUndefined();
      peers.web.answer = () => ({ status: 503, headers: { 'retry-after': '2' } });
      const token = await shortLived.token('EDITOR');
      const id = (await shortLived.gql(PUSH, { input: { headline: 'خبر لا يصل متأخرا', urgency: 1 } }, { token })).data.pushBreakingNews.id;
      const counts = await eventually(() => shortLived.gql(DELIVERIES, { id }, { token }), (r) => r.data.pushDeliveries.expired + r.data.pushDeliveries.sent === 1,
        { what: 'the notification to expire', timeoutMs: 15_000 });
      expect(counts.data.pushDeliveries).toMatchObject({ queued: 0, sent: 0, failed: 0, cancelled: 0, expired: 1 });
      expect(webTo(browser)).toEqual([]);
    } finally {
      await shortLived.stop();
    }
  });

  it('removes a device whose push service answers 410, APNs says Unregistered or FCM says UNREGISTERED', async () => {
    const gone = await web();
    peers.web.expire(gone.browser.endpoint);
    const uninstalled = await ios();
    peers.apns.unregister(uninstalled.token);
    const stale = await android();
    peers.fcm.unregister(stale.token);
    const kept = await web();
    const id = await pushItem({});
    expect(await settled(id, 4)).toMatchObject({ sent: 1, failed: 3 });
    await eventually(() => app.sql('SELECT id::text FROM push_device'), (rows) => rows.length === 1, { what: 'the gone devices removed', timeoutMs: 30_000 });
    expect(await app.sql('SELECT id::text AS id FROM push_device')).toEqual([{ id: kept.id }]);
  });

  it('two instances share the sending and no device is notified twice', async () => {
    const second = await app.instance({ push: { ...peers.config, ...ENGINE } });
    try {
      const browsers = await Promise.all(Array.from({ length: 25 }, () => web()));
      const tokens = await Promise.all(Array.from({ length: 25 }, () => android()));
      const id = await pushItem({});
      await settled(id, 50);
      expect(browsers.map((b) => webTo(b.browser).length)).toEqual(browsers.map(() => 1));
      expect(tokens.map((t) => peers.fcm.received.filter((d) => d.token === t.token).length)).toEqual(tokens.map(() => 1));
    } finally {
      await second.stop();
    }
  });

  it('after a restart mid-send, every device gets its notification and none that was acknowledged gets it again', async () => {
    const browsers = await Promise.all(Array.from({ length: 30 }, () => web()));
    const sending = await app.instance({ push: { ...peers.config, ...ENGINE } });
    // Only `sending` runs push for this item: the first instance's engine is paused by stopping it? It keeps running,
    // so hang every request: whichever instance claimed a job now holds it in flight.
    let answered = 0;
    peers.web.answer = () => (answered++ < 10 ? undefined : 'hold');
    const id = await pushItem({});
    await eventually(() => deliveries(id), (d) => d.sent === 10, { what: 'ten notifications acknowledged', timeoutMs: 30_000 });
    await sending.stop(); // its in-flight jobs are left to their lease, as after a crash
    peers.web.answer = undefined;
    await settled(id, 30);
    const counts = browsers.map((b) => webTo(b.browser).length);
    expect(counts).toEqual(browsers.map(() => 1));
  });

  it('refuses a Web Push endpoint outside the known push services, a plain-HTTP one and malformed keys, storing nothing', async () => {
    const browser = peers.web.subscribe(peers.vapid.publicKey);
    const cases: [Record<string, unknown>, string][] = [
      [{ platform: 'WEB', webPush: { ...browser, endpoint: 'https://attacker.example/hook' } }, 'webPush.endpoint'],
      [{ platform: 'WEB', webPush: { ...browser, endpoint: browser.endpoint.replace('https:', 'http:') } }, 'webPush.endpoint'],
      [{ platform: 'WEB', webPush: { ...browser, keys: { ...browser.keys, p256dh: 'AAAA' } } }, 'webPush.keys.p256dh'],
      [{ platform: 'WEB', token: 'abc' }, 'token'],
      [{ platform: 'IOS', token: 'not hex' }, 'token'],
      [{ platform: 'ANDROID', token: peers.fcm.newRegistrationToken(), regionCodes: ['MA-99'] }, 'regionCodes'],
      [{ platform: 'ANDROID', token: peers.fcm.newRegistrationToken(), minUrgency: 4 }, 'minUrgency'],
      [{ platform: 'ANDROID', token: peers.fcm.newRegistrationToken(), locale: 'en' }, 'locale'],
    ];
    for (const [input, field] of cases) {
      const result = await app.gql(REGISTER, { input });
      expect({ field, errors: result.errors?.map((e) => [e.extensions?.code, e.extensions?.field]) }).toEqual({ field, errors: [['BAD_USER_INPUT', field]] });
    }
    expect(await app.sql('SELECT count(*)::int AS n FROM push_device')).toEqual([{ n: 0 }]);
  });

  it('lets only the holder of the secret change or remove a registration', async () => {
    const device = await android();
    const other = await android();
    const update = `mutation ($id: ID!, $secret: String!) { updateDevice(id: $id, secret: $secret, input: { minUrgency: 1, regionCodes: ["ma-04"] }) { minUrgency regionCodes } }`;
    expect((await app.gql(update, { id: device.id, secret: other.secret })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(update, { id: device.id, secret: device.secret })).data.updateDevice).toEqual({ minUrgency: 1, regionCodes: ['MA-04'] });
    const remove = `mutation ($id: ID!, $secret: String!) { unregisterDevice(id: $id, secret: $secret) }`;
    expect((await app.gql(remove, { id: device.id, secret: 'wrong' })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(remove, { id: device.id, secret: device.secret })).data.unregisterDevice).toBe(true);
    expect(await app.sql('SELECT id::text FROM push_device')).toEqual([{ id: other.id }]);
  });

  it('gives browsers the VAPID public key and editors only the delivery counts', async () => {
    expect((await app.gql('{ webPushPublicKey }')).data.webPushPublicKey).toBe(peers.vapid.publicKey);
    const id = await pushItem({});
    expect((await app.gql(DELIVERIES, { id })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('limits registrations per client address', async () => {
    const limited = await app.instance({ push: { ...peers.config, ...ENGINE, registrationsPerAddress: 2 } });
    try {
      const input = () => ({ platform: 'ANDROID', token: peers.fcm.newRegistrationToken() });
      const codes = [];
      for (let i = 0; i < 3; i += 1) codes.push((await limited.gql(REGISTER, { input: input() })).errors?.[0].extensions?.reason ?? 'ok');
      expect(codes).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    } finally {
      await limited.stop();
    }
  });
});
