import crypto from 'node:crypto';
import { WebPushProvider, generateVapidKeys, encryptPayload } from '../../src/modules/push/providers/web-push';
import { ApnsProvider } from '../../src/modules/push/providers/apns';
import { FcmProvider } from '../../src/modules/push/providers/fcm';
import type { PushMessage } from '../../src/modules/push/providers/message';
import { startWebPushReceiver, WebPushReceiver } from '../support/push-peers/web-push-receiver';
import { startApnsServer, ApnsServer } from '../support/push-peers/apns-server';
import { startFcmServer, FcmServer } from '../support/push-peers/fcm-server';
import { makeTestCertificate } from '../support/push-peers/tls';

const message = (over: Partial<PushMessage> = {}): PushMessage => ({
  id: crypto.randomUUID(),
  collapseId: 'ticker-7',
  title: 'عاجل',
  body: 'زلزال بقوة 5 درجات يضرب إقليم الحوز',
  url: 'https://khabar.test/article/zilzal',
  urgency: 1,
  kind: 'PUSHED',
  cursor: 'YnJlYWtpbmdOZXdzOjQy',
  tickerId: 'VGlja2VyOjc=',
  expiresAt: new Date(Date.now() + 3_600_000),
  ...over,
});

const timing = { timeoutMs: 20_000, maxStreams: 100, maxSessions: 2 };

describe('Web Push (RFC 8030, 8291 aes128gcm, 8292 VAPID) against a push service that checks them', () => {
  let receiver: WebPushReceiver;
  let provider: WebPushProvider;
  const vapid = generateVapidKeys('mailto:push@khabar.test');

  beforeAll(async () => {
    receiver = await startWebPushReceiver();
    provider = new WebPushProvider(vapid, { extraCa: receiver.ca, ...timing });
  });
  afterAll(async () => {
    await provider.close();
    await receiver.stop();
  });

  it('delivers a payload the subscription decrypts, with TTL, Urgency and Topic', async () => {
    const browser = receiver.subscribe(vapid.publicKey);
    const sent = message();
    const outcome = await provider.send({ endpoint: browser.endpoint, ...browser.keys }, sent);
    expect(outcome).toEqual({ state: 'sent', status: 201 });
    const [delivery] = receiver.received.filter((d) => d.endpoint === browser.endpoint);
    expect(delivery.payload).toEqual({
      title: sent.title, body: sent.body, url: sent.url, urgency: '1', kind: 'PUSHED', cursor: sent.cursor, tickerId: sent.tickerId, tag: 'ticker-7',
    });
    expect(delivery.ttl).toBeGreaterThan(3590);
    expect(delivery.ttl).toBeLessThanOrEqual(3600);
    expect(delivery.urgency).toBe('high');
    expect(delivery.topic).toBe('ticker-7');
  });

  it('encrypts every message with its own key and salt', () => {
    const browser = receiver.subscribe(vapid.publicKey);
    const a = encryptPayload(Buffer.from('same'), browser.keys);
    const b = encryptPayload(Buffer.from('same'), browser.keys);
    expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false); // salt
    expect(a.subarray(21, 86).equals(b.subarray(21, 86))).toBe(false); // the application server's ephemeral key
  });

  it('sends many at once over few connections and signs one VAPID token per push service', async () => {
    const browsers = Array.from({ length: 200 }, () => receiver.subscribe(vapid.publicKey));
    const outcomes = await Promise.all(browsers.map((b) => provider.send({ endpoint: b.endpoint, ...b.keys }, message())));
    expect(outcomes.every((o) => o.state === 'sent')).toBe(true);
    expect(receiver.refused).toEqual([]);
    expect(receiver.connections()).toBeLessThanOrEqual(timing.maxSessions);
    expect(receiver.vapidTokens.size).toBe(1);
  });

  it('reports an expired subscription as gone, and a push service in trouble as a retry after its Retry-After', async () => {
    const gone = receiver.subscribe(vapid.publicKey);
    receiver.expire(gone.endpoint);
    expect(await provider.send({ endpoint: gone.endpoint, ...gone.keys }, message())).toMatchObject({ state: 'gone', status: 410 });

    const busy = receiver.subscribe(vapid.publicKey);
    receiver.answer = () => ({ status: 503, headers: { 'retry-after': '7' } });
    try {
      expect(await provider.send({ endpoint: busy.endpoint, ...busy.keys }, message())).toMatchObject({ state: 'retry', status: 503, retryAfterMs: 7_000 });
    } finally {
      receiver.answer = undefined;
    }
  });

  it('is refused by the push service when it signs with another key than the subscription was made with', async () => {
    const browser = receiver.subscribe(generateVapidKeys('mailto:x@y.z').publicKey);
    expect(await provider.send({ endpoint: browser.endpoint, ...browser.keys }, message())).toMatchObject({ state: 'failed', status: 403 });
    expect(receiver.refused.at(-1)).toMatchObject({ status: 403, reason: 'k is not the key the subscription was made with' });
  });

  it('speaks HTTP/1.1 to a push service that offers no HTTP/2', async () => {
    const old = await startWebPushReceiver({ protocols: 'h1' });
    const client = new WebPushProvider(vapid, { extraCa: old.ca, ...timing });
    try {
      const browsers = Array.from({ length: 20 }, () => old.subscribe(vapid.publicKey));
      const outcomes = await Promise.all(browsers.map((b) => client.send({ endpoint: b.endpoint, ...b.keys }, message())));
      expect(outcomes.map((o) => o.state)).toEqual(browsers.map(() => 'sent'));
      expect(old.received).toHaveLength(20);
    } finally {
      await client.close();
      await old.stop();
    }
  });

  it('refuses to talk to a push service whose certificate it does not trust', async () => {
    const untrusted = await startWebPushReceiver({ certificate: makeTestCertificate() });
    const strict = new WebPushProvider(vapid, { ...timing });
    try {
      const browser = untrusted.subscribe(vapid.publicKey);
      expect(await strict.send({ endpoint: browser.endpoint, ...browser.keys }, message())).toMatchObject({ state: 'retry', error: expect.stringMatching(/certificate/) });
      expect(untrusted.received).toEqual([]);
    } finally {
      await strict.close();
      await untrusted.stop();
    }
  });
});

