import crypto from 'node:crypto';
import type { JobPlan } from './jobs';

/**
 * A configured URL's target id on the delivery engine (a WebSub hub, an HTTP cache to purge): the same on every
 * instance and across restarts for the same URL (the first 48 bits of its SHA-256), so configuration is the only list
 * of them, and no table is needed.
 */
export function urlTarget(url: string): number {
  return crypto.createHash('sha256').update(url).digest().readUIntBE(0, 6);
}

/** Configured URLs by their target ids. */
export function urlTargets(urls: readonly string[]): Map<number, string> {
  return new Map(urls.map((url) => [urlTarget(url), url]));
}

/** The plan of a consumer of configured URLs: one job per event and URL, no lane, no expiry. */
export function jobPerUrl(targets: Map<number, string>): JobPlan {
  return {
    jobs: {
      sql: `SELECT e.seq AS event_seq, t.target, NULL::text AS lane, NULL::timestamptz AS not_after
            FROM events e CROSS JOIN unnest($5::bigint[]) AS t(target)`,
      params: [[...targets.keys()]],
    },
  };
}
