import { sitePaths, siteUrl } from '../../shared/site-paths';
import crypto from 'node:crypto';
import type { PushConfig } from '../../config';
import type { DevicePlatform } from './device.type';

/** How devices match a breaking-news item, in SQL over the outbox event `e` and the device `d` (one place, used by the plan). */
export const DEVICE_MATCHES_EVENT = `d.min_urgency >= e.urgency
  AND (cardinality(d.region_codes) = 0 OR cardinality(e.region_codes) = 0 OR d.region_codes && e.region_codes)`;

/** Notifications of one ticker item replace each other on the device: its collapse id (APNs), Topic (Web Push), tag (FCM). */
export function collapseIdOf(tickerId: number): string {
  return `ticker-${tickerId}`;
}

/** The notification's title, in the reader's language (the headline is the item's own). */
export function titleFor(locale: string, urgency: number): string {
  if (locale.startsWith('fr')) return urgency === 1 ? 'Flash' : 'Urgent';
  return urgency === 1 ? 'عاجل جدا' : 'عاجل';
}

/** Whether a Web Push endpoint may be posted to: HTTPS, default port, and a host of WEB_PUSH_ALLOWED_HOSTS. */
export function webPushEndpointAllowed(endpoint: string, config: Pick<PushConfig, 'webPushAllowedHosts'>): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return config.webPushAllowedHosts.some((allowed) => {
    const [name, port] = allowed.split(':');
    if ((port ?? '') !== url.port) return false;
    return name.startsWith('*.') ? host.endsWith(name.slice(1)) && host.length > name.length - 1 : host === name;
  });
}

export const PLATFORMS: readonly DevicePlatform[] = ['WEB', 'ANDROID', 'IOS'];

/** Where a notification leads: the article's page, the item's external link, or the live front page. */
export function notificationUrl(publicUrl: string, articleSlug: string | null, externalUrl: string | null): string {
  if (articleSlug) return siteUrl(publicUrl, sitePaths.article(articleSlug));
  return externalUrl ?? siteUrl(publicUrl, sitePaths.front());
}

/** A UUID that is the same for every attempt of one job (APNs apns-id; receivers can drop repeats by it). */
export function messageIdOf(jobId: number): string {
  const hex = crypto.createHash('sha256').update(`khabar-push:${jobId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