describe('APNs (HTTP/2, ES256 provider token) against a server that checks what Apple checks', () => {
  let apns: ApnsServer;
  let provider: ApnsProvider;

  beforeAll(async () => {
    apns = await startApnsServer();
    provider = new ApnsProvider({ ...apns.credentials, endpoint: apns.origin }, { extraCa: apns.ca, ...timing });
  });
  afterAll(async () => {
    await provider.close();
    await apns.stop();
  });

  it('sends an alert with priority 10, its expiration, collapse id and id, and reuses one provider token', async () => {
    const tokens = Array.from({ length: 50 }, () => apns.newDeviceToken());
    const sent = message();
    const outcomes = await Promise.all(tokens.map((token) => provider.send(token, sent)));
    expect(outcomes.every((o) => o.state === 'sent')).toBe(true);
    expect(apns.refused).toEqual([]);
    expect(apns.providerTokens).toHaveLength(1);
    const delivery = apns.received.find((d) => d.token === tokens[0])!;
    expect(delivery.headers).toMatchObject({
      'apns-push-type': 'alert', 'apns-priority': '10', 'apns-topic': apns.credentials.topic, 'apns-collapse-id': 'ticker-7',
      'apns-expiration': String(Math.floor(sent.expiresAt.getTime() / 1000)), 'apns-id': sent.id,
    });
    expect(delivery.payload).toMatchObject({
      aps: { alert: { title: sent.title, body: sent.body }, 'interruption-level': 'time-sensitive' }, url: sent.url, cursor: sent.cursor,
    });
  });

  it('reports an uninstalled app (410 Unregistered) and a bad token (400 BadDeviceToken) as gone', async () => {
    const token = apns.newDeviceToken();
    apns.unregister(token);
    expect(await provider.send(token, message())).toMatchObject({ state: 'gone', status: 410 });
    expect(await provider.send('not-a-token', message())).toMatchObject({ state: 'gone', status: 400, error: 'APNs answered 400 BadDeviceToken' });
  });

  it('retries on 429 and 503 after the Retry-After', async () => {
    apns.answer = () => ({ status: 503, headers: { 'retry-after': '3' }, body: JSON.stringify({ reason: 'ServiceUnavailable' }) });
    try {
      expect(await provider.send(apns.newDeviceToken(), message())).toMatchObject({ state: 'retry', status: 503, retryAfterMs: 3_000 });
    } finally {
      apns.answer = undefined;
    }
  });
});

