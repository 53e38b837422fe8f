import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { PushConfig } from '../../config';
import { parseRegionCode, regionCodeMessage } from '../region/region-code';
import { badInput, notFound } from '../../shared/errors';
import type { RegisterDeviceInput, UpdateDeviceInput, WebPushSubscriptionInput } from './device.inputs';
import { DevicePlatform, DeviceRegistration, DeviceType } from './device.type';
import { webPushEndpointAllowed } from './push.rules';

const MAX_REGION_CODES = 50;
const LOCALE = /^(ar|fr)(-[A-Za-z]{2})?$/;

interface DeviceRow {
  id: string;
  platform: DevicePlatform;
  region_codes: string[];
  min_urgency: number;
  locale: string;
}

/** Where a device is reached: the provider token, or the Web Push endpoint with its keys. */
interface Address {
  address: string;
  p256dh: string | null;
  auth: string | null;
}

const hash = (secret: string) => crypto.createHash('sha256').update(secret).digest();
const toDevice = (row: DeviceRow): DeviceType => Object.assign(new DeviceType(), {
  id: String(row.id), platform: row.platform, regionCodes: row.region_codes, minUrgency: row.min_urgency, locale: row.locale,
});

/** Registrations of readers' devices: checked whole before anything is stored, secrets kept only as hashes. */
export class DeviceWriter {
  constructor(private readonly db: DataSource, private readonly config: PushConfig, private readonly platforms: ReadonlySet<DevicePlatform>) {}

  /** A device registered again (same token or endpoint) keeps its id and gets a new secret and the new filters. */
  async register(input: RegisterDeviceInput): Promise<DeviceRegistration> {
    if (!this.platforms.has(input.platform)) {
      throw badInput(`This server does not send notifications to ${input.platform} devices.`, 'platform', { reason: 'PLATFORM_UNAVAILABLE' });
    }
    const address = this.addressOf(input.platform, input.token, input.webPush);
    const regionCodes = await this.checkRegions(input.regionCodes ?? []);
    const minUrgency = checkUrgency(input.minUrgency ?? 3);
    const locale = checkLocale(input.locale ?? 'ar');
    const secret = crypto.randomBytes(24).toString('base64url');
    const [row]: DeviceRow[] = await this.db.query(
      `INSERT INTO push_device (platform, address, p256dh, auth, region_codes, min_urgency, locale, secret_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ON CONSTRAINT push_device_address_once DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
         region_codes = EXCLUDED.region_codes, min_urgency = EXCLUDED.min_urgency, locale = EXCLUDED.locale,
         secret_hash = EXCLUDED.secret_hash, updated_at = now()
       RETURNING id, platform, region_codes, min_urgency, locale`,
      [input.platform, address.address, address.p256dh, address.auth, regionCodes, minUrgency, locale, hash(secret)]);
    return Object.assign(new DeviceRegistration(), { id: String(row.id), secret, device: toDevice(row) });
  }

  async update(id: string, secret: string, input: UpdateDeviceInput): Promise<DeviceType> {
    const current = await this.authorized(id, secret);
    for (const field of ['regionCodes', 'minUrgency', 'locale'] as const) {
      if (input[field] === null) throw badInput(`${field} cannot be removed, only changed`, field);
    }
    const address = input.token != null || input.webPush != null ? this.addressOf(current.platform, input.token, input.webPush) : null;
    const regionCodes = input.regionCodes ? await this.checkRegions(input.regionCodes) : null;
    const minUrgency = input.minUrgency != null ? checkUrgency(input.minUrgency) : null;
    const locale = input.locale != null ? checkLocale(input.locale) : null;
    try {
      const [[row]]: [DeviceRow[], number] = await this.db.query(
        `UPDATE push_device SET address = coalesce($2, address), p256dh = coalesce($3, p256dh), auth = coalesce($4, auth),
           region_codes = coalesce($5, region_codes), min_urgency = coalesce($6, min_urgency), locale = coalesce($7, locale), updated_at = now()
         WHERE id = $1 RETURNING id, platform, region_codes, min_urgency, locale`,
        [current.id, address?.address ?? null, address?.p256dh ?? null, address?.auth ?? null, regionCodes, minUrgency, locale]);
      return toDevice(row);
    } catch (error) {
      if ((error as { driverError?: { constraint?: string } }).driverError?.constraint === 'push_device_address_once') {
        throw badInput('Another registration already has this token or endpoint.', input.token != null ? 'token' : 'webPush');
      }
      throw error;
    }
  }

