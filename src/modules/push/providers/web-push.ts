import crypto, { type KeyObject } from 'node:crypto';
import type { Outcome } from '../../../delivery/jobs';
import { OriginClient } from '../../../delivery/http-client';
import { signJwt } from './jwt';
import { genericOutcome, messageData, PushMessage, PushProvider, transportOutcome, ttlSeconds } from './message';

/** A browser's push subscription (PushSubscription.toJSON()). */
export interface WebPushSubscription {
  endpoint: string;
  /** The browser's P-256 public key, uncompressed, base64url. */
  p256dh: string;
  /** Its 16-byte authentication secret, base64url. */
  auth: string;
}

/** The application server's VAPID key pair (RFC 8292), base64url as browsers and web-push take them. */
export interface VapidKeys {
  /** Uncompressed P-256 point (65 bytes): the `applicationServerKey` browsers subscribe with. */
  publicKey: string;
  /** The private scalar (32 bytes). */
  privateKey: string;
  /** Who to contact about this sender: a mailto: or https: URI. */
  subject: string;
}

export function generateVapidKeys(subject: string): VapidKeys {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey('base64url'), privateKey: ecdh.getPrivateKey('base64url'), subject };
}

/** Whether a VAPID key pair is well formed and its halves belong together. */
export function checkVapidKeys(keys: Pick<VapidKeys, 'publicKey' | 'privateKey'>): void {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
  if (ecdh.getPublicKey('base64url') !== keys.publicKey) throw new Error('VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY');
}

const RECORD_SIZE = 4096;
/** Most push services refuse more than 4096 bytes of encrypted body. */
export const MAX_PAYLOAD_BYTES = RECORD_SIZE - 16 - 4 - 1 - 65 - 16 - 1;

const KEY_INFO = Buffer.from('WebPush: info\0');
/** The HKDF infos of the content key and nonce, each with the 0x01 of its one expand block. */
const CEK_INFO = Buffer.from('Content-Encoding: aes128gcm\0\x01', 'latin1');
const NONCE_INFO = Buffer.from('Content-Encoding: nonce\0\x01', 'latin1');
const ONE = Buffer.from([1]);
/** The last (and only) record ends with the delimiter 0x02 and no padding. */
const LAST_RECORD = Buffer.from([2]);
const HEADER_BYTES = 16 + 4 + 1 + 65;
/** generateKeys() replaces its key pair on every call: one object serves each message a fresh pair without the cost of creating it (about 15 µs). */
const messageKeys = crypto.createECDH('prime256v1');

/**
 * RFC 8291 message encryption (the `aes128gcm` content coding of RFC 8188 with a Web Push key derivation): a fresh
 * ECDH key pair and salt per message, one record. Nothing is cached across messages but constants and the random
 * bytes salts are cut from (each byte used once).
 */
export function encryptPayload(payload: Buffer, subscription: Pick<WebPushSubscription, 'p256dh' | 'auth'>): Buffer {
  if (payload.length > MAX_PAYLOAD_BYTES) throw new Error(`a Web Push payload holds at most ${MAX_PAYLOAD_BYTES} bytes`);
  const uaPublic = Buffer.from(subscription.p256dh, 'base64url');
  const authSecret = Buffer.from(subscription.auth, 'base64url');
  const asPublic = messageKeys.generateKeys();
  const ecdhSecret = messageKeys.computeSecret(uaPublic);
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length + 1 + 16);
  const salt = randomSalt(out);
  out.writeUInt32BE(RECORD_SIZE, 16);
  out.writeUInt8(asPublic.length, 20);
  asPublic.copy(out, 21);
  // HKDF-SHA-256 (RFC 5869) with one expand block each: every length here is at most 32.
  const ikm = hmac(hmac(authSecret, [ecdhSecret]), [KEY_INFO, uaPublic, asPublic, ONE]);
  const prk = hmac(salt, [ikm]);
  const cek = hmac(prk, [CEK_INFO]).subarray(0, 16);
  const nonce = hmac(prk, [NONCE_INFO]).subarray(0, 12);
  const cipher = crypto.createCipheriv('aes-128-gcm', cek, nonce);
  let at = HEADER_BYTES + cipher.update(payload).copy(out, HEADER_BYTES);
  at += cipher.update(LAST_RECORD).copy(out, at);
  at += cipher.final().copy(out, at);
  cipher.getAuthTag().copy(out, at);
  return out;
}

