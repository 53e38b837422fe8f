// What the load benches share (bench:cache, bench:varnish): how long and how wide each run is, the smoke size, the
// latency summary, and the articles the breaking-news mix reads.
import { parseArgs } from 'node:util';
import pg from 'pg';

/** `--seconds` (10), `--connections` (20), `--smoke` (1 s runs, 4 connections, a short warm-up). */
export function loadOptions() {
  const { values } = parseArgs({ options: {
    seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '20' }, smoke: { type: 'boolean', default: false },
  } });
  const smoke = values.smoke;
  return {
    smoke,
    seconds: smoke ? 1 : Number(values.seconds),
    warmupSeconds: smoke ? 0.5 : 2,
    connections: smoke ? 4 : Number(values.connections),
  };
}

/** The median and 99th percentile of latencies in milliseconds (sorts them), to a tenth. */
export function percentiles(latencies) {
  latencies.sort((a, b) => a - b);
  const at = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
  return { p50ms: at(0.5), p99ms: at(0.99) };
}

/** The 200 newest published articles' slugs: the breaking-news mix reads them, the first ones most. */
export async function newestSlugs(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(`SELECT slug FROM article WHERE status = 'PUBLISHED' AND published_at <= now() ORDER BY published_at DESC LIMIT 200`)).rows.map((r) => r.slug);
  } finally {
    await client.end();
  }
}
