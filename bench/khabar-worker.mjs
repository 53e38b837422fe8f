// One worker of `bench/fanout.mjs --workers N`: the worker KHABAR_WORKERS starts (startWorker, configured from the
// environment the bench set), plus the probes the bench asks over the cluster's IPC channel, since it cannot reach into
// the worker: its live streams, its memory after a full GC (workers inherit the bench's --expose-gc), its CPU, and a
// CPU profile of the timed pushes (`--profile`), written by the worker itself.
import 'reflect-metadata';
import cluster from 'node:cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import v8 from 'node:v8';
import { startProfiler } from './profile.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startWorker } = await import(path.join(root, 'dist/src/workers.js'));
const { loadConfig } = await import(path.join(root, 'dist/src/config.js'));
const { makeLogger } = await import(path.join(root, 'dist/src/server/logger.js'));

const config = loadConfig();
const khabar = await startWorker(config, makeLogger(config.logLevel).child({ worker: cluster.worker.id }));

let profiler = null;
process.on('message', async (message) => {
  if (message?.probe === 'streams') process.send({ probe: 'streams', streams: khabar.feed.streamCount });
  else if (message?.probe === 'memory') {
    globalThis.gc?.();
    globalThis.gc?.();
    process.send({ probe: 'memory', rss: process.memoryUsage().rss, heap: v8.getHeapStatistics().used_heap_size });
  } else if (message?.probe === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ probe: 'cpu', cpuMs: (user + system) / 1000 });
  } else if (message?.probe === 'profile-start') {
    profiler = await startProfiler();
    await profiler.start();
    process.send({ probe: 'profile-start' });
  } else if (message?.probe === 'profile-stop') {
    fs.writeFileSync(message.file, JSON.stringify(await profiler.stop()));
    process.send({ probe: 'profile-stop' });
  }
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  khabar.stop().then(() => process.exit(0), (error) => {
    console.error(error);
    process.exit(1);
  });
});