function hmac(key: Buffer, parts: Buffer[]): Buffer {
  const mac = crypto.createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

const saltPool = Buffer.alloc(4096);
let saltAt = saltPool.length;

/** 16 fresh random bytes written at the start of `into` (and returned as a view of them): each pool byte serves once. */
function randomSalt(into: Buffer): Buffer {
  if (saltAt + 16 > saltPool.length) {
    crypto.randomFillSync(saltPool);
    saltAt = 0;
  }
  saltPool.copy(into, 0, saltAt, saltAt + 16);
  saltAt += 16;
  return into.subarray(0, 16);
}

/** VAPID tokens live 12 hours (RFC 8292 allows 24) and are re-signed an hour before they end. */
const VAPID_LIFETIME_S = 12 * 3600;
const VAPID_RENEW_S = 3600;

export interface WebPushOptions {
  extraCa?: string;
  timeoutMs: number;
  maxStreams: number;
}

/** Web Push (RFC 8030) to the browsers' push services, each origin over its own HTTP/2 (or HTTP/1.1) connections. */
export class WebPushProvider implements PushProvider<WebPushSubscription> {
  private readonly key: KeyObject;
  private readonly origins = new Map<string, OriginClient>();
  private readonly tokens = new Map<string, { header: string; expires: number }>();
  /** The plaintext of a message shared by many subscriptions, serialised once (each is still encrypted on its own). */
  private readonly payloads = new WeakMap<PushMessage, Buffer>();

  constructor(private readonly vapid: VapidKeys, private readonly options: WebPushOptions) {
    const point = Buffer.from(vapid.publicKey, 'base64url');
    this.key = crypto.createPrivateKey({
      format: 'jwk',
      key: { kty: 'EC', crv: 'P-256', d: vapid.privateKey, x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    });
  }

  async send(subscription: WebPushSubscription, message: PushMessage): Promise<Outcome> {
    const endpoint = new URL(subscription.endpoint);
    let payload = this.payloads.get(message);
    if (!payload) {
      payload = Buffer.from(JSON.stringify(messageData(message)));
      this.payloads.set(message, payload);
    }
    const body = encryptPayload(payload, subscription);
    try {
      const response = await this.client(endpoint.origin).request({
        method: 'POST',
        path: `${endpoint.pathname}${endpoint.search}`,
        headers: {
          authorization: this.authorization(endpoint.origin),
          'content-encoding': 'aes128gcm',
          'content-type': 'application/octet-stream',
          ttl: String(ttlSeconds(message)),
          urgency: message.urgency <= 2 ? 'high' : 'normal',
          // RFC 8030 §5.4: a newer message with the same topic replaces one the push service still holds.
          topic: message.collapseId,
        },
        body,
      });
      if (response.status >= 200 && response.status < 300) return { state: 'sent', status: response.status };
      if (response.status === 404 || response.status === 410) {
        return { state: 'gone', status: response.status, error: `the push service answered ${response.status}: the subscription has expired or was withdrawn` };
      }
      return genericOutcome(response, 'the push service');
    } catch (error) {
      return transportOutcome(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.origins.values()].map((client) => client.close()));
    this.origins.clear();
  }

  /** `vapid t=<JWT>, k=<public key>` for the push service at `audience`, signed once per 11 hours per origin. */
  private authorization(audience: string): string {
    const now = Math.floor(Date.now() / 1000);
    let token = this.tokens.get(audience);
    if (!token || token.expires - now < VAPID_RENEW_S) {
      const expires = now + VAPID_LIFETIME_S;
      const jwt = signJwt('ES256', { typ: 'JWT' }, { aud: audience, exp: expires, sub: this.vapid.subject }, this.key);
      token = { header: `vapid t=${jwt}, k=${this.vapid.publicKey}`, expires };
      this.tokens.set(audience, token);
    }
    return token.header;
  }

  private client(origin: string): OriginClient {
    let client = this.origins.get(origin);
    if (!client) {
      client = new OriginClient(origin, { protocol: 'negotiate', extraCa: this.options.extraCa, timeoutMs: this.options.timeoutMs, maxStreams: this.options.maxStreams, maxSessions: 4 });
      this.origins.set(origin, client);
    }
    return client;
  }
}
