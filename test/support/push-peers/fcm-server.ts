import crypto from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { Answer, json, startPeerServer } from './peer';
import type { TestCertificate } from './tls';

export interface FcmDelivery {
  token: string;
  message: {
    token: string;
    notification?: { title?: string; body?: string };
    data?: Record<string, string>;
    android?: { priority?: string; ttl?: string; collapse_key?: string; notification?: { tag?: string } };
  };
  at: number;
}

/** A service-account key file as the Firebase console downloads it, pointing at this server's token endpoint. */
export interface FcmTestAccount {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  token_uri: string;
}

export interface FcmServer {
  origin: string;
  ca: string;
  account: FcmTestAccount;
  newRegistrationToken(): string;
  /** The app was uninstalled: its token answers 404 UNREGISTERED from now on. */
  unregister(token: string): void;
  received: FcmDelivery[];
  refused: { token: string; status: number; reason: string }[];
  /** Access tokens issued by the token endpoint. */
  tokensIssued: number;
  /** Lifetime of the access tokens it issues, seconds. */
  accessTokenSeconds: number;
  answer?: (delivery: FcmDelivery) => Answer | undefined;
  stop(): Promise<void>;
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** Google's error body, with the FCM error code in its details. */
function fcmError(status: number, code: string, errorCode: string | null, fields: string[] = []): Answer {
  const details: unknown[] = [];
  if (errorCode) details.push({ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode });
  if (fields.length) details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: fields.map((field) => ({ field, description: `Invalid value at '${field}'` })) });
  return json(status, { error: { code: status, message: code, status: code, details } });
}

/**
 * FCM HTTP v1 and Google's OAuth2 token endpoint on one HTTPS origin: the endpoint verifies the service account's
 * RS256 assertion (iss, aud, scope, lifetime) and issues short-lived access tokens; messages:send wants one of them
 * as bearer and checks the message as the v1 API does (one target, string data values, android ttl and priority).
 */
export async function startFcmServer(options: { certificate?: TestCertificate; port?: number } = {}): Promise<FcmServer> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const verificationKey = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'RS256');
  const accessTokens = new Map<string, number>();
  const unregistered = new Set<string>();
  const server: FcmServer = {
    origin: '',
    ca: '',
    account: {
      type: 'service_account',
      project_id: 'khabar-test',
      private_key_id: crypto.randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: 'khabar-push@khabar-test.iam.gserviceaccount.com',
      token_uri: '',
    },
    received: [],
    refused: [],
    tokensIssued: 0,
    accessTokenSeconds: 3600,
    newRegistrationToken: () => `${crypto.randomBytes(11).toString('base64url')}:APA91b${crypto.randomBytes(100).toString('base64url')}`,
    unregister: (token) => void unregistered.add(token),
    stop: async () => undefined,
  };
  const refuse = (token: string, answer: Answer & { status: number }, reason: string): Answer => {
    server.refused.push({ token, status: answer.status, reason });
    return answer;
  };

  const peer = await startPeerServer(async (req, body) => {
    if (req.method === 'POST' && req.url === '/token') {
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return json(400, { error: 'unsupported_grant_type' });
      try {
        const { payload } = await jwtVerify(form.get('assertion') ?? '', verificationKey, {
          algorithms: ['RS256'], issuer: server.account.client_email, audience: server.account.token_uri,
        });
        if (!String(payload.scope ?? '').split(' ').includes(SCOPE)) throw new Error('scope');
        if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number' || payload.exp - payload.iat > 3600) throw new Error('lifetime');
      } catch (error) {
        return json(400, { error: 'invalid_grant', error_description: (error as Error).message });
      }
      const token = `ya29.${crypto.randomBytes(24).toString('base64url')}`;
      accessTokens.set(token, Date.now() + server.accessTokenSeconds * 1000);
      server.tokensIssued += 1;
      return json(200, { access_token: token, expires_in: server.accessTokenSeconds, token_type: 'Bearer' });
    }
    const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(req.url);
    if (req.method !== 'POST' || !send) return json(404, { error: { code: 404, status: 'NOT_FOUND' } });
    let message: FcmDelivery['message'] | undefined;
    try {
      message = (JSON.parse(body.toString('utf8')) as { message?: FcmDelivery['message'] }).message;
    } catch {
      return refuse('', fcmError(400, 'INVALID_ARGUMENT', null, ['message']) as { status: number }, 'bad JSON');
    }
    const token = message?.token ?? '';
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''));
    const expires = bearer ? accessTokens.get(bearer[1]) : undefined;
    if (!expires || expires < Date.now()) return refuse(token, fcmError(401, 'UNAUTHENTICATED', 'THIRD_PARTY_AUTH_ERROR') as { status: number }, 'bad access token');
    if (send[1] !== server.account.project_id) return refuse(token, fcmError(403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH') as { status: number }, 'wrong project');
    if (!message || typeof message.token !== 'string') return refuse(token, fcmError(400, 'INVALID_ARGUMENT', null, ['message.token']) as { status: number }, 'no target');
    const data = message.data ?? {};
    if (Object.values(data).some((value) => typeof value !== 'string')) return refuse(token, fcmError(400, 'INVALID_ARGUMENT', null, ['message.data']) as { status: number }, 'data values must be strings');
    const android = message.android ?? {};
    if (android.ttl !== undefined && !/^\d+(\.\d{1,9})?s$/.test(android.ttl)) return refuse(token, fcmError(400, 'INVALID_ARGUMENT', null, ['message.android.ttl']) as { status: number }, 'bad ttl');
    if (android.priority !== undefined && !['NORMAL', 'HIGH'].includes(android.priority)) return refuse(token, fcmError(400, 'INVALID_ARGUMENT', null, ['message.android.priority']) as { status: number }, 'bad priority');
    if (!/^[\w-]+:APA91b[\w-]+$/.test(token)) return refuse(token, fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', ['message.token']) as { status: number }, 'not a registration token');
    if (unregistered.has(token)) return refuse(token, fcmError(404, 'NOT_FOUND', 'UNREGISTERED') as { status: number }, 'unregistered');
    const delivery: FcmDelivery = { token, message, at: Date.now() };
    const scripted = server.answer?.(delivery);
    if (scripted) return scripted;
    server.received.push(delivery);
    return json(200, { name: `projects/${send[1]}/messages/${crypto.randomUUID()}` });
  }, { protocols: 'h2+h1', certificate: options.certificate, port: options.port });
  server.origin = peer.origin;
  server.ca = peer.ca;
  server.account.token_uri = `${peer.origin}/token`;
  server.stop = peer.stop;
  return server;
}
