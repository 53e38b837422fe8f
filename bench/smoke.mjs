// `npm run bench:smoke`: every bench command in its smoke size, one after the other, after one build. Benchmarks rot
// when nothing runs them: each smoke run exercises every phase of its bench on small data and exits non-zero on any
// failure; this prints how long each took and exits non-zero when one failed. .ci/run calls it.
//
// Each bench's command is read from package.json (without its build steps, done once here), so the smoke run is
// the command a person types; a `bench*` script with no smoke arguments below fails the run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The arguments that make each bench a smoke run (seconds, small data); several lists: one smoke run for each. */
const SMOKE_ARGS = {
  bench: ['--smoke'],
  'bench:search': ['--smoke'],
  // In this process, and as KHABAR_WORKERS runs it (the way its 18,000-subscriber figures are measured).
  'bench:fanout': [['--smoke'], ['--smoke', '--workers', '2']],
  'bench:fanout:live': ['--smoke'],
  'bench:cache': ['--smoke'],
  'bench:varnish': ['--smoke'],
  'bench:storm': ['--smoke'],
  'bench:push': ['--devices', '600', '--smoke'],
  'bench:media': ['--smoke'],
  'bench:pages': ['--smoke'],
  'bench:feeds': ['--smoke'],
  'bench:webhooks': ['--smoke'],
  'bench:soak': ['--smoke'],
  'bench:migrations': ['--smoke'],
};
/** What the npm scripts build before they run; this runner has built once already. */
const BUILD_STEPS = /^(npm run build --silent && )?(tsc -p tsconfig\.json && )?/;

const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
const benches = Object.keys(scripts).filter((name) => /^bench(:|$)/.test(name) && name !== 'bench:smoke');
const missing = benches.filter((name) => !SMOKE_ARGS[name]);
if (missing.length) {
  console.error(`bench:smoke: no smoke arguments for ${missing.join(', ')} (bench/smoke.mjs)`);
  process.exit(1);
}
const only = process.argv.slice(2);

const runs = benches.filter((bench) => !only.length || only.includes(bench)).flatMap((name) => {
  const lists = Array.isArray(SMOKE_ARGS[name][0]) ? SMOKE_ARGS[name] : [SMOKE_ARGS[name]];
  // A bench smoked several ways is named with the arguments that tell its runs apart.
  return lists.map((args, i) => ({ name: i === 0 ? name : `${name} ${args.filter((arg) => arg !== '--smoke').join(' ')}`, script: name, args }));
});

const results = [];
for (const { name, script, args } of runs) {
  const command = `${scripts[script].replace(BUILD_STEPS, '')} ${args.join(' ')}`;
  console.error(`\n== ${name}: ${command}`);
  const started = performance.now();
  // Its own process group, so that Ctrl-C here stops it with everything it started.
  const child = spawn('bash', ['-c', command], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise((resolve) => child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal)));
  results.push({ name, ok: code === 0, code, seconds: (performance.now() - started) / 1000 });
}

console.log('\n| bench | smoke run | seconds |\n| --- | --- | ---: |');
for (const r of results) console.log(`| ${r.name} | ${r.ok ? 'passed' : `FAILED (exit ${r.code})`} | ${r.seconds.toFixed(1)} |`);
const total = results.reduce((sum, r) => sum + r.seconds, 0);
console.log(`\n${results.filter((r) => r.ok).length} of ${results.length} passed in ${total.toFixed(0)} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
