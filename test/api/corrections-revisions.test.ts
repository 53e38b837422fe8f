import type { TestApp } from '../support/test-app';
import { newsroomSuite } from '../support/newsroom-suite';
import type { factories } from '../support/factories';
import { A_BODY, CORRECT, CREATE, failure, ok, outboxEvents, PUBLISH, RESTORE, RETRACT, UPDATE } from '../support/editorial';

const READER_VIEW = `query($slug: String!) { article(slug: $slug) { id title status summary body { text } corrections { kind note at } } }`;
const REVISIONS = `query($id: ID!) { article(id: $id) { version revisions { version action authorName changedFields createdAt title regionCodes status } } }`;

describe('corrections, retractions and revisions', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;

  newsroomSuite('Salma Editor', (suite) => ({ app, make, editor } = suite));

  async function published(input: object = {}) {
    const { createArticle } = await ok(app, CREATE, { input: { title: 'حيار تعرض استراتيجية وزارتها', summary: 'ملخص', body: A_BODY, ...input } }, editor);
    return (await ok(app, PUBLISH, { id: createArticle.id }, editor)).publishArticle;
  }

  it('publishes a correction as a new version with a public note readers see, and tells live clients', async () => {
    const article = await published({ regionCodes: ['MA-04'] });
    const corrected = await ok(app, CORRECT, {
      id: article.id, expectedVersion: 2, input: { title: 'عواطف حيار تعرض استراتيجية وزارتها' },
      note: 'صُحّح اسم الوزيرة في العنوان. An earlier version gave only her family name.',
    }, editor);
    expect(corrected.correctArticle).toMatchObject({ version: 3, status: 'PUBLISHED', publishedAt: article.publishedAt });

    const reader = (await app.gql(READER_VIEW, { slug: article.slug })).data.article;
    expect(reader).toMatchObject({ title: 'عواطف حيار تعرض استراتيجية وزارتها', status: 'PUBLISHED', body: [{ text: A_BODY[0].text }] });
    expect(reader.corrections).toEqual([{ kind: 'CORRECTION', note: 'صُحّح اسم الوزيرة في العنوان. An earlier version gave only her family name.', at: expect.any(String) }]);
    expect((await outboxEvents(app, article.id)).map((e) => e.kind)).toEqual(['PUBLISHED', 'CORRECTED']);

    const stale = await app.gql(CORRECT, { id: article.id, expectedVersion: 2, input: {}, note: 'again' }, { token: editor });
    expect(failure(stale).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 3 });
    const { createArticle: draft } = await ok(app, CREATE, { input: { title: 'مسودة' } }, editor);
    const onDraft = await app.gql(CORRECT, { id: draft.id, expectedVersion: 1, input: {}, note: 'n' }, { token: editor });
    expect(failure(onDraft).extensions).toMatchObject({ code: 'CONFLICT', status: 'DRAFT' });
  });

  it('keeps a retracted article at its URL with the notice, withholds its text from readers and takes it out of every list', async () => {
    const person = await make.person({ slug: 'awatif-hayar' });
    const article = await published({ personSlugs: [person.slug], regionCodes: ['MA-KEN'] });
    await ok(app, CORRECT, { id: article.id, expectedVersion: 2, input: {}, note: 'Figures updated.' }, editor);
    const { retractArticle } = await ok(app, RETRACT, { id: article.id, note: 'The quoted report does not exist; we withdraw this article.' }, editor);
    expect(retractArticle).toMatchObject({ status: 'RETRACTED', version: 4, summary: 'ملخص', body: [{ text: A_BODY[0].text }] });

    const reader = (await app.gql(READER_VIEW, { slug: article.slug })).data.article;
    expect(reader).toMatchObject({ id: article.id, title: 'حيار تعرض استراتيجية وزارتها', status: 'RETRACTED', summary: null, body: [] });
    expect(reader.corrections.map((c: any) => [c.kind, c.note])).toEqual([
      ['RETRACTION', 'The quoted report does not exist; we withdraw this article.'],
      ['CORRECTION', 'Figures updated.'],
    ]);
    const node = await app.gql('query($id: ID!) { node(id: $id) { ... on Article { status body { text } } } }', { id: article.id });
    expect(node.data.node).toEqual({ status: 'RETRACTED', body: [] });
    const lists = await app.gql(`{ articles { edges { node { id } } } person(slug: "awatif-hayar") { articles { edges { node { id } } } }
      region(code: "MA-04") { articles { edges { node { id } } } } }`);
    expect(lists.data).toEqual({ articles: { edges: [] }, person: { articles: { edges: [] } }, region: { articles: { edges: [] } } });
    const editorView = await app.gql(READER_VIEW, { slug: article.slug }, { token: editor });
    expect(editorView.data.article.body).toEqual([{ text: A_BODY[0].text }]);
    expect((await outboxEvents(app, article.id)).map((e) => e.kind)).toEqual(['PUBLISHED', 'CORRECTED', 'RETRACTED']);
    expect(failure(await app.gql(RETRACT, { id: article.id, note: 'again' }, { token: editor })).extensions).toMatchObject({ code: 'CONFLICT', status: 'RETRACTED' });
  });

  it('keeps a revision of every saved change, with who, when and what changed, for editors', async () => {
    const { createArticle } = await ok(app, CREATE, { input: { title: 'أول', body: A_BODY } }, editor);
    const other = await app.token('EDITOR', 'Youssef Editor');
    await ok(app, UPDATE, { id: createArticle.id, expectedVersion: 1, input: { title: 'ثان', regionCodes: ['MA-01'] } }, other);
    await ok(app, PUBLISH, { id: createArticle.id }, editor);
    const { article } = await ok(app, REVISIONS, { id: createArticle.id }, editor);
    expect(article.version).toBe(3);
    expect(article.revisions.map((r: any) => [r.version, r.action, r.authorName, r.changedFields, r.title, r.status])).toEqual([
      [3, 'PUBLISHED', 'Salma Editor', ['status', 'publishedAt'], 'ثان', 'PUBLISHED'],
      [2, 'UPDATED', 'Youssef Editor', ['title', 'regions'], 'ثان', 'DRAFT'],
      [1, 'CREATED', 'Salma Editor', ['slug', 'title', 'body', 'lang'], 'أول', 'DRAFT'],
    ]);
    expect(new Date(article.revisions[0].createdAt).getTime()).toBeGreaterThanOrEqual(new Date(article.revisions[2].createdAt).getTime());
  });

  it('restores an earlier version\'s content as a new version, itself a revision', async () => {
    const { createArticle } = await ok(app, CREATE, { input: { title: 'الأصل', body: A_BODY, regionCodes: ['MA-04'], tags: ['أ'] } }, editor);
    await ok(app, UPDATE, { id: createArticle.id, expectedVersion: 1, input: { title: 'تعديل خاطئ', regionCodes: ['MA-06'], body: [{ type: 'PARAGRAPH', text: 'نص خاطئ' }] } }, editor);
    const { restoreRevision } = await ok(app, RESTORE, { id: createArticle.id, version: 1, expectedVersion: 2 }, editor);
    expect(restoreRevision).toMatchObject({ version: 3, title: 'الأصل', body: A_BODY, regions: [{ code: 'MA-04' }], tags: ['أ'], status: 'DRAFT' });
    const { article } = await ok(app, REVISIONS, { id: createArticle.id }, editor);
    expect(article.revisions[0]).toMatchObject({ version: 3, action: 'RESTORED', changedFields: ['title', 'body', 'regions'], regionCodes: ['MA-04'] });

    const stale = await app.gql(RESTORE, { id: createArticle.id, version: 2, expectedVersion: 2 }, { token: editor });
    expect(failure(stale).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 3 });
    const unknown = await app.gql(RESTORE, { id: createArticle.id, version: 42, expectedVersion: 3 }, { token: editor });
    expect(failure(unknown).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'version' });
  });

  it('keeps the state of seeded content before its first change, so it can be restored', async () => {
    const seeded = await make.article({ title: 'مقال مستورد', regionCodes: ['MA-01'] });
    await ok(app, UPDATE, { id: seeded.globalId, expectedVersion: 1, input: { title: 'مقال معدل' } }, editor);
    const { article } = await ok(app, REVISIONS, { id: seeded.globalId }, editor);
    expect(article.revisions.map((r: any) => [r.version, r.action, r.authorName, r.title, r.regionCodes])).toEqual([
      [2, 'UPDATED', 'Salma Editor', 'مقال معدل', ['MA-01']],
      [1, 'IMPORTED', null, 'مقال مستورد', ['MA-01']],
    ]);
    const { restoreRevision } = await ok(app, RESTORE, { id: seeded.globalId, version: 1, expectedVersion: 2 }, editor);
    expect(restoreRevision).toMatchObject({ title: 'مقال مستورد', version: 3, status: 'PUBLISHED' });
  });
});
