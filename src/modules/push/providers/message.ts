import type { Outcome } from '../../../delivery/jobs';
import { parseRetryAfter } from '../../../delivery/retry';
import type { HttpResponse } from '../../../delivery/http-client';
import { TransportError } from '../../../delivery/http-client';
import type { TickerEventKind } from '../../ticker/ticker.events';

/** One notification for one device, as every provider gets it. */
export interface PushMessage {
  /** The same for every attempt of one delivery (the job), so a receiver can drop a repeat: a UUID. Only APNs takes one. */
  id?: string;
  /** Notifications with the same collapse id replace each other on the device: the ticker item's. */
  collapseId: string;
  title: string;
  body: string;
  /** What opening the notification shows: the article, the external link, or the live front page. */
  url: string;
  urgency: number;
  /** What happened to the item (its ticker event's kind). */
  kind: TickerEventKind;
  /** The event's cursor: `breakingNews(after:)` resumes right after the item notified. */
  cursor: string;
  /** Global id of the ticker item. */
  tickerId: string;
  /** Not delivered after this (the push's TTL, or the item leaving the air if sooner). */
  expiresAt: Date;
}

/** The fields a client reads from a notification (Web Push payload, FCM data, APNs custom keys). */
export function messageData(message: PushMessage): Record<string, string> {
  return {
    title: message.title,
    body: message.body,
    url: message.url,
    urgency: String(message.urgency),
    kind: message.kind,
    cursor: message.cursor,
    tickerId: message.tickerId,
    tag: message.collapseId,
  };
}

/** Seconds until the message expires, at least 0. */
export function ttlSeconds(message: PushMessage, now = Date.now()): number {
  return Math.max(0, Math.floor((message.expiresAt.getTime() - now) / 1000));
}

/** What every provider does with an answer it has no special rule for: 429 and 5xx pass, other refusals do not. */
export function genericOutcome(response: HttpResponse, what: string): Outcome {
  const detail = `${what} answered ${response.status}: ${response.body.toString('utf8').slice(0, 200)}`;
  if (response.status === 429 || response.status >= 500) {
    return { state: 'retry', status: response.status, error: detail, retryAfterMs: parseRetryAfter(response.headers['retry-after']) };
  }
  return { state: 'failed', status: response.status, error: detail };
}

/** A failure to reach the provider at all: try again later. */
export function transportOutcome(error: unknown): Outcome {
  if (error instanceof TransportError) return { state: 'retry', error: error.message };
  throw error;
}

/** The closing provider's clients, one per provider in use. */
export interface PushProvider<Address> {
  send(address: Address, message: PushMessage): Promise<Outcome>;
  close(): Promise<void>;
}