describe('FCM HTTP v1 (OAuth2 service account, messages:send over HTTP/2) against a server that checks them', () => {
  let fcm: FcmServer;
  let provider: FcmProvider;

  beforeAll(async () => {
    fcm = await startFcmServer();
    provider = new FcmProvider(fcm.account, { endpoint: fcm.origin, extraCa: fcm.ca, ...timing });
  });
  afterAll(async () => {
    await provider.close();
    await fcm.stop();
  });

  it('exchanges one access token for many messages in flight, each with its data, ttl, collapse key and tag', async () => {
    const tokens = Array.from({ length: 50 }, () => fcm.newRegistrationToken());
    const sent = message({ urgency: 3 });
    const outcomes = await Promise.all(tokens.map((token) => provider.send(token, sent)));
    expect(outcomes.every((o) => o.state === 'sent')).toBe(true);
    expect(fcm.refused).toEqual([]);
    expect(fcm.tokensIssued).toBe(1);
    const delivery = fcm.received.find((d) => d.token === tokens[0])!;
    expect(delivery.message.notification).toEqual({ title: sent.title, body: sent.body });
    expect(delivery.message.data).toMatchObject({ cursor: sent.cursor, url: sent.url, tickerId: sent.tickerId, urgency: '3' });
    expect(delivery.message.android).toMatchObject({ priority: 'NORMAL', collapse_key: 'ticker-7', notification: { tag: 'ticker-7' } });
    expect(delivery.message.android!.ttl).toMatch(/^3(59\d|600)s$/);
  });

  it('asks for a new access token once the cached one is about to expire', async () => {
    const short = await startFcmServer();
    short.accessTokenSeconds = 30; // inside the one-minute margin: never reused
    const client = new FcmProvider(short.account, { endpoint: short.origin, extraCa: short.ca, ...timing });
    try {
      await client.send(short.newRegistrationToken(), message());
      await client.send(short.newRegistrationToken(), message());
      expect(short.tokensIssued).toBe(2);
      expect(short.received).toHaveLength(2);
    } finally {
      await client.close();
      await short.stop();
    }
  });

  it('reports an unregistered token (404 UNREGISTERED) and an invalid one (400 on message.token) as gone', async () => {
    const token = fcm.newRegistrationToken();
    fcm.unregister(token);
    expect(await provider.send(token, message())).toMatchObject({ state: 'gone', status: 404, error: 'FCM answered 404 UNREGISTERED' });
    expect(await provider.send('garbage', message())).toMatchObject({ state: 'gone', status: 400 });
  });

  it('retries a quota refusal after its Retry-After', async () => {
    fcm.answer = () => ({ status: 429, headers: { 'retry-after': '11' }, body: JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ errorCode: 'QUOTA_EXCEEDED' }] } }) });
    try {
      expect(await provider.send(fcm.newRegistrationToken(), message())).toMatchObject({ state: 'retry', status: 429, retryAfterMs: 11_000 });
    } finally {
      fcm.answer = undefined;
    }
  });
});
