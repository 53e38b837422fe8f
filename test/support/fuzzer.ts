import zlib from 'node:zlib';
import {
  getNamedType, getOperationAST, Kind, parse, GraphQLField, GraphQLInputType, GraphQLObjectType, GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType,
  isLeafType, isListType, isNonNullType, isObjectType, isScalarType, isUnionType,
} from 'graphql';
import WebSocket from 'ws';
import { PUBLIC_ERROR_CODES } from '../../src/shared/errors';
import { POLICY_ERROR_CODES } from '../../src/server/operation-policy';
import { HTTP_ERROR_CODES } from '../../src/server/http-errors';
import { DATABASE_UNAVAILABLE } from '../../src/server/errors';
import { rawRequest } from './raw-http';

/**
 * A seeded fuzzer for Khabar's API (docs/reliability.md): GraphQL operations built from the schema with random and
 * hostile arguments, mutations of valid documents, raw HTTP requests and graphql-ws frames, sent as anonymous
 * readers, editors and admins. Its properties, checked on every case: every answer has a documented status and
 * documented error codes (never INTERNAL_SERVER_ERROR), WebSocket closes have documented codes, and a refused request
 * changes no row. The process's own health (no crash, no unhandled rejection, no error logged) is the caller's.
 */

/** Every error code a client may get (docs/api.md, docs/http-and-caching.md, docs/live.md); INTERNAL_SERVER_ERROR is a failure. */
export const DOCUMENTED_CODES: ReadonlySet<string> = new Set([...PUBLIC_ERROR_CODES, ...POLICY_ERROR_CODES, ...HTTP_ERROR_CODES, DATABASE_UNAVAILABLE]);
/** HTTP statuses of /graphql; 503 only for a timeout or an outage. */
export const DOCUMENTED_STATUSES: ReadonlySet<number> = new Set([200, 400, 401, 403, 405, 406, 413, 415, 429, 503]);
/** Close codes of the live endpoint (docs/live.md), and 1000 for the fuzzer's own close. */
export const DOCUMENTED_CLOSES: ReadonlySet<number> = new Set([1000, 1001, 1007, 1009, 1013, 4400, 4401, 4403, 4408, 4409, 4429]);

export interface FuzzTarget {
  url: string;
  /** Bearer tokens by role; anonymous has none. */
  tokens: { editor: string; admin: string };
  /** A checksum of every row that no background job writes. */
  checksum(): Promise<string>;
  /** Values worth trying: existing slugs, ids, cursors, region codes. */
  known: string[];
}

export interface FuzzReport {
  seed: number;
  cases: number;
  ms: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  codes: Record<string, number>;
  /** Requests refused as a whole, each checked to have changed nothing. */
  refusedChecked: number;
  failures: string[];
}

/** mulberry32: small, fast and the same everywhere for a seed. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
  };
}
type Random = ReturnType<typeof random>;

const HOSTILE_STRINGS = [
  '', ' ', 'a\u0000b', '\ud800', 'x\udc00', '\u202Eevil', 'abc\u2067', '\u202C', 'عاجل \u202Bnews\u202C', '🎉'.repeat(5),
  "'; DROP TABLE article; --", "' OR 1=1 --", 'a & b | !c', 'a:* <-> (b', '():*&|<>!', '%_%', '\\', '$1', '"',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', 'https://example.com/x',
  'MA-04', 'ma-ken ', 'MA-99', '1', '-1', '0', '1e309', 'null', 'undefined', '__proto__', 'constructor', '{"a":1}',
  'x'.repeat(300), 'ب'.repeat(5000), 'Séisme à Kénitra', 'الرباط', '\u200f', 'a\nb', 'a\tb\r\n', '\u2028', '\uFEFF',
];
const INTS = [0, 1, 2, 5, 20, 100, 101, -1, -100, 2147483647, -2147483648, 2147483648, 1e300, -1e300, 1.5, Number.MAX_SAFE_INTEGER];

function randomText(rng: Random): string {
  const alphabets = ['abcdefghijklmnopqrstuvwxyz0123456789-_ ', 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي ', '{}()[]:$@!#"\\\'&|<>*%', '\u0000\u0001\u007f\u202a\u202e\u2066\u2069\ud800\udc00'];
  const alphabet = rng.pick(alphabets);
  return Array.from({ length: rng.int(24) }, () => alphabet[rng.int(alphabet.length)]).join('');
}

/** Builds random values, documents and selections from the published schema. */
class Generator {
  constructor(private readonly schema: GraphQLSchema, private readonly rng: Random, private readonly known: string[]) {}

