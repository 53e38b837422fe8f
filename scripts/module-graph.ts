import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The rooms of src/ and their one-way doors: each unit may import units of lower layers only (and itself). The top
 * layer is the composition (the root files, both transports, the CLI), which may import anything.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['shared', 'config'],
  ['db', 'auth'],
  // The transport-free engine: outbox, fan-out, feed, event streams. It knows no feature; features build on it.
  ['realtime'],
  // Durable jobs to the outside world (push, webhooks, purges): outbox consumers, claim, retry, dead-letter.
  ['delivery'],
  // Reference data (the calendar: the Hijri months as announced).
  ['region', 'person', 'category', 'calendar'],
  ['article'],
  // Built on article and the reference data.
  ['ticker', 'search', 'node', 'media'],
  // Built on those: live blogs (a breaking-news item can point at one: live resolves Ticker.liveCoverage), push
  // (notifies breaking news, from ticker events).
  ['live', 'push'],
  // The outside world's views of every feature's events: feeds, webhooks (article, ticker and live events).
  ['feeds', 'webhooks'],
  // What readers and crawlers get as documents (article pages, their structured data, sitemaps): built on all of the above.
  ['pages'],
  ['app', 'server', 'cli', 'demo'],
];

const TOP = LAYERS.length - 1;

/**
 * Resolvers are handed the request context that the composition root builds from every feature. They may name its
 * type (erased at build): `import type` from src/context.ts is the one door that points up.
 */
const CONTEXT_FILE = 'src/context.ts';

/** One import of one file. */
export interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** The unit of a file under src/: a module's folder, a top folder, or `app` for the root files. */
export function unitOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') throw new Error(`not under src/: ${file}`);
  if (parts.length === 2) return parts[1] === 'config.ts' ? 'config' : 'app';
  if (parts[1] === 'modules') return parts.length === 3 ? parts[2].replace(/\.resolver\.ts$|\.ts$/, '') : parts[2];
  return parts[1];
}

export function layerOf(unit: string): number {
  const layer = LAYERS.findIndex((units) => units.includes(unit));
  if (layer < 0) throw new Error(`unit "${unit}" has no layer: add it to LAYERS in scripts/module-graph.ts`);
  return layer;
}

/** Every relative import of every .ts file under src/, as paths from `root`. */
export function importsOf(root: string): Import[] {
  const files = walk(path.join(root, 'src')).map((file) => path.relative(root, file).split(path.sep).join('/'));
  return files.flatMap((file) => {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const found: Import[] = [];
    const add = (specifier: string, typeOnly: boolean) => {
      if (!specifier.startsWith('.')) return;
      const target = resolve(root, file, specifier);
      if (target) found.push({ from: file, to: target, typeOnly });
    };
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings
          && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0
          && clause.namedBindings.elements.every((element) => element.isTypeOnly)));
        add(node.moduleSpecifier.text, typeOnly);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, node.isTypeOnly);
      } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
        add(node.name.text, true); // an augmentation names the module it extends
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
        && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
        add(node.arguments[0].text, false);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        add(node.argument.literal.text, true);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  });
}

/** The imports that point up (or sideways between units of one layer), the composition's own excepted. */
export function upwardImports(imports: readonly Import[]): Import[] {
  return imports.filter(({ from, to, typeOnly }) => {
    const [a, b] = [unitOf(from), unitOf(to)];
    if (a === b) return false;
    const [la, lb] = [layerOf(a), layerOf(b)];
    if (la === TOP) return false;
    if (to === CONTEXT_FILE && typeOnly) return false;
    return lb >= la;
  });
}

/** Unit → the units it imports (the exception of CONTEXT_FILE shown as `app (type)` when that is all). */
export function unitGraph(imports: readonly Import[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to, typeOnly } of imports) {
    const [a, b] = [unitOf(from), unitOf(to)];
    if (!graph.has(a)) graph.set(a, new Set());
    if (a === b) continue;
    graph.get(a)!.add(to === CONTEXT_FILE && typeOnly ? 'app (context type)' : b);
  }
  return graph;
}

/** The graph as text, one unit a line, bottom layer first: `article → category, db, person, …`. */
export function printGraph(imports: readonly Import[]): string {
  const graph = unitGraph(imports);
  const units = [...graph.keys()].sort((a, b) => layerOf(a) - layerOf(b) || a.localeCompare(b));
  const targets = (unit: string) => {
    const all = [...graph.get(unit)!];
    // The context type is listed only where the unit does not import the composition root anyway.
    return all.filter((target) => !(target === 'app (context type)' && all.includes('app'))).sort();
  };
  const width = Math.max(...units.map((unit) => unit.length));
  return units.map((unit) => `L${layerOf(unit)} ${unit.padEnd(width)} → ${targets(unit).join(', ') || '(nothing)'}`).join('\n');
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `./x.js`, `./x` or `./dir` to the .ts file it names; null for anything else (JSON data). */
function resolve(root: string, from: string, specifier: string): string | null {
  const base = path.posix.join(path.posix.dirname(from), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(root, candidate))) return candidate;
  }
  return null;
}

if (require.main === module) {
  // Run from scripts/ or from dist/scripts/: the project root is the nearest folder with a package.json.
  let root = __dirname;
  while (!fs.existsSync(path.join(root, 'package.json'))) {
    if (path.dirname(root) === root) throw new Error(`no package.json above ${__dirname}: run it from the project`);
    root = path.dirname(root);
  }
  const imports = importsOf(root);
  console.log(printGraph(imports));
  const upward = upwardImports(imports);
  if (upward.length > 0) {
    console.log(`\n${upward.length} imports point up:`);
    for (const { from, to } of upward) console.log(`  ${from} → ${to}`);
    process.exitCode = 1;
  }
}
