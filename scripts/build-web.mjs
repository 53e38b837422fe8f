// Bundles the web pages (playground, front page) into dist/web with esbuild: everything Khabar serves
// itself, so browsers never reach a CDN. Part of `npm run build`; works offline after `npm install`.
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outDir = path.join(root, 'dist/web');
const assetsDir = path.join(outDir, 'assets');
const require = createRequire(path.join(root, 'package.json'));

const common = {
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  target: ['chrome111', 'firefox111', 'safari16'],
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
};

/** Output file names by entry name (e.g. main.js → main-3KQ2….js), read from esbuild's metafile. */
function outputsByEntry(metafile, dir) {
  const names = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!output.entryPoint) continue;
    const base = path.basename(file);
    const entry = `${base.slice(0, base.indexOf('-'))}${path.extname(base)}`;
    names[entry] = `/assets/${dir}/${base}`;
    if (output.cssBundle) names[`${entry.replace(/\.js$/, '')}.css`] = `/assets/${dir}/${path.basename(output.cssBundle)}`;
  }
  return names;
}

async function writePage(template, names, target) {
  const html = (await fs.readFile(path.join(root, template), 'utf8')).replace(/\{\{([\w.]+)\}\}/g, (_, key) => {
    if (!names[key]) throw new Error(`${template}: no built file for {{${key}}}`);
    return names[key];
  });
  await fs.writeFile(path.join(outDir, target), html);
}

async function buildPlayground() {
  const dir = path.join(assetsDir, 'playground');
  // Monaco runs its language services in web workers: each is a separate classic-script bundle.
  const workers = await esbuild.build({
    ...common,
    sourcemap: false,
    entryPoints: {
      editor: require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
      json: require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
      graphql: require.resolve('monaco-graphql/esm/graphql.worker.js'),
    },
    format: 'iife',
    outdir: dir,
    entryNames: '[name]-worker-[hash]',
  });
  const workerFiles = Object.fromEntries(Object.entries(workers.metafile.outputs)
    .filter(([, output]) => output.entryPoint)
    .map(([file]) => [path.basename(file).split('-')[0], path.basename(file)]));
  const main = await esbuild.build({
    ...common,
    sourcemap: false,
    entryPoints: { main: path.join(root, 'web/playground/main.tsx') },
    format: 'esm',
    splitting: true,
    jsx: 'automatic',
    outdir: dir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
    define: { ...common.define, MONACO_WORKER_FILES: JSON.stringify(workerFiles) },
  });
  await writePage('web/playground/index.html', outputsByEntry(main.metafile, 'playground'), 'playground.html');
  return { ...main.metafile.outputs, ...workers.metafile.outputs };
}

async function buildFront() {
  const front = await esbuild.build({
    ...common,
    entryPoints: { main: path.join(root, 'web/front/main.ts') },
    format: 'esm',
    outdir: path.join(assetsDir, 'front'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
  });
  await writePage('web/front/index.html', outputsByEntry(front.metafile, 'front'), 'index.html');
  // The service worker keeps one URL (/sw.js, scope /): browsers update it by fetching that URL again.
  const worker = await esbuild.build({
    ...common,
    entryPoints: { sw: path.join(root, 'web/front/sw.ts') },
    format: 'iife',
    outdir: outDir,
    entryNames: '[name]',
  });
  return { ...front.metafile.outputs, ...worker.metafile.outputs };
}

async function sizeReport(label, outputs) {
  let raw = 0;
  let gzip = 0;
  for (const file of Object.keys(outputs)) {
    if (file.endsWith('.map') || file.endsWith('.LEGAL.txt')) continue;
    const bytes = await fs.readFile(path.join(root, file));
    raw += bytes.length;
    gzip += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  console.log(`web: ${label} ${(raw / 1024).toFixed(1)} KiB (${(gzip / 1024).toFixed(1)} KiB gzip)`);
}

await fs.rm(outDir, { recursive: true, force: true });
await fs.mkdir(assetsDir, { recursive: true });
await fs.copyFile(path.join(root, 'web/favicon.svg'), path.join(assetsDir, 'favicon.svg'));
const [playground, front] = await Promise.all([buildPlayground(), buildFront()]);
await sizeReport('front page', front);
await sizeReport('playground', playground);
