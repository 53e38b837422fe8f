import { InProcess, startInProcess } from '../support/in-process';
import { factories } from '../support/factories';

/**
 * Lists and article pages read only the columns an operation shows (src/db/projection.ts). Every field of an article,
 * and of the regions, people and section it shows, asked alone in every list of articles and on its page, must equal
 * the same field read whole.
 */
describe('lists and pages read what they show, and show what a whole read shows', () => {
  let app: InProcess;
  let editor: string;
  let personSlug: string;
  const articleSlugs: { arabic?: string; french?: string } = {};
  const fieldsOf = new Map<string, { name: string; leaf: boolean; type: string }[]>();

  beforeAll(async () => {
    // In process: no operation policy, so every field of every relation at once (costlier than a real page may be) runs.
    app = await startInProcess();
    editor = await app.token('EDITOR');
    const make = factories(app);
    const section = await make.category();
    const minister = await make.person({ aliases: ['عواطف حيار'], roleAr: 'وزيرة' });
    const mayor = await make.person();
    await app.sql(`UPDATE person SET bio = 'سيرة قصيرة', role_fr = 'Ministre' WHERE id = $1`, [minister.id]);
    personSlug = minister.slug;
    articleSlugs.arabic = (await make.article({ kicker: 'عاجل', summary: 'ملخص', tags: ['وسم'], hasVideo: true, categoryId: section.id,
      personIds: [minister.id, mayor.id], regionCodes: ['MA-CAS', 'MA-04'], editorNote: 'ملاحظة' })).slug;
    articleSlugs.french = (await make.article({ lang: 'fr', title: 'Un article en français مقال', personIds: [mayor.id, minister.id], regionCodes: ['MA-04'] })).slug;
    await make.article({ personIds: [minister.id], regionCodes: ['MA-KEN', 'MA-RAB'], categoryId: section.id });
    await app.sql(`INSERT INTO article_correction (article_id, kind, note, version) SELECT id, 'CORRECTION', 'تصحيح', version FROM article`);

    const { data } = await app.gql(`{ __schema { types { name fields { name args { type { kind } } type { kind ofType { kind ofType { kind ofType { kind name } name } name } name } } } } }`);
    const named = (type: any): any => (type.ofType ? named(type.ofType) : type);
    for (const type of data.__schema.types) {
      if (!type.fields || type.name.startsWith('__')) continue;
      fieldsOf.set(type.name, type.fields
        .filter((field: any) => field.args.every((arg: any) => arg.type.kind !== 'NON_NULL') && !named(field.type).name.endsWith('Connection'))
        .map((field: any) => ({ name: field.name, type: named(field.type).name, leaf: ['SCALAR', 'ENUM'].includes(named(field.type).kind) })));
    }
  });
  afterAll(() => app.stop());

  /** The field as a selection: leaves as they are, objects with their leaves and one level of objects below. */
  function select(field: { name: string; leaf: boolean; type: string }, depth = 1): string {
    if (field.leaf) return field.name;
    const inner = fieldsOf.get(field.type)!.filter((f) => f.leaf || depth > 0).map((f) => select(f, depth - 1));
    return `${field.name} { ${inner.join(' ')} }`;
  }

  const LISTS: { name: string; query: (node: string) => string; edges: (data: any) => any[] }[] = [
    { name: 'articles', query: (node) => `{ list: articles(first: 10) { edges { node { ${node} } } } }`, edges: (d) => d.list.edges },
    { name: 'a person\'s articles', query: (node) => `query($slug: String!) { person(slug: $slug) { articles(first: 10) { edges { node { ${node} } } } } }`, edges: (d) => d.person.articles.edges },
    { name: 'a region\'s articles', query: (node) => `{ region(code: "MA-04") { articles(first: 10) { edges { node { ${node} } } } } }`, edges: (d) => d.region.articles.edges },
    { name: 'search', query: (node) => `{ list: search(query: "مقال") { edges { node { ${node} } } } }`, edges: (d) => d.list.edges },
    { name: 'the editors\' desk', query: (node) => `{ list: editorialArticles(first: 10) { edges { node { ${node} } } } }`, edges: (d) => d.list.edges },
    // Not a list: two article pages (an Arabic and a French one), read by slug as a page reads them.
    { name: 'article pages', query: (node) => `query($arabic: String!, $french: String!) { arabic: article(slug: $arabic) { ${node} } french: article(slug: $french) { ${node} } }`,
      edges: (d) => [d.arabic, d.french].map((node) => ({ node })) },
  ];

  it.each(LISTS)('$name: each field alone equals the whole read', async ({ query, edges }) => {
    const gql = async (node: string) => {
      const res = await app.gql(query(node), { slug: personSlug, ...articleSlugs }, { token: editor });
      expect(res.errors).toBeUndefined();
      return edges(res.data).map((edge: any) => edge.node);
    };
    const articleFields = fieldsOf.get('Article')!;
    const whole = await gql(articleFields.map((field) => select(field)).join(' '));
    expect(whole.length).toBeGreaterThanOrEqual(2);
    for (const node of whole) {
      const res = await app.gql(`query($id: ID!) { article(id: $id) { ${articleFields.map((field) => select(field)).join(' ')} } }`, { id: node.id }, { token: editor });
      expect(res.data.article).toEqual(node);
    }
    for (const field of articleFields) {
      const alone = await gql(select(field));
      expect({ field: field.name, values: alone.map((node: any) => node[field.name]) })
        .toEqual({ field: field.name, values: whole.map((node: any) => node[field.name]) });
    }
    for (const relation of articleFields.filter((field) => ['regions', 'people', 'category'].includes(field.name))) {
      for (const field of fieldsOf.get(relation.type)!) {
        const alone = await gql(`${relation.name} { ${select(field, 0)} }`);
        const pick = (node: any) => {
          const value = node[relation.name];
          const one = (item: any) => item && { [field.name]: item[field.name] };
          return Array.isArray(value) ? value.map(one) : one(value);
        };
        expect({ field: `${relation.name}.${field.name}`, values: alone.map(pick) })
          .toEqual({ field: `${relation.name}.${field.name}`, values: whole.map(pick) });
      }
    }
  });

  // A person's or region's page reads the parent in the statement of its articles, with only the fields shown of it.
  it.each([
    { type: 'Person', query: (fields: string) => `query($slug: String!) { parent: person(slug: $slug) { ${fields} } }` },
    { type: 'Region', query: (fields: string) => `query { parent: region(code: "MA-04") { ${fields} } }` },
  ])('$type with its articles: each field alone, in one statement, equals the whole read', async ({ type, query }) => {
    const fields = fieldsOf.get(type)!;
    const whole = await app.gql(query(fields.map((field) => select(field)).join(' ')), { slug: personSlug });
    expect(whole.errors).toBeUndefined();
    for (const field of fields) {
      const alone = await app.gql(query(`${select(field)} articles(first: 2) { edges { node { slug } } }`), { slug: personSlug });
      expect(alone.errors).toBeUndefined();
      if (field.leaf) expect({ field: field.name, statements: alone.sqlStatements }).toEqual({ field: field.name, statements: 1 });
      expect({ field: field.name, value: alone.data.parent[field.name] }).toEqual({ field: field.name, value: whole.data.parent[field.name] });
      expect(alone.data.parent.articles.edges).toHaveLength(2);
    }
  });

  it('reads a relation shown only in a fragment, and spends no statement on it', async () => {
    const res = await app.gql(`
      query { articles(first: 3) { edges { ...Edge } } }
      fragment Edge on ArticleEdge { node { slug ... on Article { regions { ...Place } } ...People } }
      fragment Place on Region { nameAr parent { code } }
      fragment People on Article { people { nameAr } }`);
    expect(res.errors).toBeUndefined();
    const [first] = res.data.articles.edges;
    expect(first.node.regions.length).toBeGreaterThan(0);
    expect(first.node.people.length).toBeGreaterThan(0);
    expect(first.node.regions.some((region: any) => region.parent?.code)).toBe(true);
    expect(res.sqlStatements).toBe(1);
  });
});
