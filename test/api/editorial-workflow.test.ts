import type { TestApp } from '../support/test-app';
import { newsroomSuite } from '../support/newsroom-suite';
import type { factories } from '../support/factories';
import { A_BODY, ARCHIVE, CREATE, failure, ok, outboxEvents, PUBLISH, RETRACT, UNPUBLISH, UPDATE } from '../support/editorial';
import { eventually } from '../support/eventually';

const READ = `query($slug: String, $id: ID) { article(slug: $slug, id: $id) { id slug title status body { text } } }`;
const FEED = '{ articles(first: 20) { edges { node { slug } } } }';
const feedSlugs = async (app: TestApp) => (await ok(app, FEED, {})).articles.edges.map((e: any) => e.node.slug);

describe('editorial workflow', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;

  newsroomSuite('Salma Editor', (suite) => ({ app, make, editor } = suite));

  it('creates a draft readers cannot see, publishes it, and readers then find it in the feed and at its URL', async () => {
    await make.person({ slug: 'awatif-hayar' });
    await make.category({ slug: 'politique' });
    const { createArticle: draft } = await ok(app, CREATE, { input: {
      title: '  حيار تعرض استراتيجية وزارتها للتشاور (فيديو) ',
      kicker: 'التضامن',
      body: A_BODY,
      tags: ['تضامن', 'تضامن', 'حكومة'],
      categorySlug: 'politique',
      personSlugs: ['awatif-hayar'],
      regionCodes: ['ma-ken'],
      hasVideo: true,
      editorNote: 'check the figures with the ministry',
    } }, editor);
    expect(draft).toMatchObject({
      slug: 'حيار-تعرض-استراتيجية-وزارتها-للتشاور',
      title: 'حيار تعرض استراتيجية وزارتها للتشاور (فيديو)',
      status: 'DRAFT',
      publishedAt: null,
      version: 1,
      tags: ['تضامن', 'حكومة'],
      category: { slug: 'politique' },
      people: [{ slug: 'awatif-hayar' }],
      regions: [{ code: 'MA-KEN' }],
      editorNote: 'check the figures with the ministry',
    });
    const anonymous = await app.gql(READ, { slug: draft.slug });
    expect(anonymous.data.article).toBeNull();
    expect((await app.gql(READ, { id: draft.id }, { token: editor })).data.article.status).toBe('DRAFT');

    const { publishArticle: published } = await ok(app, PUBLISH, { id: draft.id }, editor);
    expect(published).toMatchObject({ status: 'PUBLISHED', version: 2 });
    expect(new Date(published.publishedAt).getTime()).toBeLessThanOrEqual(Date.now());
    expect((await app.gql(READ, { slug: encodeURIComponent(draft.slug) })).data.article).toMatchObject({ id: draft.id, status: 'PUBLISHED' });
    expect(await feedSlugs(app)).toEqual([draft.slug]);
    expect(await outboxEvents(app)).toEqual([
      { kind: 'PUBLISHED', entityId: expect.any(Number), regionCodes: expect.arrayContaining(['MA-04', 'MA-KEN']) },
    ]);
  });

  it('gives every new article a free slug, suffixing taken ones, also when editors create the same title at once', async () => {
    await make.article({ slug: 'اجتماع-المجلس-الحكومي' });
    const titles = Array.from({ length: 6 }, () => 'اجتماع المجلس الحكومي');
    const created = await Promise.all(titles.map((title) => ok(app, CREATE, { input: { title } }, editor)));
    const slugs = created.map((c) => c.createArticle.slug).sort();
    expect(slugs).toEqual(['اجتماع-المجلس-الحكومي-2', 'اجتماع-المجلس-الحكومي-3', 'اجتماع-المجلس-الحكومي-4',
      'اجتماع-المجلس-الحكومي-5', 'اجتماع-المجلس-الحكومي-6', 'اجتماع-المجلس-الحكومي-7']);
    const own = await ok(app, CREATE, { input: { title: 'Titre', slug: 'Mon slug à moi' } }, editor);
    expect(own.createArticle.slug).toBe('mon-slug-a-moi');
  });

  it('tries the next slug when the one it picked is committed by someone else first', async () => {
    await make.article({ slug: 'breaking' });
    const other = app.khabar.db.createQueryRunner();
    await other.startTransaction();
    try {
      await other.query(`INSERT INTO article (slug, title, lang) VALUES ('breaking-2', 'Breaking', 'fr')`);
      const creating = app.gql(CREATE, { input: { title: 'Breaking' } }, { token: editor });
      await eventually(async () => (await app.sql(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0].n > 0,
      { what: 'the create to wait for the other transaction\'s slug' });
      await other.commitTransaction();
      const created = await creating;
      expect(created.errors).toBeUndefined();
      expect(created.data.createArticle.slug).toBe('breaking-3');
    } finally {
      await other.release();
    }
  });

  it('lets one of two editors saving from the same version win; the other gets CONFLICT with the current version', async () => {
    const { createArticle: draft } = await ok(app, CREATE, { input: { title: 'العنوان الأول' } }, editor);
    const other = await app.token('EDITOR', 'Youssef Editor');
    const [a, b] = await Promise.all([
      app.gql(UPDATE, { id: draft.id, expectedVersion: 1, input: { title: 'عنوان سلمى' } }, { token: editor }),
      app.gql(UPDATE, { id: draft.id, expectedVersion: 1, input: { title: 'عنوان يوسف' } }, { token: other }),
    ]);
    const [won, lost] = a.errors ? [b, a] : [a, b];
    expect(won.errors).toBeUndefined();
    expect(won.data.updateArticle.version).toBe(2);
    expect(failure(lost).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    const [row] = await app.sql('SELECT title, version FROM article WHERE slug = $1', [draft.slug]);
    expect(row).toEqual({ title: won.data.updateArticle.title, version: 2 });
    const stale = await app.gql(UPDATE, { id: draft.id, expectedVersion: 1, input: { kicker: 'x' } }, { token: editor });
    expect(failure(stale).extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    const [{ n }] = await app.sql('SELECT count(*)::int AS n FROM article_revision r JOIN article a ON a.id = r.article_id WHERE a.slug = $1', [draft.slug]);
    expect(n).toBe(2);
  });

  it('keeps the version when an update changes nothing, and clears optional fields given null', async () => {
    const { createArticle: draft } = await ok(app, CREATE, { input: { title: 'عنوان', kicker: 'عاجل', tags: ['a'] } }, editor);
    const same = await ok(app, UPDATE, { id: draft.id, expectedVersion: 1, input: { title: 'عنوان', kicker: 'عاجل' } }, editor);
    expect(same.updateArticle.version).toBe(1);
    const cleared = await ok(app, UPDATE, { id: draft.id, expectedVersion: 1, input: { kicker: null, tags: null } }, editor);
    expect(cleared.updateArticle).toMatchObject({ version: 2, kicker: null, tags: [] });
  });

  it('unpublishes and archives: the article leaves the public site and live clients are told', async () => {
    const first = (await ok(app, CREATE, { input: { title: 'أول', body: A_BODY, regionCodes: ['MA-01'] } }, editor)).createArticle;
    const second = (await ok(app, CREATE, { input: { title: 'ثان', body: A_BODY } }, editor)).createArticle;
    for (const a of [first, second]) await ok(app, PUBLISH, { id: a.id }, editor);
    expect((await ok(app, UNPUBLISH, { id: first.id }, editor)).unpublishArticle).toMatchObject({ status: 'DRAFT', publishedAt: null });
    expect((await ok(app, ARCHIVE, { id: second.id }, editor)).archiveArticle.status).toBe('ARCHIVED');
    expect(await feedSlugs(app)).toEqual([]);
    expect((await app.gql(READ, { id: first.id })).data.article).toBeNull();
    expect((await app.gql(READ, { id: second.id })).data.article).toBeNull();
    expect((await outboxEvents(app)).map((e) => e.kind)).toEqual(['PUBLISHED', 'PUBLISHED', 'UNPUBLISHED', 'ARCHIVED']);
    const republished = await ok(app, PUBLISH, { id: second.id }, editor);
    expect(republished.publishArticle.status).toBe('PUBLISHED');
  });

  it('keeps a person\'s articles in step with the workflow: publishing, re-linking, unpublishing and retracting', async () => {
    await make.person({ slug: 'awatif-hayar' });
    await make.person({ slug: 'other' });
    const personSlugs = async (slug: string) => (await ok(app, `{ person(slug: "${slug}") { articles(first: 10) { edges { node { slug } } } } }`, {}))
      .person.articles.edges.map((e: any) => e.node.slug);
    const create = async (title: string) => (await ok(app, CREATE, { input: { title, body: A_BODY, personSlugs: ['awatif-hayar'] } }, editor)).createArticle;
    const [older, newer] = [await create('أقدم'), await create('أحدث')];
    expect(await personSlugs('awatif-hayar')).toEqual([]);
    await ok(app, PUBLISH, { id: older.id }, editor);
    await ok(app, PUBLISH, { id: newer.id }, editor);
    expect(await personSlugs('awatif-hayar')).toEqual([newer.slug, older.slug]);
    await ok(app, UPDATE, { id: older.id, expectedVersion: 2, input: { personSlugs: ['other', 'awatif-hayar'] } }, editor);
    expect(await personSlugs('other')).toEqual([older.slug]);
    await ok(app, UNPUBLISH, { id: newer.id }, editor);
    expect(await personSlugs('awatif-hayar')).toEqual([older.slug]);
    await ok(app, RETRACT, { id: older.id, note: 'سحب المقال لخطأ في المعطيات' }, editor);
    expect([await personSlugs('awatif-hayar'), await personSlugs('other')]).toEqual([[], []]);
    await ok(app, PUBLISH, { id: newer.id }, editor);
    expect(await personSlugs('awatif-hayar')).toEqual([newer.slug]);
  });

  it('refuses changes the status does not allow with CONFLICT, an empty article with BAD_USER_INPUT, and unknown ids with NOT_FOUND', async () => {
    const { createArticle: draft } = await ok(app, CREATE, { input: { title: 'بلا نص' } }, editor);
    expect(failure(await app.gql(PUBLISH, { id: draft.id }, { token: editor })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    expect(failure(await app.gql(UNPUBLISH, { id: draft.id }, { token: editor })).extensions).toMatchObject({ code: 'CONFLICT', status: 'DRAFT' });
    await ok(app, UPDATE, { id: draft.id, expectedVersion: 1, input: { body: A_BODY } }, editor);
    await ok(app, PUBLISH, { id: draft.id }, editor);
    expect(failure(await app.gql(PUBLISH, { id: draft.id }, { token: editor })).extensions).toMatchObject({ code: 'CONFLICT', status: 'PUBLISHED' });
    await ok(app, RETRACT, { id: draft.id, note: 'Retracted.' }, editor);
    const edit = await app.gql(UPDATE, { id: draft.id, expectedVersion: 4, input: { title: 'x' } }, { token: editor });
    expect(failure(edit).extensions).toMatchObject({ code: 'CONFLICT', status: 'RETRACTED' });
    const missing = await app.gql(PUBLISH, { id: Buffer.from('Article:999999').toString('base64url') }, { token: editor });
    expect(failure(missing).extensions).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rolls a mutation back whole when a step fails, and masks the error for the client', async () => {
    await app.sql(`CREATE FUNCTION fail_step() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'simulated failure in %', TG_TABLE_NAME; END $$`);
    try {
      await app.sql(`CREATE TRIGGER fail_region BEFORE INSERT ON article_region FOR EACH ROW
        WHEN (NEW.region_code = 'MA-12') EXECUTE FUNCTION fail_step()`);
      const created = await app.gql(CREATE, { input: { title: 'لن يحفظ', body: A_BODY, regionCodes: ['MA-01', 'MA-12'] } },
        { token: editor, headers: { 'x-request-id': 'req-rollback-create' } });
      const error = failure(created);
      expect(error).toEqual(expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }));
      expect(created.headers.get('x-request-id')).toBe('req-rollback-create');
      expect(JSON.stringify(created.errors)).not.toMatch(/simulated|article_region|INSERT|stack/i);
      const counts = async () => (await app.sql(`SELECT (SELECT count(*)::int FROM article) AS articles,
        (SELECT count(*)::int FROM article_revision) AS revisions, (SELECT count(*)::int FROM article_region) AS regions`))[0];
      expect(await counts()).toEqual({ articles: 0, revisions: 0, regions: 0 });

      const { createArticle: draft } = await ok(app, CREATE, { input: { title: 'سينشر', body: A_BODY } }, editor);
      await app.sql(`CREATE TRIGGER fail_outbox BEFORE INSERT ON event_outbox FOR EACH ROW EXECUTE FUNCTION fail_step()`);
      const publish = await app.gql(PUBLISH, { id: draft.id }, { token: editor });
      expect(failure(publish).extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
      const [row] = await app.sql('SELECT status, version, published_at AS "publishedAt" FROM article');
      expect(row).toEqual({ status: 'DRAFT', version: 1, publishedAt: null });
      expect(await counts()).toEqual({ articles: 1, revisions: 1, regions: 0 });
    } finally {
      await app.sql('DROP FUNCTION fail_step() CASCADE');
    }
  });

  it('lists every article on the editors\' desk, drafts included, most recently changed first, page by page', async () => {
    const ids: string[] = [];
    for (const title of ['واحد', 'اثنان', 'ثلاثة', 'أربعة', 'خمسة']) {
      ids.push((await ok(app, CREATE, { input: { title, body: A_BODY } }, editor)).createArticle.id);
    }
    await ok(app, PUBLISH, { id: ids[1] }, editor);
    const DESK = `query($after: String, $status: ArticleStatus) { editorialArticles(first: 2, after: $after, status: $status) {
      edges { node { id status } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await ok(app, DESK, { after }, editor)).editorialArticles;
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([ids[1], ids[4], ids[3], ids[2], ids[0]]);
    const drafts = (await ok(app, DESK, { status: 'DRAFT' }, editor)).editorialArticles.edges.map((e: any) => e.node.id);
    expect(drafts).toEqual([ids[4], ids[3]]);
  });
});
