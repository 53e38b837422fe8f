// One Khabar as the benches run it: `node dist/src/main.js` in a process of its own, in production mode, no demo
// content, no rate limit, on `databaseUrl`; and the CPU it has used, read from /proc.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts Khabar on `port` with `env` on top of the benches' settings; resolves once /readyz answers. */
export async function startKhabarProcess({ port, databaseUrl, env = {} }) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, NODE_ENV: 'production', LOG_LEVEL: 'warn',
      KHABAR_SEED: 'none', RATE_LIMIT_PER_IP: '0', JWT_SECRET: 'bench-secret-bench-secret-bench-secret', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i += 1) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return { child, url };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill();
  throw new Error('Khabar did not become ready');
}

/** A process's CPU (user + system) in milliseconds, from /proc. */
export function processCpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
}