  string(): string {
    const { rng } = this;
    const roll = rng.next();
    if (roll < 0.35 && this.known.length) return rng.pick(this.known);
    if (roll < 0.75) return rng.pick(HOSTILE_STRINGS);
    if (roll < 0.8) return 'x'.repeat(100_001);
    return randomText(rng);
  }

  dateTime(): unknown {
    const { rng } = this;
    const day = 86_400_000;
    return rng.pick<unknown>([
      // Never due within the run: a publication the scheduler makes is not a refused request changing rows.
      new Date(Date.now() + (2 + rng.int(5)) * day).toISOString(), new Date(Date.now() - rng.int(5000) * day).toISOString(),
      '2020-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', 'not a date', '', 0, '2026-02-30T25:61:00Z', this.string(),
    ]);
  }

  value(type: GraphQLInputType, depth = 0): unknown {
    const { rng } = this;
    if (rng.chance(0.04)) return null;
    if (isNonNullType(type)) return this.value(type.ofType as GraphQLInputType, depth);
    if (isListType(type)) {
      if (rng.chance(0.1)) return this.value(type.ofType as GraphQLInputType, depth + 1);
      return Array.from({ length: rng.int(depth > 2 ? 1 : 4) }, () => this.value(type.ofType as GraphQLInputType, depth + 1));
    }
    if (isEnumType(type)) return rng.chance(0.9) ? rng.pick(type.getValues()).value : randomText(rng);
    if (isInputObjectType(type)) {
      const value: Record<string, unknown> = {};
      if (depth > 3) return value;
      for (const field of Object.values(type.getFields())) {
        if (isNonNullType(field.type) ? rng.chance(0.95) : rng.chance(0.5)) value[field.name] = this.value(field.type, depth + 1);
      }
      if (rng.chance(0.05)) value[rng.pick(['__proto__', 'constructor', 'prototype', 'extra'])] = { polluted: true };
      return value;
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case 'Int':
        case 'Float':
          return rng.chance(0.9) ? rng.pick(INTS) : this.string();
        case 'Boolean':
          return rng.chance(0.9) ? rng.chance(0.5) : rng.pick(['true', 0, 1]);
        case 'DateTime':
          return this.dateTime();
        case 'Upload':
          return null;
        default:
          return rng.chance(0.95) ? this.string() : rng.pick(INTS);
      }
    }
    return null;
  }

  /** A selection set for a type: a few of its fields that need no arguments, nested up to `depth`. */
  selection(type: unknown, depth: number): string {
    const named = getNamedType(type as GraphQLInputType);
    if (isLeafType(named)) return '';
    if (isUnionType(named)) return ' { __typename }';
    const fields = Object.values((named as unknown as GraphQLObjectType).getFields())
      .filter((field) => field.args.every((arg) => !isNonNullType(arg.type)));
    const chosen = fields.filter(() => this.rng.chance(0.3)).slice(0, 6);
    const parts = ['__typename', ...chosen.flatMap((field) => {
      const inner = isLeafType(getNamedType(field.type)) ? '' : depth > 0 ? this.selection(field.type, depth - 1) : null;
      return inner === null ? [] : [`${field.name}${inner}`];
    })];
    if (isInterfaceType(named) && this.rng.chance(0.3)) {
      const implementation = this.rng.pick(this.schema.getPossibleTypes(named));
      parts.push(`... on ${implementation.name} { __typename }`);
    }
    return ` { ${parts.join(' ')} }`;
  }

  /** A value written as a GraphQL literal (JSON's escapes are GraphQL's; enum values go bare). */
  literal(value: unknown, type: GraphQLInputType): string {
    const named = getNamedType(type);
    if (value === null || value === undefined) return 'null';
    if (Array.isArray(value)) {
      const item = isNonNullType(type) ? type.ofType : type;
      return `[${value.map((v) => this.literal(v, isListType(item) ? item.ofType as GraphQLInputType : item as GraphQLInputType)).join(', ')}]`;
    }
    if (typeof value === 'object') {
      const fields = isInputObjectType(named) ? named.getFields() : {};
      return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${this.literal(v, fields[k]?.type ?? named as GraphQLInputType)}`).join(', ')} }`;
    }
    if (isEnumType(named) && typeof value === 'string' && /^[A-Z_]+$/.test(value)) return value;
    return typeof value === 'number' && !Number.isFinite(value) ? '0' : JSON.stringify(value);
  }

  /** One operation on a root field: arguments as literals or variables, a random selection. */
  operation(kind: 'query' | 'mutation' | 'subscription'): { query: string; variables: Record<string, unknown> } {
    const root = kind === 'query' ? this.schema.getQueryType() : kind === 'mutation' ? this.schema.getMutationType() : this.schema.getSubscriptionType();
    const fields = Object.values(root!.getFields());
    const variables: Record<string, unknown> = {};
    const definitions: string[] = [];
    const roots: string[] = [];
    for (let i = 0, n = 1 + (kind === 'subscription' ? 0 : this.rng.int(2)); i < n; i += 1) {
      const field: GraphQLField<unknown, unknown> = this.rng.pick(fields);
      const args = field.args.filter((arg) => isNonNullType(arg.type) || this.rng.chance(0.5)).map((arg) => {
        const value = this.value(arg.type);
        if (this.rng.chance(0.5)) return `${arg.name}: ${this.literal(value, arg.type)}`;
        const name = `v${definitions.length}`;
        definitions.push(`$${name}: ${String(arg.type)}`);
        if (value !== undefined) variables[name] = value;
        return `${arg.name}: $${name}`;
      });
      roots.push(`${i > 0 ? `f${i}: ` : ''}${field.name}${args.length ? `(${args.join(', ')})` : ''}${this.selection(field.type, 2)}`);
    }
    return { query: `${kind}${definitions.length ? `(${definitions.join(', ')})` : ''} { ${roots.join(' ')} }`, variables };
  }
}

