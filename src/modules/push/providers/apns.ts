import crypto, { type KeyObject } from 'node:crypto';
import type { Outcome } from '../../../delivery/jobs';
import { OriginClient } from '../../../delivery/http-client';
import { signJwt } from './jwt';
import { genericOutcome, PushMessage, PushProvider, transportOutcome } from './message';

/** Token-based APNs credentials: the .p8 key made in Apple's developer account, its key id, the team, the app. */
export interface ApnsCredentials {
  /** PEM (PKCS#8) of the ES256 signing key. */
  key: string;
  keyId: string;
  teamId: string;
  /** The app's bundle id (the apns-topic). */
  topic: string;
  /** https://api.push.apple.com, or https://api.sandbox.push.apple.com for development builds. */
  endpoint: string;
}

export interface ApnsOptions {
  extraCa?: string;
  timeoutMs: number;
  maxStreams: number;
  maxSessions: number;
}

/** Apple refuses a provider token older than an hour and one renewed more often than every 20 minutes: renew at 50. */
const TOKEN_RENEW_MS = 50 * 60_000;

/** Answers that mean the device token will never work again: the device is removed. */
const GONE_REASONS = new Set(['BadDeviceToken', 'Unregistered', 'DeviceTokenNotForTopic']);

/** APNs over HTTP/2 with an ES256 provider token. */
export class ApnsProvider implements PushProvider<string> {
  private readonly key: KeyObject;
  private readonly client: OriginClient;
  private token: { jwt: string; issuedAt: number } | null = null;

  constructor(private readonly credentials: ApnsCredentials, options: ApnsOptions) {
    this.key = crypto.createPrivateKey(credentials.key);
    this.client = new OriginClient(credentials.endpoint, { protocol: 'h2', ...options });
  }

  async send(deviceToken: string, message: PushMessage): Promise<Outcome> {
    const body = JSON.stringify({
      aps: {
        alert: { title: message.title, body: message.body },
        sound: 'default',
        'thread-id': 'breaking-news',
        // Flashes break through Focus modes; the rest arrive as ordinary alerts.
        'interruption-level': message.urgency === 1 ? 'time-sensitive' : 'active',
      },
      url: message.url,
      cursor: message.cursor,
      tickerId: message.tickerId,
      urgency: message.urgency,
      kind: message.kind,
    });
    const token = this.providerToken();
    try {
      const response = await this.client.request({
        method: 'POST',
        path: `/3/device/${encodeURIComponent(deviceToken)}`,
        headers: {
          authorization: `bearer ${token}`,
          'apns-topic': this.credentials.topic,
          'apns-push-type': 'alert',
          'apns-priority': '10',
          'apns-expiration': String(Math.floor(message.expiresAt.getTime() / 1000)),
          'apns-collapse-id': message.collapseId,
          ...(message.id ? { 'apns-id': message.id } : {}),
          'content-type': 'application/json',
        },
        body,
      });
      if (response.status === 200) return { state: 'sent', status: 200 };
      const reason = reasonOf(response.body);
      if (response.status === 410 || GONE_REASONS.has(reason)) {
        return { state: 'gone', status: response.status, error: `APNs answered ${response.status} ${reason}` };
      }
      if (response.status === 403 && (reason === 'ExpiredProviderToken' || reason === 'InvalidProviderToken')) {
        // Sign a new token for the next attempt (only if this one is still the current token).
        if (this.token?.jwt === token) this.token = null;
        return { state: 'retry', status: 403, error: `APNs answered 403 ${reason}`, retryAfterMs: 0 };
      }
      return genericOutcome(response, `APNs (${reason})`);
    } catch (error) {
      return transportOutcome(error);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private providerToken(): string {
    const now = Date.now();
    if (!this.token || now - this.token.issuedAt >= TOKEN_RENEW_MS) {
      const jwt = signJwt('ES256', { kid: this.credentials.keyId }, { iss: this.credentials.teamId, iat: Math.floor(now / 1000) }, this.key);
      this.token = { jwt, issuedAt: now };
    }
    return this.token.jwt;
  }
}

function reasonOf(body: Buffer): string {
  try {
    return String((JSON.parse(body.toString('utf8')) as { reason?: string }).reason ?? '');
  } catch {
    return '';
  }
}