  async unregister(id: string, secret: string): Promise<boolean> {
    const current = await this.authorized(id, secret);
    await this.db.query('DELETE FROM push_device WHERE id = $1', [current.id]);
    return true;
  }

  /** The registration, if the secret is its own; a wrong id and a wrong secret are the same NOT_FOUND (no probing). */
  private async authorized(id: string, secret: string): Promise<{ id: string; platform: DevicePlatform }> {
    const numeric = /^\d{1,18}$/.test(id) ? id : null;
    const [row] = numeric ? await this.db.query('SELECT id, platform, secret_hash FROM push_device WHERE id = $1', [numeric]) : [];
    if (!row || !crypto.timingSafeEqual(row.secret_hash, hash(String(secret)))) throw notFound('There is no registration with this id and secret.');
    return { id: row.id, platform: row.platform };
  }

  private addressOf(platform: DevicePlatform, token: string | null | undefined, webPush: WebPushSubscriptionInput | null | undefined): Address {
    if (platform === 'WEB') {
      if (token != null) throw badInput('A WEB device has no token: pass its subscription as webPush.', 'token');
      if (!webPush) throw badInput('A WEB device needs its push subscription (webPush).', 'webPush');
      if (webPush.endpoint.length > 2000 || !webPushEndpointAllowed(webPush.endpoint, this.config)) {
        throw badInput('webPush.endpoint must be an HTTPS address of a known push service.', 'webPush.endpoint');
      }
      if (!isP256Point(webPush.keys.p256dh)) throw badInput('webPush.keys.p256dh must be an uncompressed P-256 public key, base64url.', 'webPush.keys.p256dh');
      if (!/^[A-Za-z0-9_-]{22}$/.test(webPush.keys.auth)) throw badInput('webPush.keys.auth must be 16 bytes, base64url.', 'webPush.keys.auth');
      return { address: webPush.endpoint, p256dh: webPush.keys.p256dh, auth: webPush.keys.auth };
    }
    if (webPush != null) throw badInput(`An ${platform} device has a token, not a Web Push subscription.`, 'webPush');
    if (token == null) throw badInput(`An ${platform} device needs its ${platform === 'IOS' ? 'APNs device' : 'FCM registration'} token.`, 'token');
    const valid = platform === 'IOS' ? /^[0-9a-fA-F]{64,200}$/.test(token) : /^[\w:-]{20,4096}$/.test(token);
    if (!valid) throw badInput(platform === 'IOS' ? 'token must be the APNs device token in hex.' : 'token must be an FCM registration token.', 'token');
    return { address: platform === 'IOS' ? token.toLowerCase() : token, p256dh: null, auth: null };
  }

  private async checkRegions(codes: string[]): Promise<string[]> {
    if (codes.length > MAX_REGION_CODES) throw badInput(`Pass at most ${MAX_REGION_CODES} region codes.`, 'regionCodes');
    const parsed = codes.map(parseRegionCode);
    if (parsed.includes(null)) throw badInput(regionCodeMessage('regionCodes', true), 'regionCodes');
    codes = parsed as string[];
    const unknown: { code: string }[] = codes.length === 0 ? [] : await this.db.query(
      'SELECT c AS code FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM region WHERE code = c)', [codes]);
    if (unknown.length > 0) throw badInput(`Unknown region code ${unknown.map((u) => u.code).join(', ')}.`, 'regionCodes');
    return [...new Set(codes)];
  }
}

function checkUrgency(value: number): number {
  if (!(Number.isInteger(value) && value >= 1 && value <= 3)) throw badInput('minUrgency must be 1 (flashes only), 2 or 3 (everything).', 'minUrgency');
  return value;
}

function checkLocale(value: string): string {
  if (!LOCALE.test(value)) throw badInput('locale must be "ar" or "fr" (a region may follow: "fr-MA").', 'locale');
  return value;
}

function isP256Point(value: string): boolean {
  if (!/^[A-Za-z0-9_-]{86,88}$/.test(value)) return false;
  const point = Buffer.from(value, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return false;
  try {
    crypto.createPublicKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') } });
    return true;
  } catch {
    return false;
  }
}
