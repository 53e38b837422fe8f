import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { importJWK, jwtVerify } from 'jose';
import { Answer, PeerProtocols, startPeerServer } from './peer';
import type { TestCertificate } from './tls';

// http_ece is an independent implementation of RFC 8188/8291: what Khabar encrypts, it must decrypt.
const ece = createRequire(__filename)('http_ece') as { decrypt(body: Buffer, params: Record<string, unknown>): Buffer };

export interface WebPushDelivery {
  endpoint: string;
  /** The decrypted payload, parsed. */
  payload: Record<string, string>;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  at: number;
}

export interface BrowserSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebPushReceiver {
  origin: string;
  ca: string;
  /** What a browser gets from pushManager.subscribe({ applicationServerKey }). */
  subscribe(applicationServerKey: string): BrowserSubscription;
  /** The subscription is withdrawn: its endpoint answers 410 from now on. */
  expire(endpoint: string): void;
  received: WebPushDelivery[];
  /** Requests that failed a check, with the reason, as a push service refuses them. */
  refused: { endpoint: string; status: number; reason: string }[];
  /** Optional script after the checks passed: another answer than 201 (503, 429, hold). */
  answer?: (delivery: WebPushDelivery) => Answer | undefined;
  /** Distinct VAPID tokens seen. */
  vapidTokens: Set<string>;
  /** TLS connections accepted so far. */
  connections(): number;
  /** Whether to decrypt and check every message (default) or every n-th (the benchmark, so the peer is not the bottleneck). */
  verifyEvery: number;
  stop(): Promise<void>;
}

interface Subscription {
  ecdh: crypto.ECDH;
  auth: Buffer;
  applicationServerKey: string;
  expired: boolean;
}

/**
 * A push service as RFC 8030 and the browsers' ones behave: it holds the subscriptions it issued, checks the VAPID
 * token (RFC 8292: ES256, signed by the key the subscription was made with, audience = this origin, expiry within 24
 * hours, a contact) and the headers (TTL required, Urgency, Topic), and decrypts the aes128gcm body (RFC 8291) with
 * the subscription's private key.
 */
export async function startWebPushReceiver(options: { certificate?: TestCertificate; protocols?: PeerProtocols; port?: number } = {}): Promise<WebPushReceiver> {
  const subscriptions = new Map<string, Subscription>();
  const verifiedTokens = new Set<string>();
  let count = 0;
  const receiver: WebPushReceiver = {
    origin: '',
    ca: '',
    received: [],
    refused: [],
    vapidTokens: new Set(),
    connections: () => 0,
    verifyEvery: 1,
    subscribe(applicationServerKey) {
      const ecdh = crypto.createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = crypto.randomBytes(16);
      const id = crypto.randomBytes(12).toString('base64url');
      subscriptions.set(id, { ecdh, auth, applicationServerKey, expired: false });
      return { endpoint: `${receiver.origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey('base64url'), auth: auth.toString('base64url') } };
    },
    expire(endpoint) {
      const subscription = subscriptions.get(endpoint.split('/').pop()!);
      if (subscription) subscription.expired = true;
    },
    stop: async () => undefined,
  };
  const refuse = (endpoint: string, status: number, reason: string): Answer => {
    receiver.refused.push({ endpoint, status, reason });
    return { status, body: JSON.stringify({ code: status, errno: 0, error: reason, message: reason }) };
  };

  const server = await startPeerServer(async (req, body) => {
    const endpoint = `${receiver.origin}${req.url}`;
    const match = /^\/push\/([\w-]+)$/.exec(req.url);
    const subscription = match ? subscriptions.get(match[1]) : undefined;
    if (req.method !== 'POST') return refuse(endpoint, 405, 'method not allowed');
    if (!subscription) return refuse(endpoint, 404, 'no such subscription');
    if (subscription.expired) return { status: 410, body: JSON.stringify({ code: 410, errno: 106, error: 'Gone', message: 'subscription expired' }) };
    count += 1;
    const verify = count % receiver.verifyEvery === 0;

    const vapid = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(String(req.headers.authorization ?? ''));
    if (!vapid) return refuse(endpoint, 401, 'missing or malformed VAPID authorization');
    receiver.vapidTokens.add(vapid[1]);
    if (vapid[2] !== subscription.applicationServerKey) return refuse(endpoint, 403, 'k is not the key the subscription was made with');
    // A push service checks a token once and trusts it until it expires, as the real ones do with a cache.
    if (verify && !verifiedTokens.has(vapid[1])) {
      const point = Buffer.from(vapid[2], 'base64url');
      const key = await importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, 'ES256');
      try {
        const { payload, protectedHeader } = await jwtVerify(vapid[1], key, { algorithms: ['ES256'], audience: receiver.origin });
        if (protectedHeader.typ !== undefined && protectedHeader.typ !== 'JWT') throw new Error('typ');
        const now = Date.now() / 1000;
        if (typeof payload.exp !== 'number' || payload.exp > now + 24 * 3600) throw new Error('exp more than 24 hours away');
        if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub)) throw new Error('sub is not a mailto: or https: contact');
      } catch (error) {
        return refuse(endpoint, 401, `invalid VAPID token: ${(error as Error).message}`);
      }
      verifiedTokens.add(vapid[1]);
    }
    const ttl = req.headers.ttl;
    if (typeof ttl !== 'string' || !/^\d+$/.test(ttl)) return refuse(endpoint, 400, 'missing TTL header');
    const urgency = req.headers.urgency as string | undefined;
    if (urgency !== undefined && !['very-low', 'low', 'normal', 'high'].includes(urgency)) return refuse(endpoint, 400, 'bad Urgency');
    const topic = req.headers.topic as string | undefined;
    if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return refuse(endpoint, 400, 'bad Topic');
    if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(endpoint, 415, 'content-encoding must be aes128gcm');
    if (body.length > 4096) return refuse(endpoint, 413, 'payload too large');
    let payload: Record<string, string> = {};
    if (verify) {
      try {
        payload = JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: subscription.ecdh, authSecret: subscription.auth }).toString('utf8'));
      } catch (error) {
        return refuse(endpoint, 400, `cannot decrypt: ${(error as Error).message}`);
      }
    }
    const delivery: WebPushDelivery = { endpoint, payload, ttl: Number(ttl), urgency, topic, at: Date.now() };
    const scripted = receiver.answer?.(delivery);
    if (scripted) return scripted;
    receiver.received.push(delivery);
    return { status: 201, headers: { location: `${receiver.origin}/message/${crypto.randomUUID()}` } };
  }, { protocols: 'h2+h1', ...options });
  receiver.origin = server.origin;
  receiver.ca = server.ca;
  receiver.stop = server.stop;
  receiver.connections = server.connections;
  return receiver;
}
