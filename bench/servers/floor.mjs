// The raw floor of `npm run bench`: one SQL statement per request (bench/queries/floor/*.sql) through `pg`, answered with
// JSON.stringify, no GraphQL: what this machine and this PostgreSQL can serve at best.
//   DATABASE_URL=… PORT=4204 node bench/servers/floor.mjs     then POST /graphql {"query": "Q1", "variables": {…}}
import fs from 'node:fs';
import { createServer } from 'node:http';
import pg from 'pg';

const sql = (name) => fs.readFileSync(new URL(`../queries/floor/${name}.sql`, import.meta.url), 'utf8');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const QUERIES = {
  Q1: { text: sql('Q1'), values: () => [], data: (rows) => ({ articles: rows }) },
  Q2: { text: sql('Q2'), values: (v) => [v.slug], data: (rows) => ({ article: rows[0] ?? null }) },
  Q3: { text: sql('Q3'), values: (v) => [v.code, v.after ?? null], data: (rows) => ({ region: rows[0] ?? null }) },
  Q4: { text: sql('Q4'), values: (v) => [v.slug], data: (rows) => ({ person: rows[0] ?? null }) },
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const { query, variables = {} } = JSON.parse(Buffer.concat(chunks).toString());
      const q = QUERIES[query];
      if (!q) throw new Error(`unknown query ${query}`);
      const { rows } = await pool.query({ name: query, text: q.text, values: q.values(variables) });
      const body = JSON.stringify({ data: q.data(rows) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(error) }] }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`floor listening on ${process.env.PORT}`));
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
