import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { resolveJwtSecret, TokenService } from '../auth/tokens';
import type { Role } from '../auth/viewer';

/** `npm run token -- --role editor [--name "…"] [--expires 12h]`: prints a bearer token for this instance. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'editor' },
      name: { type: 'string', default: 'local editor' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const role = values.role!.toUpperCase();
  if (role !== 'EDITOR' && role !== 'ADMIN') throw new Error('--role must be "editor" or "admin"');
  const config = loadConfig();
  const tokens = new TokenService(resolveJwtSecret(config.jwtSecret, config.dataDir));
  process.stdout.write(`${await tokens.sign(role as Role, values.name!, values.expires!)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
