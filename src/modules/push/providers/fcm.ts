import crypto, { type KeyObject } from 'node:crypto';
import type { Outcome } from '../../../delivery/jobs';
import { OriginClient, TransportError } from '../../../delivery/http-client';
import { signJwt } from './jwt';
import { genericOutcome, messageData, PushMessage, PushProvider, transportOutcome, ttlSeconds } from './message';

/** The fields of a Google service-account key file (JSON) that FCM HTTP v1 needs. */
export interface FcmServiceAccount {
  project_id: string;
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri: string;
}

export interface FcmOptions {
  /** https://fcm.googleapis.com by default. */
  endpoint: string;
  /** Overrides the account's token_uri (where the signed assertion is exchanged for an access token). */
  tokenUrl?: string;
  extraCa?: string;
  timeoutMs: number;
  maxStreams: number;
  maxSessions: number;
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** An access token is used until a minute before it expires. */
const TOKEN_MARGIN_MS = 60_000;

/** FCM HTTP v1: a service-account JWT exchanged for an OAuth2 access token (cached), then messages:send over HTTP/2. */
export class FcmProvider implements PushProvider<string> {
  private readonly key: KeyObject;
  private readonly client: OriginClient;
  private readonly tokenClient: OriginClient;
  private readonly tokenUrl: URL;
  private accessToken: { value: string; expires: number } | null = null;
  private fetching: Promise<string> | null = null;
  private readonly rests = new WeakMap<PushMessage, { ttl: string; json: string }>();

  constructor(private readonly account: FcmServiceAccount, private readonly options: FcmOptions) {
    this.key = crypto.createPrivateKey(account.private_key);
    this.client = new OriginClient(options.endpoint, { protocol: 'h2', extraCa: options.extraCa, timeoutMs: options.timeoutMs, maxStreams: options.maxStreams, maxSessions: options.maxSessions });
    this.tokenUrl = new URL(options.tokenUrl ?? account.token_uri);
    this.tokenClient = new OriginClient(this.tokenUrl.origin, { protocol: 'negotiate', extraCa: options.extraCa, timeoutMs: options.timeoutMs, maxStreams: 4, maxSessions: 1 });
  }

  async send(registrationToken: string, message: PushMessage): Promise<Outcome> {
    try {
      const accessToken = await this.token();
      const response = await this.client.request({
        method: 'POST',
        path: `/v1/projects/${encodeURIComponent(this.account.project_id)}/messages:send`,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: `{"message":{"token":${JSON.stringify(registrationToken)},${this.rest(message)}}}`,
      });
      if (response.status === 200) return { state: 'sent', status: 200 };
      const error = errorOf(response.body);
      if (response.status === 404 || error.code === 'UNREGISTERED' || error.code === 'SENDER_ID_MISMATCH'
        || (error.code === 'INVALID_ARGUMENT' && error.fields.includes('message.token'))) {
        return { state: 'gone', status: response.status, error: `FCM answered ${response.status} ${error.code}` };
      }
      if (response.status === 401) {
        if (this.accessToken?.value === accessToken) this.accessToken = null;
        return { state: 'retry', status: 401, error: 'FCM refused the access token', retryAfterMs: 0 };
      }
      return genericOutcome(response, `FCM (${error.code})`);
    } catch (error) {
      return transportOutcome(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.client.close(), this.tokenClient.close()]);
  }

  /** The message's fields after the token, as JSON without its braces: the same for every device of a message until its TTL ticks. */
  private rest(message: PushMessage): string {
    const ttl = `${ttlSeconds(message)}s`;
    const cached = this.rests.get(message);
    if (cached?.ttl === ttl) return cached.json;
    const json = JSON.stringify({
      notification: { title: message.title, body: message.body },
      data: messageData(message),
      android: {
        priority: message.urgency <= 2 ? 'HIGH' : 'NORMAL',
        ttl,
        collapse_key: message.collapseId,
        notification: { tag: message.collapseId },
      },
    }).slice(1, -1);
    this.rests.set(message, { ttl, json });
    return json;
  }

  /** The cached access token, or a new one (concurrent callers share one exchange). */
  private async token(): Promise<string> {
    if (this.accessToken && this.accessToken.expires - TOKEN_MARGIN_MS > Date.now()) return this.accessToken.value;
    this.fetching ??= this.exchange().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async exchange(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const assertion = signJwt('RS256', { typ: 'JWT', ...(this.account.private_key_id ? { kid: this.account.private_key_id } : {}) },
      { iss: this.account.client_email, scope: SCOPE, aud: this.tokenUrl.href, iat: now, exp: now + 3600 }, this.key);
    const response = await this.tokenClient.request({
      method: 'POST',
      path: `${this.tokenUrl.pathname}${this.tokenUrl.search}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    });
    if (response.status !== 200) {
      throw new TransportError(`the OAuth2 token endpoint answered ${response.status}: ${response.body.toString('utf8').slice(0, 200)}`);
    }
    const answer = JSON.parse(response.body.toString('utf8')) as { access_token: string; expires_in: number };
    this.accessToken = { value: answer.access_token, expires: Date.now() + answer.expires_in * 1000 };
    return answer.access_token;
  }
}

/** FCM's error code (details[].errorCode, else the status) and the request fields it blames. */
function errorOf(body: Buffer): { code: string; fields: string[] } {
  try {
    const { error } = JSON.parse(body.toString('utf8')) as {
      error?: { status?: string; details?: { errorCode?: string; fieldViolations?: { field?: string }[] }[] };
    };
    const details = error?.details ?? [];
    const code = details.find((d) => d.errorCode)?.errorCode ?? error?.status ?? '';
    const fields = details.flatMap((d) => d.fieldViolations ?? []).map((v) => v.field ?? '');
    return { code, fields };
  } catch {
    return { code: '', fields: [] };
  }
}
