import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

/**
 * A real varnishd for the tests and the benches (test/edge/varnish.test.ts, bench/varnish.mjs), running the VCL a
 * deployment runs (docker/varnish.vcl) with only its backend's .host and .port changed, as a deployment does.
 */
export const VCL_FILE = path.resolve(__dirname, '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '', 'docker/varnish.vcl');

export interface Varnish {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The VCL with its one backend pointed at `host:port`. */
export function vclFor(host: string, port: number): string {
  const vcl = fs.readFileSync(VCL_FILE, 'utf8');
  const pointed = vcl.replace(/(backend khabar \{[^}]*?\.host = )"[^"]*"/, `$1"${host}"`).replace(/(backend khabar \{[^}]*?\.port = )"[^"]*"/, `$1"${port}"`);
  if (!pointed.includes(`.host = "${host}"`) || !pointed.includes(`.port = "${port}"`)) throw new Error(`${VCL_FILE} has no backend khabar with .host and .port`);
  return pointed;
}

/** Fails with what to install when Debian's varnishd (with the xkey module of varnish-modules) is missing. */
export function requireVarnishd(): void {
  const version = spawnSync('varnishd', ['-V'], { encoding: 'utf8' });
  if (version.error) {
    throw new Error('varnishd is not installed: these tests need Debian\'s varnish and varnish-modules (apt-get install varnish varnish-modules; .ci/run installs them)');
  }
}

/**
 * A real varnishd in the foreground (-F; varnishd -a takes no port 0), in a working directory of its own, with
 * docker/varnish.vcl pointed at the backend; `stop()` ends it and removes the directory. A port taken between the
 * check and the start is tried again.
 */
export async function startVarnish(backend: { host: string; port: number }): Promise<Varnish> {
  requireVarnishd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-varnish-'));
  const vclPath = path.join(dir, 'khabar.vcl');
  fs.writeFileSync(vclPath, vclFor(backend.host, backend.port));
  let lastOutput = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('varnishd', [
      '-F', '-j', 'none', '-n', path.join(dir, 'work'), '-a', `127.0.0.1:${port}`, '-T', 'none', '-f', vclPath, '-s', 'malloc,64m',
      // Hits are seen at once in the tests: no waiting list delay, a small thread pool.
      '-p', 'thread_pool_min=5', '-p', 'thread_pools=1',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = await new Promise<boolean>((resolve) => {
      let output = '';
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        lastOutput = output;
        if (output.includes('Child launched OK')) resolve(true);
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', () => resolve(false));
    });
    if (started) {
      await untilAnswering(port);
      return { url: `http://127.0.0.1:${port}`, port, stop: () => stopVarnish(child, dir) };
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`varnishd did not start:\n${lastOutput}`);
}

async function untilAnswering(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const answered = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`varnishd does not accept connections on ${port}`);
}

async function stopVarnish(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
