import crypto from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { Answer, json, startPeerServer } from './peer';
import type { TestCertificate } from './tls';

export interface ApnsDelivery {
  token: string;
  headers: Record<string, string>;
  payload: { aps: { alert: { title: string; body: string } } } & Record<string, unknown>;
  at: number;
}

/** The credentials an app's developer account would hand out: the .p8 key (PEM), its id, the team, the bundle id. */
export interface ApnsTestCredentials {
  key: string;
  keyId: string;
  teamId: string;
  topic: string;
}

export interface ApnsServer {
  origin: string;
  ca: string;
  credentials: ApnsTestCredentials;
  /** A device token as iOS hands one to the app (32 bytes, hex). */
  newDeviceToken(): string;
  /** The app was removed from the device: its token answers 410 Unregistered from now on. */
  unregister(token: string): void;
  received: ApnsDelivery[];
  refused: { token: string; status: number; reason: string }[];
  /** Provider tokens seen, in order (Apple refuses one renewed more often than every 20 minutes). */
  providerTokens: string[];
  answer?: (delivery: ApnsDelivery) => Answer | undefined;
  verifyEvery: number;
  stop(): Promise<void>;
}

/**
 * APNs as Apple documents it: HTTP/2 over TLS only; a provider token (ES256 JWT, header kid = the key id, iss = the
 * team, iat within the hour, not renewed more than once per 20 minutes); apns-topic, apns-push-type, apns-priority,
 * apns-expiration, apns-collapse-id (≤ 64 bytes) and apns-id (a UUID) checked; reasons in a JSON body.
 */
export async function startApnsServer(options: { certificate?: TestCertificate; port?: number } = {}): Promise<ApnsServer> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const credentials: ApnsTestCredentials = {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: crypto.randomBytes(5).toString('hex').toUpperCase(),
    teamId: crypto.randomBytes(5).toString('hex').toUpperCase(),
    topic: 'ma.khabar.app',
  };
  const verificationKey = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'ES256');
  const unregistered = new Map<string, number>();
  const verified = new Set<string>();
  let lastTokenAt = 0;
  let count = 0;
  const server: ApnsServer = {
    origin: '',
    ca: '',
    credentials,
    received: [],
    refused: [],
    providerTokens: [],
    verifyEvery: 1,
    newDeviceToken: () => crypto.randomBytes(32).toString('hex'),
    unregister: (token) => void unregistered.set(token, Date.now()),
    stop: async () => undefined,
  };
  const refuse = (token: string, status: number, reason: string): Answer => {
    server.refused.push({ token, status, reason });
    return json(status, { reason });
  };

  const peer = await startPeerServer(async (req, body) => {
    const match = /^\/3\/device\/([^/]+)$/.exec(req.url);
    const token = match ? decodeURIComponent(match[1]) : '';
    if (req.method !== 'POST') return refuse(token, 405, 'MethodNotAllowed');
    if (!match) return refuse(token, 404, 'BadPath');
    const authorization = /^bearer (\S+)$/.exec(String(req.headers.authorization ?? ''));
    if (!authorization) return refuse(token, 403, 'MissingProviderToken');
    const jwt = authorization[1];
    if (!server.providerTokens.includes(jwt)) {
      if (server.providerTokens.length > 0 && Date.now() - lastTokenAt < 20 * 60_000) return refuse(token, 429, 'TooManyProviderTokenUpdates');
      lastTokenAt = Date.now();
      server.providerTokens.push(jwt);
    }
    if (!verified.has(jwt)) {
      try {
        const header = decodeProtectedHeader(jwt);
        if (header.kid !== credentials.keyId) throw new Error('kid');
        const { payload } = await jwtVerify(jwt, verificationKey, { algorithms: ['ES256'], issuer: credentials.teamId });
        if (typeof payload.iat !== 'number') throw new Error('iat');
      } catch {
        return refuse(token, 403, 'InvalidProviderToken');
      }
      verified.add(jwt);
    }
    const { iat } = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { iat: number };
    if (Date.now() / 1000 - iat > 3600) return refuse(token, 403, 'ExpiredProviderToken');
    count += 1;
    const h = (name: string) => req.headers[name] as string | undefined;
    if (h('apns-topic') !== credentials.topic) return refuse(token, 400, h('apns-topic') ? 'TopicDisallowed' : 'MissingTopic');
    if (h('apns-push-type') !== 'alert') return refuse(token, 400, 'InvalidPushType');
    if (!['5', '10'].includes(h('apns-priority') ?? '10')) return refuse(token, 400, 'BadPriority');
    if (h('apns-expiration') !== undefined && !/^\d+$/.test(h('apns-expiration')!)) return refuse(token, 400, 'BadExpirationDate');
    if (h('apns-collapse-id') !== undefined && Buffer.byteLength(h('apns-collapse-id')!) > 64) return refuse(token, 400, 'BadCollapseId');
    if (h('apns-id') !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(h('apns-id')!)) return refuse(token, 400, 'BadMessageId');
    if (!/^[0-9a-f]{64}$/i.test(token)) return refuse(token, 400, 'BadDeviceToken');
    if (unregistered.has(token)) {
      server.refused.push({ token, status: 410, reason: 'Unregistered' });
      return json(410, { reason: 'Unregistered', timestamp: unregistered.get(token) });
    }
    if (body.length === 0) return refuse(token, 400, 'PayloadEmpty');
    if (body.length > 4096) return refuse(token, 413, 'PayloadTooLarge');
    let payload: ApnsDelivery['payload'];
    try {
      payload = JSON.parse(body.toString('utf8'));
      if (count % server.verifyEvery === 0 && (typeof payload.aps?.alert?.title !== 'string' || typeof payload.aps.alert.body !== 'string')) throw new Error();
    } catch {
      return refuse(token, 400, 'BadPayload');
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('apns-')).map(([n, v]) => [n, String(v)]));
    const delivery: ApnsDelivery = { token, headers, payload, at: Date.now() };
    const scripted = server.answer?.(delivery);
    if (scripted) return scripted;
    server.received.push(delivery);
    return { status: 200, headers: { 'apns-id': h('apns-id') ?? crypto.randomUUID() } };
  }, { certificate: options.certificate, port: options.port });
  server.origin = peer.origin;
  server.ca = peer.ca;
  server.stop = peer.stop;
  return server;
}
