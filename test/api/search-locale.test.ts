import { Writable } from 'node:stream';
import pino from 'pino';
import crypto from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';
import { templateName, urlFor, withAdmin } from '../support/database';
import { factories } from '../support/factories';
import { ok } from '../support/editorial';
import { checkSearchSupport, searchSupportWarning } from '../../src/modules/search/search-support';

const SEARCH = 'query($query: String!) { search(query: $query) { edges { highlight node { slug } } } }';
const PEOPLE = 'query($query: String!) { people(query: $query) { edges { node { slug } } } }';

describe('search support check', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.stop());

  it('finds trigrams in Arabic on the test database (UTF-8 LC_CTYPE) and has nothing to warn about', async () => {
    const support = await checkSearchSupport(app.khabar.contextDeps.sql);
    expect(support.trigrams).toBe(true);
    expect(searchSupportWarning(support)).toBeNull();
    expect(app.khabar.contextDeps.searchSupport).toEqual(support);
  });
});

describe('search on a database whose LC_CTYPE is C (degraded, with a warning)', () => {
  let app: TestApp;
  const warnings: { msg: string; ctype?: string }[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) warnings.push(JSON.parse(line));
        done();
      },
    });
    app = await startTestApp({}, { logger: pino({ level: 'warn' }, sink) }, { ctype: 'C' });
    const make = factories(app);
    await make.article({ slug: 'hayar', title: 'دعت وزيرة التضامن والإدماج الاجتماعي «والأسرة»، عواطف حيار، إلى اعتماد مخطط' });
    await make.person({ slug: 'aawatif-hayar', nameAr: 'عواطف حيار', nameLatin: 'Aawatif Hayar', aliases: ['الوزيرة حيار'] });
  });
  afterAll(() => app.stop());

  it('detects that pg_trgm finds no trigrams in Arabic and warns at startup', async () => {
    const support = await checkSearchSupport(app.khabar.contextDeps.sql);
    expect(support).toEqual({ ctype: 'C', trigrams: false });
    expect(app.khabar.contextDeps.searchSupport).toEqual(support);
    expect(searchSupportWarning(support)).toMatch(/degraded.*LC_CTYPE is "C"/);
    expect(warnings).toContainEqual(expect.objectContaining({ ctype: 'C', msg: searchSupportWarning(support) }));
  });

  it('decides from the LC_CTYPE name when pg_trgm is not installed yet (a replica started before the migration job)', async () => {
    for (const ctype of ['C', 'C.UTF-8']) {
      const name = `${templateName()}_${crypto.randomBytes(5).toString('hex')}`;
      await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE '${ctype}' LC_COLLATE 'C'`));
      try {
        const support = await withAdmin((c) => checkSearchSupport({ query: async (text, values) => (await c.query(text, values)).rows }),
          urlFor(name));
        expect(support).toEqual({ ctype, trigrams: ctype !== 'C' });
      } finally {
        await withAdmin((c) => c.query(`DROP DATABASE ${name}`));
      }
    }
  });

  it('still finds articles across spellings, punctuation included, and highlights them', async () => {
    for (const query of ['الاسره', 'وزيرة حيار', 'حیار', 'إدماج']) {
      const { search } = await ok(app, SEARCH, { query });
      expect(search.edges.map((edge: any) => edge.node.slug)).toEqual(['hayar']);
    }
    const { search } = await ok(app, SEARCH, { query: 'الوزيرة' });
    expect(search.edges[0].highlight).toContain('<mark>وزيرة</mark>');
  });

  it('finds people by their names and aliases in any Arabic or Latin spelling, but no longer by fuzzy trigrams', async () => {
    for (const query of ['حیار', 'عواطف', 'aawatif hayar', 'الوزيره حيار']) {
      const { people } = await ok(app, PEOPLE, { query });
      expect(people.edges.map((edge: any) => edge.node.slug)).toEqual(['aawatif-hayar']);
    }
    expect((await ok(app, PEOPLE, { query: 'Awatef Hayar' })).people.edges).toEqual([]);
  });
});
