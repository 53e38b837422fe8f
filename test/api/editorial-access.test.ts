import { SignJWT } from 'jose';
import {
  GraphQLField, GraphQLInputType, GraphQLSchema, getNamedType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType,
} from 'graphql';
import { startTestApp, TestApp, TEST_JWT_SECRET } from '../support/test-app';
import { factories } from '../support/factories';
import { buildKhabarSchema } from '../../src/server/schema';
import { toGlobalId } from '../../src/shared/global-id';
import { ok } from '../support/editorial';

/** Mutations only admins may run; every other mutation is for any signed-in editor. */
const ADMIN_ONLY = ['createWebhook', 'deleteWebhook', 'issueToken', 'pauseWebhook', 'redeliverWebhook', 'resumeWebhook', 'rotateWebhookSecret',
  'setHijriMonthStart', 'upsertCategory', 'upsertPerson', 'upsertRegion'];

/** A value of the right GraphQL type (and nothing more), so each call reaches the resolver's guard. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
  }
  switch (type.name) {
    case 'Int': case 'Float': return 1;
    case 'Boolean': return true;
    case 'ID': return toGlobalId('Article', 999_999);
    case 'DateTime': return new Date(Date.now() + 86_400_000).toISOString();
    default: return 'x';
  }
}

function callOf(field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  const declarations = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `mutation${declarations ? `(${declarations})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, sample(arg.type)])),
  };
}

const codes = (res: { errors?: { extensions?: Record<string, any> }[] }) => (res.errors ?? []).map((e) => e.extensions?.code);

describe('who may do what', () => {
  let app: TestApp;
  let schema: GraphQLSchema;
  let make: ReturnType<typeof factories>;
  let tokens: Record<'anonymous' | 'editor' | 'admin', string | undefined>;

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
    schema = await buildKhabarSchema();
    tokens = { anonymous: undefined, editor: await app.token('EDITOR'), admin: await app.token('ADMIN') };
  });
  afterAll(() => app.stop());

  /** Readers' own mutations, without a token: their devices for push notifications (a registration's secret is its proof). */
  const OPEN_TO_READERS = ['registerDevice', 'updateDevice', 'unregisterDevice'];

  it('guards every mutation in the schema: anonymous → UNAUTHENTICATED, editor → FORBIDDEN on admin ones, admin → allowed', async () => {
    const mutations = Object.values(schema.getMutationType()!.getFields());
    expect(mutations.map((m) => m.name)).toEqual(expect.arrayContaining(['createArticle', 'updateArticle', 'publishArticle',
      'unpublishArticle', 'archiveArticle', 'correctArticle', 'retractArticle', 'restoreRevision', ...ADMIN_ONLY]));
    const forbiddenToEditors: string[] = [];
    for (const mutation of mutations) {
      const { query, variables } = callOf(mutation);
      const anonymous = await app.gql(query, variables);
      if (OPEN_TO_READERS.includes(mutation.name)) {
        expect([mutation.name, codes(anonymous).filter((c) => c === 'UNAUTHENTICATED')]).toEqual([mutation.name, []]);
        continue;
      }
      expect([mutation.name, codes(anonymous)]).toEqual([mutation.name, ['UNAUTHENTICATED']]);
      expect(anonymous.data?.[mutation.name] ?? null).toBeNull();
      const editor = await app.gql(query, variables, { token: tokens.editor });
      expect([mutation.name, codes(editor).filter((c) => c === 'UNAUTHENTICATED')]).toEqual([mutation.name, []]);
      if (codes(editor).includes('FORBIDDEN')) forbiddenToEditors.push(mutation.name);
      const admin = await app.gql(query, variables, { token: tokens.admin });
      expect([mutation.name, codes(admin).filter((c) => c === 'UNAUTHENTICATED' || c === 'FORBIDDEN')]).toEqual([mutation.name, []]);
    }
    expect(forbiddenToEditors.sort()).toEqual(ADMIN_ONLY);
  });

  type Made = { id: number; globalId: string };
  it.each([
    ['Article.version', '{ article(id: $id) { title version } }', (d: any) => d.article.version,
      async (a: Made) => (await app.sql('SELECT version FROM article WHERE id = $1', [a.id]))[0].version],
    ['Article.editorNote', '{ article(id: $id) { title editorNote } }', (d: any) => d.article.editorNote, async () => 'ملاحظة داخلية'],
    ['Article.revisions', '{ article(id: $id) { title revisions { version } } }', (d: any) => d.article.revisions,
      async (a: Made) => app.sql('SELECT version FROM article_revision WHERE article_id = $1 ORDER BY version DESC', [a.id])],
    // The desk lists the most recently changed first: the article just made.
    ['Query.editorialArticles', '{ editorialArticles(first: 1) { edges { node { id } } } }', (d: any) => d?.editorialArticles,
      async (a: Made) => ({ edges: [{ node: { id: a.globalId } }] })],
  ])('keeps %s from readers (UNAUTHENTICATED, null) and gives it to editors and admins', async (_name, selection, pick, expected) => {
    const article = await make.article({ editorNote: 'ملاحظة داخلية', title: 'مقال له ملاحظة' });
    const query = selection.includes('$id') ? `query($id: ID!) ${selection}` : selection;
    const reader = await app.gql(query, { id: article.globalId });
    expect(codes(reader)).toEqual(['UNAUTHENTICATED']);
    expect(reader.data ? pick(reader.data) : null).toBeNull();
    if (selection.includes('title')) expect(reader.data.article.title).toBe('مقال له ملاحظة');
    for (const token of [tokens.editor, tokens.admin]) {
      const res = await app.gql(query, { id: article.globalId }, { token });
      expect(res.errors).toBeUndefined();
      expect(pick(res.data)).toEqual(await expected(article));
    }
  });

  it('answers null to readers for drafts, scheduled and archived articles, by slug, id and node, as for missing ones; editors get them', async () => {
    const hidden = [
      await make.article({ status: 'DRAFT', slug: 'draft' }),
      await make.article({ status: 'SCHEDULED', slug: 'scheduled', publishedAt: new Date(Date.now() + 3_600_000) }),
      await make.article({ status: 'ARCHIVED', slug: 'archived' }),
    ];
    const query = `query($slug: String!, $id: ID!) { bySlug: article(slug: $slug) { id } byId: article(id: $id) { id } node(id: $id) { id } }`;
    for (const article of hidden) {
      const reader = await app.gql(query, { slug: article.slug, id: article.globalId });
      expect(reader.errors).toBeUndefined();
      expect(reader.data).toEqual({ bySlug: null, byId: null, node: null });
      const editor = await app.gql(query, { slug: article.slug, id: article.globalId }, { token: tokens.editor });
      expect(editor.data).toEqual({ bySlug: { id: article.globalId }, byId: { id: article.globalId }, node: { id: article.globalId } });
    }
    const missing = await app.gql(query, { slug: 'missing', id: toGlobalId('Article', 999_999) });
    expect(missing.data).toEqual({ bySlug: null, byId: null, node: null });
  });

  it.each([
    ['an expired token', async () => new SignJWT({ role: 'EDITOR', name: 'x' }).setProtectedHeader({ alg: 'HS256' })
      .setIssuer('khabar').setSubject('x').setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(new TextEncoder().encode(TEST_JWT_SECRET))],
    ['a tampered token (role changed, signature kept)', async () => {
      const [header, payload, signature] = (await new SignJWT({ role: 'EDITOR', name: 'x' }).setProtectedHeader({ alg: 'HS256' })
        .setIssuer('khabar').setExpirationTime('1h').sign(new TextEncoder().encode(TEST_JWT_SECRET))).split('.');
      const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'ADMIN' };
      return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    }],
    ['a token signed with another secret', async () => new SignJWT({ role: 'ADMIN', name: 'x' }).setProtectedHeader({ alg: 'HS256' })
      .setIssuer('khabar').setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another'))],
    ['an unsigned token (alg none)', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ role: 'ADMIN', iss: 'khabar', exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url')}.`],
    ['a token with an unknown role', async () => new SignJWT({ role: 'READER', name: 'x' }).setProtectedHeader({ alg: 'HS256' })
      .setIssuer('khabar').setExpirationTime('1h').sign(new TextEncoder().encode(TEST_JWT_SECRET))],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses %s with UNAUTHENTICATED, even for public reads', async (_name, makeToken) => {
    const token = await makeToken();
    for (const query of ['{ articles { edges { cursor } } }', 'mutation { createArticle(input: { title: "x" }) { id } }']) {
      const res = await app.gql(query, {}, { token });
      expect(res.status).toBe(401);
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('serves the GraphQL playground to browsers outside production', async () => {
    const page = await fetch(app.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Khabar · GraphQL playground</title>');
  });

  it('lets an admin issue an editor token that works, with revisions attributed to its name', async () => {
    const { issueToken } = await ok(app, 'mutation { issueToken(role: EDITOR, name: "Nadia Bennani", expiresInHours: 2) }', {}, tokens.admin);
    const created = await ok(app, 'mutation { createArticle(input: { title: "مقال نادية" }) { id revisions { authorName } } }', {}, issueToken);
    expect(created.createArticle.revisions).toEqual([{ authorName: 'Nadia Bennani' }]);
    const upsert = await app.gql('mutation { upsertCategory(input: { slug: "sport", nameAr: "رياضة", nameFr: "Sport" }) { slug } }', {}, { token: issueToken });
    expect(codes(upsert)).toEqual(['FORBIDDEN']);
    const tooLong = await app.gql('mutation { issueToken(role: EDITOR, name: "x", expiresInHours: 100000) }', {}, { token: tokens.admin });
    expect(tooLong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresInHours' });
  });
});
