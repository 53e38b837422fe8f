import crypto from 'node:crypto';
import net from 'node:net';
import type { RetryPolicy } from '../../delivery/retry';
import { ARTICLE_EVENTS } from '../article/article.events';
import { LIVE_EVENTS } from '../live/live.events';
import { TICKER_EVENTS } from '../ticker/ticker.events';

/** The catalogues a webhook may subscribe to: every kind of each is delivered (one fact: the feature's *.events.ts). */
export const WEBHOOK_CATALOGUES = [ARTICLE_EVENTS, TICKER_EVENTS, LIVE_EVENTS] as const;
export type WebhookCatalogue = (typeof WEBHOOK_CATALOGUES)[number];
export type WebhookTopicName = WebhookCatalogue['topic'];
/** The GraphQL enum's values: the outbox topics, upper-cased (ARTICLE, TICKER, LIVE). */
export type WebhookTopic = Uppercase<WebhookTopicName>;
export const WEBHOOK_TOPICS = WEBHOOK_CATALOGUES.map((catalogue) => catalogue.topic.toUpperCase() as WebhookTopic);

export function topicOf(value: WebhookTopic): WebhookTopicName {
  return value.toLowerCase() as WebhookTopicName;
}

/** A signing secret as Standard Webhooks spells it: `whsec_` and base64 of 32 random bytes. */
export function newSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under a `whsec_` secret (its base64 part is the key). */
export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${crypto.createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The `webhook-signature` header: one signature per valid secret, space-separated (both during a rotation's grace period). */
export function signatureHeader(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  return secrets.map((secret) => sign(secret, id, timestampSeconds, body)).join(' ');
}

/** `webhook-id`: the same for every attempt and replay of one event to one endpoint, so a receiver deduplicates by it. */
export function messageIdOf(webhookId: number, eventSeq: number): string {
  return `msg_${webhookId}_${eventSeq}`;
}

/** The payload's `type`, e.g. `article.published`, `ticker.killed`, `live.posted`. */
export function eventTypeOf(topic: string, kind: string): string {
  return `${topic}.${kind.toLowerCase()}`;
}

/**
 * The shortest time a delivery keeps being retried before it is dead-lettered: every retry waits at least half its
 * ceiling (equal jitter), so the sum of the halves is what the policy guarantees whatever the dice say.
 */
export function shortestRetrySpanMs(policy: RetryPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt += 1) {
    total += Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) / 2;
  }
  return total;
}

/** Ranges a webhook may not reach: loopback, private, link-local, shared (CGNAT), unspecified, multicast, reserved. */
const FORBIDDEN = new net.BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8]] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP) is one a webhook may not be sent to; IPv4 inside IPv6 (::ffff:a.b.c.d, NAT64) is judged as IPv4. */
export function isForbiddenAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  const embedded = embeddedIpv4(address);
  if (embedded) return FORBIDDEN.check(embedded, 'ipv4');
  return FORBIDDEN.check(address, 'ipv6');
}

/** The IPv4 address an IPv4-mapped (::ffff:0:0/96), IPv4-compatible or NAT64 (64:ff9b::/96) IPv6 address carries. */
function embeddedIpv4(address: string): string | null {
  const words = expandIpv6(address.toLowerCase());
  if (!words) return null;
  const mapped = words.slice(0, 5).every((w) => w === 0) && (words[5] === 0xffff || words[5] === 0) && !(words[5] === 0 && words[6] === 0);
  const nat64 = words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0);
  if (!mapped && !nat64) return null;
  return [words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff].join('.');
}

function expandIpv6(address: string): number[] | null {
  let text = address.split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const headWords = head ? head.split(':') : [];
  const tailWords = tail ? tail.split(':') : [];
  const missing = 8 - headWords.length - tailWords.length;
  if (tail === null ? missing !== 0 : missing < 0) return null;
  const words = [...headWords, ...Array(tail === null ? 0 : missing).fill('0'), ...tailWords].map((w) => parseInt(w, 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}