/** Typical documents of the apps, mutated by the fuzzer. */
const SEED_DOCUMENTS = [
  'query Front { tickers { id headline urgency } articles(first: 20) { edges { cursor node { id slug title regions { code nameAr } people { slug } } } pageInfo { hasNextPage endCursor } } }',
  'query Article($slug: String) { article(slug: $slug) { id title summary body { type text } displayDate corrections { note } } }',
  'query Search($q: String!) { search(query: $q, first: 5) { edges { highlight node { title } } } }',
  'mutation Push($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id status } }',
  'mutation Create($input: CreateArticleInput!) { createArticle(input: $input) { id version } }',
  'query Node($id: ID!) { node(id: $id) { id ... on Article { title } ... on Person { nameAr } } }',
  'query Region { region(code: "MA-04") { code children { code } parent { code } articles(first: 2) { totalCount } } }',
  '{ __schema { queryType { name } } }',
  'query Desk { editorialArticles(first: 5, status: DRAFT) { edges { node { id version editorNote } } } }',
  'mutation Issue { issueToken(role: ADMIN, name: "x", expiresInHours: 1) }',
];
const EDIT_TOKENS = ['{', '}', '(', ')', '...', '$', '@include(if: $x)', '"', '#', '\\u0000', ':', '!', 'fragment F on Query { x }', '__schema', 'a: ', ',', '"""', '\n'];

function mutateDocument(rng: Random, text: string): string {
  let out = text;
  for (let i = 0, n = 1 + rng.int(3); i < n; i += 1) {
    const at = rng.int(out.length + 1);
    switch (rng.int(4)) {
      case 0: out = out.slice(0, at) + out.slice(at + 1 + rng.int(8)); break;
      case 1: out = out.slice(0, at) + rng.pick(EDIT_TOKENS) + out.slice(at); break;
      case 2: out = out.slice(0, at) + out.slice(at, at + rng.int(40)) + out.slice(at); break;
      default: out = out.slice(0, at) + randomText(rng) + out.slice(at);
    }
  }
  return out;
}

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on a lone surrogate). */
function percentEncoded(text: string): string {
  return [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

function mutateBytes(rng: Random, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0, n = 1 + rng.int(4); i < n && out.length; i += 1) out[rng.int(out.length)] = rng.int(256);
  return rng.chance(0.3) ? out.subarray(0, rng.int(out.length + 1)) : out;
}

interface Outcome {
  /** The request as a whole was refused (no root field returned data), so it must have changed nothing. */
  refused: boolean;
  /** Work may still be running on the server (an abandoned request, a connection closed mid-mutation). */
  unsettled?: boolean;
  problems: string[];
  status?: number;
  codes: string[];
}

/** The response keys of the operation's root fields, or null when they cannot be told (a fragment at the root, no document). */
function rootKeys(operation: unknown): string[] | null {
  const { query, operationName } = (operation ?? {}) as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return null;
  try {
    const definition = getOperationAST(parse(query), typeof operationName === 'string' ? operationName : undefined);
    const selections = definition?.selectionSet.selections ?? [];
    if (!definition || selections.some((selection) => selection.kind !== Kind.FIELD)) return null;
    return selections.map((selection) => (selection.kind === Kind.FIELD ? (selection.alias ?? selection.name).value : ''));
  } catch {
    return null;
  }
}

/**
 * Whether a result shows that nothing of its operation ran: refused before execution (no `data`), or every root field
 * failed. A mutation whose later root field failed ran its earlier ones: it is not a refusal.
 */
function refusedResult(result: { data?: unknown; errors?: { path?: unknown[] }[] }, operation: unknown): boolean {
  if (result?.data === undefined) return true;
  const keys = rootKeys(operation);
  const failed = new Set((result.errors ?? []).map((error) => error.path?.[0]));
  return keys !== null && keys.every((key) => failed.has(key));
}

/** Checks one HTTP answer against the documented statuses and codes; `sent` is the request body, when it was JSON. */
function judgeHttp(status: number, body: string, sent: unknown): Outcome {
  const problems: string[] = [];
  if (!DOCUMENTED_STATUSES.has(status)) problems.push(`status ${status}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    problems.push(`a body that is not JSON: ${body.slice(0, 120)}`);
    return { refused: true, problems, status, codes: [] };
  }
  const results = (Array.isArray(parsed) ? parsed : [parsed]) as { data?: unknown; errors?: { path?: unknown[]; extensions?: { code?: unknown } }[] }[];
  const codes: string[] = [];
  let refused = true;
  results.forEach((result, i) => {
    if (!refusedResult(result, Array.isArray(sent) ? sent[i] : sent)) refused = false;
    for (const error of result?.errors ?? []) {
      const code = String(error?.extensions?.code);
      codes.push(code);
      if (!DOCUMENTED_CODES.has(code)) problems.push(`error code ${code}: ${JSON.stringify(error).slice(0, 200)}`);
    }
  });
  if (status === 503 && !codes.every((code) => code === 'REQUEST_TIMEOUT' || code === DATABASE_UNAVAILABLE)) problems.push('503 without an outage code');
  if (status !== 200 && codes.length === 0) problems.push(`status ${status} without a coded error`);
  return { refused, problems, status, codes };
}

function jsonOf(body: Buffer | string): unknown {
  try {
    return JSON.parse(body.toString());
  } catch {
    return undefined;
  }
}

/** Runs cases until `cases` are done or `until` (epoch ms) has passed; the same seed gives the same cases. */
export async function fuzz(target: FuzzTarget, schema: GraphQLSchema, { seed, cases = Infinity, until = Infinity }: {
  seed: number; cases?: number; until?: number;
}): Promise<FuzzReport> {
  const rng = random(seed);
  const generator = new Generator(schema, rng, target.known);
  const report: FuzzReport = { seed, cases: 0, ms: 0, byKind: {}, statuses: {}, codes: {}, refusedChecked: 0, failures: [] };
  const started = Date.now();
  const viewer = () => rng.pick<string | undefined>([undefined, target.tokens.editor, target.tokens.admin]);
  const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);

  const post = async (body: Buffer | string, headers: Record<string, string>, method = 'POST', search = '') => {
    const res = await rawRequest(target.url + search, { method, headers, body: method === 'GET' ? undefined : body });
    // A GET runs the query string's document; a compressed body's JSON is not looked into (its results count as run).
    return judgeHttp(res.status, res.body, method === 'GET' ? Object.fromEntries(new URL(target.url + search).searchParams) : jsonOf(body));
  };

  const kinds: [string, number, () => Promise<Outcome & { describe: string }>][] = [
    ['schema', 40, async () => {
      const { query, variables } = generator.operation(rng.chance(0.55) ? 'query' : 'mutation');
      const token = viewer();
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
      return { ...(await post(JSON.stringify({ query, variables }), headers)), describe: `${query} ${JSON.stringify(variables).slice(0, 300)}` };
    }],
    ['mutated document', 20, async () => {
      const query = mutateDocument(rng, rng.pick(SEED_DOCUMENTS));
      const variables = { slug: generator.string(), q: generator.string(), id: generator.string(), x: rng.chance(0.5),
        input: rng.chance(0.5) ? { headline: generator.string(), urgency: rng.pick(INTS), title: generator.string() } : generator.string() };
      const token = viewer();
      const body = JSON.stringify({ query, variables, ...(rng.chance(0.2) ? { operationName: rng.pick(['Front', 'Push', 'Nope', '']) } : {}) });
      return { ...(await post(body, { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) })), describe: body.slice(0, 400) };
    }],
    ['raw HTTP', 25, async () => {
      const valid = Buffer.from(JSON.stringify({ query: rng.pick(SEED_DOCUMENTS), variables: { slug: generator.string() } }));
      const bodies: (() => Buffer)[] = [
        () => mutateBytes(rng, valid),
        () => Buffer.from(Array.from({ length: rng.int(200) }, () => rng.int(256))),
        () => Buffer.from(JSON.stringify(rng.pick<unknown>([null, 1, 'x', [], {}, [[]], { query: 1 }, { query: '{ __typename }', variables: 'x' },
          { extensions: { persistedQuery: { version: rng.pick([1, 2]), sha256Hash: generator.string() } } },
          Array.from({ length: rng.int(14) }, () => ({ query: '{ __typename }' }))]))),
        () => Buffer.from(`{"query": "query($s: String) { article(slug: $s) { id } }", "variables": {"s": ${'['.repeat(rng.int(5000))}${']'.repeat(rng.int(5000))}}}`),
        () => zlib.gzipSync(valid),
      ];
      const body = rng.pick(bodies)();
      const contentType = rng.pick([
        'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain',
        'application/graphql', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '',
      ]);
      const token = viewer();
      const headers: Record<string, string> = {
        ...(contentType ? { 'content-type': contentType } : {}),
        ...(rng.chance(0.5) ? { 'apollo-require-preflight': '1' } : {}),
        ...(rng.chance(0.3) ? { accept: rng.pick(['application/json', 'application/graphql-response+json', 'application/xml', 'text/html', '*/*']) } : {}),
        ...(body[0] === 0x1f && rng.chance(0.8) ? { 'content-encoding': 'gzip' } : rng.chance(0.05) ? { 'content-encoding': rng.pick(['br', 'zstd', 'gzip']) } : {}),
        // Node refuses to send bytes a header cannot hold; the server never sees those.
        ...(token ? { authorization: rng.chance(0.9) ? `Bearer ${token}` : `Bearer ${mutateDocument(rng, token).replace(/[^\x20-\x7e]/g, '')}` } : {}),
      };
      const method = rng.pick(['POST', 'POST', 'POST', 'GET', 'PUT']);
      const search = method === 'GET' ? `?query=${percentEncoded(mutateDocument(rng, rng.pick(SEED_DOCUMENTS)))}&variables=${percentEncoded(body.toString('latin1').slice(0, 200))}` : '';
      if (method === 'GET' && headers.accept === 'text/html') delete headers.accept; // that is the playground page, not GraphQL
      return { ...(await post(body, headers, method, search)), describe: `${method} ${JSON.stringify(headers)} ${body.toString('latin1').slice(0, 200)}` };
    }],
    ['graphql-ws', 15, async () => {
      const token = viewer();
      const frames: (string | Buffer)[] = [];
      frames.push(rng.chance(0.9) ? JSON.stringify({ type: 'connection_init', ...(token ? { payload: { authorization: rng.chance(0.9) ? `Bearer ${token}` : rng.pick<unknown>([5, {}, 'Bearer x', null]) } } : {}) })
        : mutateBytes(rng, Buffer.from('{"type":"connection_init"}')));
      for (let i = 0, n = 1 + rng.int(3); i < n; i += 1) {
        const operation = generator.operation(rng.pick(['subscription', 'subscription', 'query', 'mutation'] as const));
        const message = { type: 'subscribe', id: rng.chance(0.9) ? String(i) : rng.pick<unknown>([0, null, {}, '0']), payload: operation };
        frames.push(rng.chance(0.85) ? JSON.stringify(message) : mutateBytes(rng, Buffer.from(JSON.stringify(message))));
      }
      if (rng.chance(0.2)) frames.push(rng.pick(['{"type":"ping"}', '{"type":"complete","id":"0"}', '{"type":"nope"}', '{"type":"connection_init"}']));
      const result = await exchange(target.url, frames);
      return { ...result, describe: frames.map((f) => (typeof f === 'string' ? f : f.toString('latin1'))).join(' | ').slice(0, 500) };
    }],
  ];
  const totalWeight = kinds.reduce((sum, [, weight]) => sum + weight, 0);

  /** After work that may still be running server-side, the rows are measured once they stop changing. */
  let unsettled = false;
  const steadyChecksum = async () => {
    let sum = await target.checksum();
    for (let tries = 0; unsettled && tries < 20; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const again = await target.checksum();
      if (again === sum) break;
      sum = again;
    }
    unsettled = false;
    return sum;
  };

  while (report.cases < cases && Date.now() < until) {
    let roll = rng.int(totalWeight);
    const [kind, , run] = kinds.find(([, weight]) => (roll -= weight) < 0)!;
    const before = await steadyChecksum();
    let outcome: Outcome & { describe: string };
    try {
      outcome = await run();
    } catch (error) {
      outcome = { refused: false, problems: [`the request failed: ${(error as Error).message}`], codes: [], describe: kind };
    }
    report.cases += 1;
    unsettled = outcome.unsettled === true || outcome.status === 503;
    count(report.byKind, kind);
    if (outcome.status !== undefined) count(report.statuses, String(outcome.status));
    for (const code of outcome.codes) count(report.codes, code);
    if (outcome.refused && outcome.problems.length === 0) {
      report.refusedChecked += 1;
      if ((await target.checksum()) !== before) outcome.problems.push('a refused request changed rows');
    }
    if (outcome.problems.length) report.failures.push(`#${report.cases} ${kind}: ${outcome.problems.join('; ')}\n    ${outcome.describe}`);
  }
  report.ms = Date.now() - started;
  return report;
}

/** Sends frames on a fresh graphql-ws connection (what follows an init once it is acknowledged), then judges what came back. */
async function exchange(url: string, frames: (string | Buffer)[]): Promise<Outcome> {
  const problems: string[] = [];
  const codes: string[] = [];
  let anyData = false;
  const sentById = new Map<unknown, unknown>();
  /** Queries and mutations sent, until their `complete` or `error`: a mutation still running could commit later. */
  const running = new Set<unknown>();
  let settled: () => void = () => undefined;
  const allSettled = new Promise<void>((resolve) => (settled = resolve));
  for (const frame of frames) {
    const message = jsonOf(frame) as { type?: unknown; id?: unknown; payload?: { query?: unknown; operationName?: unknown } } | undefined;
    if (message?.type !== 'subscribe') continue;
    sentById.set(message.id, message.payload);
    let kind: string | undefined;
    try {
      kind = getOperationAST(parse(String(message.payload?.query)), typeof message.payload?.operationName === 'string' ? message.payload.operationName : undefined)?.operation;
    } catch {
      kind = undefined; // a document that does not parse runs nothing
    }
    if (kind === 'query' || kind === 'mutation') running.add(message.id);
  }
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  let close: number | null = null;
  const closed = new Promise<void>((resolve) => socket.once('close', (code) => {
    close = code;
    resolve();
  }));
  socket.on('error', () => undefined);
  const acked = new Promise<void>((resolve) => socket.on('message', (data) => {
    let message: any;
    try {
      message = JSON.parse(String(data));
    } catch {
      problems.push(`a frame that is not JSON: ${String(data).slice(0, 100)}`);
      return;
    }
    if (message.type === 'connection_ack') resolve();
    if ((message.type === 'complete' || message.type === 'error') && running.delete(message.id) && running.size === 0) settled();
    const errors = message.type === 'error' ? message.payload : message.type === 'next' ? message.payload?.errors ?? [] : [];
    if (message.type === 'next' && !refusedResult(message.payload, sentById.get(message.id))) anyData = true;
    for (const error of Array.isArray(errors) ? errors : [{ extensions: { code: 'NOT_AN_ARRAY' } }]) {
      const code = String(error?.extensions?.code);
      codes.push(code);
      if (!DOCUMENTED_CODES.has(code)) problems.push(`error code ${code} over graphql-ws: ${JSON.stringify(error).slice(0, 200)}`);
    }
  }));
  // Unref'd: a race's losing timer (up to 5 s) must not keep the test worker alive after the last test, or Jest
  // force-exits it with a "failed to exit gracefully" warning.
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  await Promise.race([new Promise((resolve) => socket.once('open', resolve)), closed, wait(2000)]);
  if (socket.readyState === WebSocket.OPEN) {
    for (const [i, frame] of frames.entries()) {
      if (socket.readyState !== WebSocket.OPEN) break;
      socket.send(frame, { binary: false });
      if (i === 0) await Promise.race([acked, closed, wait(1000)]);
    }
    await Promise.race([closed, wait(150)]);
    if (running.size > 0) await Promise.race([allSettled, closed, wait(5000)]);
  }
  if (close !== null && !DOCUMENTED_CLOSES.has(close)) problems.push(`close code ${close}`);
  if (socket.readyState === WebSocket.OPEN) {
    socket.close(1000);
    await Promise.race([closed, wait(1000)]);
  }
  socket.terminate();
  // An operation neither completed nor refused may still be running on the server: nothing can be said of its rows.
  return { refused: !anyData && running.size === 0, problems, codes, unsettled: running.size > 0 };
}

/** The checksum statement: every row of the tables requests write, in one statement (background jobs' tables left out). */
export function checksumStatement(tables: string[]): string {
  const skipped = new Set(['outbox_consumer', 'delivery_job', 'migrations']);
  return `SELECT md5(${tables.filter((t) => !skipped.has(t)).map((t) => `coalesce((SELECT string_agg(md5(x::text), '' ORDER BY md5(x::text)) FROM "${t}" x), '')`).join(' || ')}) AS sum`;
}
