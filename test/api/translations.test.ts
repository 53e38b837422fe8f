import type { TestApp } from '../support/test-app';
import { newsroomSuite } from '../support/newsroom-suite';
import type { factories } from '../support/factories';
import { A_BODY, failure, ok, PUBLISH, RETRACT, UNPUBLISH, UPDATE } from '../support/editorial';
import { telltaleJpeg } from '../support/images';
import { upload } from '../support/media';
import { ArticleService } from '../../src/modules/article/article.service';
import { numericIdOf } from '../../src/shared/global-id';

const TRANSLATE = `mutation($articleId: ID!, $lang: String!, $input: CreateTranslationInput) {
  createTranslation(articleId: $articleId, lang: $lang, input: $input) {
    id slug title summary lang dir status version sourceVersion isStale translationSource { id }
    category { slug } regions { code } people { slug } leadImage { id } body { type }
  } }`;
const GROUP = `query($id: ID!) { article(id: $id) { lang translations { id lang slug status dir } } }`;
const STALE = `query($id: ID!) { article(id: $id) { sourceVersion isStale } }`;
const langsOf = (article: { translations: { lang: string }[] }) => article.translations.map((t) => t.lang);

describe('one story in several languages', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;

  newsroomSuite('Salma Editor', (suite) => ({ app, make, editor } = suite));

  it('a translation is a draft in the group that copies section, places, people and pictures, and not the text', async () => {
    const person = await make.person({ slug: 'awatif-hayar' });
    const section = await make.category({ slug: 'politique' });
    const { data: image } = await upload(app, editor, await telltaleJpeg());
    const source = await make.article({
      title: 'حيار تعرض استراتيجية وزارتها للتشاور', lang: 'ar', categoryId: section.id, personIds: [person.id],
      regionCodes: ['MA-04', 'MA-KEN'], tags: ['التضامن'],
    });
    await app.sql('UPDATE article SET lead_image_id = $2, body = body || $3::jsonb WHERE id = $1',
      [source.id, numericIdOf('Image', image.uploadImage.id), JSON.stringify([{ type: 'IMAGE', imageId: numericIdOf('Image', image.uploadImage.id), caption: null }])]);

    const { createTranslation: fr } = await ok(app, TRANSLATE, { articleId: source.globalId, lang: 'fr' }, editor);
    expect(fr).toMatchObject({
      lang: 'fr', dir: 'LTR', status: 'DRAFT', version: 1, sourceVersion: 1, isStale: false,
      translationSource: { id: source.globalId },
      // The source's headline stands in until it is translated; the slug says which language it is.
      title: 'حيار تعرض استراتيجية وزارتها للتشاور', slug: `${source.slug}-fr`, summary: null,
      category: { slug: 'politique' }, regions: [{ code: 'MA-04' }, { code: 'MA-KEN' }], people: [{ slug: 'awatif-hayar' }],
      leadImage: { id: image.uploadImage.id }, body: [{ type: 'IMAGE' }],
    });
    const [copied] = await app.sql('SELECT tags FROM article WHERE id = $1', [numericIdOf('Article', fr.id)]);
    expect(copied.tags).toEqual([]);

    // Written at once, in Tifinagh: the slug keeps its letters.
    const { createTranslation: zgh } = await ok(app, TRANSLATE, { articleId: source.globalId, lang: 'zgh', input: {
      title: 'ⵃⵉⵢⴰⵔ ⵜⵙⵙⴽⵏ ⵜⴰⵙⵜⵔⴰⵜⵉⵊⵉⵜ ⵏ ⵜⵎⴰⵡⴰⵙⵜ ⵏⵏⵙ', summary: 'ⵜⴰⵙⵜⵔⴰⵜⵉⵊⵉⵜ ⵜⴰⵎⴰⵢⵏⵓⵜ 2021-2026.', body: A_BODY,
    } }, editor);
    expect(zgh).toMatchObject({ lang: 'zgh', dir: 'LTR', slug: 'ⵃⵉⵢⴰⵔ-ⵜⵙⵙⴽⵏ-ⵜⴰⵙⵜⵔⴰⵜⵉⵊⵉⵜ-ⵏ-ⵜⵎⴰⵡⴰⵙⵜ-ⵏⵏⵙ', body: [{ type: 'PARAGRAPH' }] });
    expect((await app.gql('query($slug: String!) { article(slug: $slug) { lang } }', { slug: encodeURIComponent(zgh.slug) }, { token: editor })).data.article)
      .toEqual({ lang: 'zgh' });

    // A translation of a translation joins the same group.
    const { createTranslation: en } = await ok(app, TRANSLATE, { articleId: fr.id, lang: 'en', input: { title: 'Hayar presents her ministry\'s strategy' } }, editor);
    expect(en).toMatchObject({ lang: 'en', dir: 'LTR', translationSource: { id: fr.id }, slug: 'hayar-presents-her-ministry-s-strategy' });
    const group = (await ok(app, GROUP, { id: source.globalId }, editor)).article;
    expect(langsOf(group)).toEqual(['fr', 'en', 'zgh']);
    expect(langsOf((await ok(app, GROUP, { id: en.id }, editor)).article)).toEqual(['ar', 'fr', 'zgh']);
  });

  it('a draft or scheduled translation never reaches readers through the group; each version goes through its own workflow', async () => {
    const source = await make.article({ lang: 'ar' });
    const { createTranslation: fr } = await ok(app, TRANSLATE, { articleId: source.globalId, lang: 'fr', input: { title: 'La stratégie', body: A_BODY } }, editor);
    expect((await ok(app, GROUP, { id: source.globalId })).article.translations).toEqual([]);
    expect((await app.gql(GROUP, { id: fr.id })).data.article).toBeNull();
    expect(langsOf((await ok(app, GROUP, { id: source.globalId }, editor)).article)).toEqual(['fr']);

    await ok(app, PUBLISH, { id: fr.id, at: new Date(Date.now() + 3_600_000).toISOString() }, editor);
    expect((await ok(app, GROUP, { id: source.globalId })).article.translations).toEqual([]);
    await ok(app, UNPUBLISH, { id: fr.id }, editor);
    await ok(app, PUBLISH, { id: fr.id }, editor);
    expect((await ok(app, GROUP, { id: source.globalId })).article.translations).toEqual([
      { id: fr.id, lang: 'fr', slug: fr.slug, status: 'PUBLISHED', dir: 'LTR' },
    ]);
    // And back: the French page names the Arabic original.
    expect(langsOf((await ok(app, GROUP, { id: fr.id })).article)).toEqual(['ar']);
    const list = await ok(app, '{ articles(first: 5) { edges { node { lang translations { lang } } } } }', {});
    expect(list.articles.edges.map((e: any) => [e.node.lang, langsOf(e.node)])).toEqual([['fr', ['ar']], ['ar', ['fr']]]);

    // Retracting the original leaves the translation published; it only leaves the translation's group for readers.
    await ok(app, RETRACT, { id: source.globalId, note: 'Retracted: the figures were wrong.' }, editor);
    expect((await ok(app, GROUP, { id: fr.id })).article.translations).toEqual([]);
    expect((await ok(app, GROUP, { id: fr.id })).article.lang).toBe('fr');
    expect((await ok(app, '{ articles(first: 5) { edges { node { lang } } } }', {})).articles.edges).toEqual([{ node: { lang: 'fr' } }]);

    // The reader function pages, sitemaps and feeds call for hreflang: the listed versions, the article itself included.
    const articles = new ArticleService(app.khabar.contextDeps.sql);
    const frId = numericIdOf('Article', fr.id);
    expect(await articles.alternatesFor([frId, source.id])).toEqual([[{ articleId: frId, lang: 'fr', slug: fr.slug }], []]);
  });

  it('hreflang alternates list every published version in the order ar, fr, en, zgh, and none for a draft', async () => {
    const source = await make.article({ lang: 'fr', title: 'Stratégie' });
    const zgh = await make.article({ lang: 'zgh', title: 'ⵜⴰⵙⵜⵔⴰⵜⵉⵊⵉⵜ', translationOf: source.id });
    const ar = await make.article({ lang: 'ar', translationOf: source.id });
    const en = await make.article({ lang: 'en', translationOf: source.id, status: 'DRAFT' });
    const alone = await make.article({ lang: 'ar' });
    const articles = new ArticleService(app.khabar.contextDeps.sql);
    const group = [
      { articleId: ar.id, lang: 'ar', slug: ar.slug }, { articleId: source.id, lang: 'fr', slug: source.slug },
      { articleId: zgh.id, lang: 'zgh', slug: zgh.slug },
    ];
    expect(await articles.alternatesFor([source.id, zgh.id, en.id, alone.id])).toEqual([group, group, [], [{ articleId: alone.id, lang: 'ar', slug: alone.slug }]]);
  });

  it('editors see the version a translation was made from, and that it is stale once the source\'s text changed', async () => {
    const { createArticle: source } = await ok(app, 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id version } }',
      { input: { title: 'حيار تعرض استراتيجية وزارتها', body: A_BODY } }, editor);
    const { createTranslation: fr } = await ok(app, TRANSLATE, { articleId: source.id, lang: 'fr', input: { title: 'Hayar présente sa stratégie' } }, editor);
    expect((await ok(app, STALE, { id: fr.id }, editor)).article).toEqual({ sourceVersion: 1, isStale: false });
    expect((await ok(app, STALE, { id: source.id }, editor)).article).toEqual({ sourceVersion: null, isStale: null });

    // Publishing the source changes its status, not what the translation renders.
    await ok(app, PUBLISH, { id: source.id }, editor);
    expect((await ok(app, STALE, { id: fr.id }, editor)).article).toEqual({ sourceVersion: 1, isStale: false });
    // Editing the translation itself does not make it stale either.
    await ok(app, UPDATE, { id: fr.id, expectedVersion: 1, input: { summary: 'Un résumé.' } }, editor);
    expect((await ok(app, STALE, { id: fr.id }, editor)).article.isStale).toBe(false);

    await ok(app, UPDATE, { id: source.id, expectedVersion: 2, input: { title: 'حيار تعرض الاستراتيجية الجديدة لوزارتها' } }, editor);
    expect((await ok(app, STALE, { id: fr.id }, editor)).article).toEqual({ sourceVersion: 1, isStale: true });
    const desk = await ok(app, '{ editorialArticles(first: 5) { edges { node { lang isStale sourceVersion } } } }', {}, editor);
    expect(desk.editorialArticles.edges.map((e: any) => e.node)).toEqual([
      { lang: 'ar', isStale: null, sourceVersion: null }, { lang: 'fr', isStale: true, sourceVersion: 1 },
    ]);

    // Readers may not ask.
    const reader = await app.gql('query($id: ID!) { article(id: $id) { title isStale } }', { id: source.id });
    expect(failure(reader).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('languages come from the allow-list, and a group holds one version per language: BAD_USER_INPUT on lang, nothing written', async () => {
    const source = await make.article({ lang: 'ar' });
    const count = async () => (await app.sql('SELECT count(*)::int AS n FROM article'))[0].n;
    for (const lang of ['de', 'ber', 'AR', 'ar']) {
      const refused = failure(await app.gql(TRANSLATE, { articleId: source.globalId, lang }, { token: editor }));
      expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lang' });
    }
    expect(await count()).toBe(1);

    const { createTranslation: fr } = await ok(app, TRANSLATE, { articleId: source.globalId, lang: 'fr' }, editor);
    const again = failure(await app.gql(TRANSLATE, { articleId: source.globalId, lang: 'fr' }, { token: editor }));
    expect(again.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lang', existing: fr.id });
    const fromTranslation = failure(await app.gql(TRANSLATE, { articleId: fr.id, lang: 'ar' }, { token: editor }));
    expect(fromTranslation.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lang', existing: source.globalId });
    expect(await count()).toBe(2);

    // Moving a member to a language its group already has is refused too; another language is fine.
    const moved = failure(await app.gql(UPDATE, { id: fr.id, expectedVersion: 1, input: { lang: 'ar' } }, { token: editor }));
    expect(moved.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lang', existing: source.globalId });
    expect((await ok(app, UPDATE, { id: fr.id, expectedVersion: 1, input: { lang: 'en' } }, editor)).updateArticle).toMatchObject({ lang: 'en', version: 2 });
    const badLang = failure(await app.gql(UPDATE, { id: fr.id, expectedVersion: 2, input: { lang: 'es' } }, { token: editor }));
    expect(badLang.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(badLang.message).toContain('"zgh"');

    // A retracted article is not translated; readers may not translate.
    await ok(app, RETRACT, { id: source.globalId, note: 'Retracted.' }, editor);
    expect(failure(await app.gql(TRANSLATE, { articleId: source.globalId, lang: 'zgh' }, { token: editor })).extensions)
      .toMatchObject({ code: 'CONFLICT', status: 'RETRACTED' });
    expect(failure(await app.gql(TRANSLATE, { articleId: fr.id, lang: 'zgh' })).extensions?.code).toBe('UNAUTHENTICATED');
    expect(await count()).toBe(2);
  });

  it('filters and subscriptions take any language of the allow-list', async () => {
    await make.article({ lang: 'zgh', title: 'ⴰⵎⵙⵙⵓⴷⵓ' });
    await make.article({ lang: 'ar' });
    const zgh = await ok(app, '{ articles(first: 5, filter: { lang: "zgh" }) { edges { node { title dir } } } }', {});
    expect(zgh.articles.edges).toEqual([{ node: { title: 'ⴰⵎⵙⵙⵓⴷⵓ', dir: 'LTR' } }]);
    const refused = failure(await app.gql('{ articles(first: 5, filter: { lang: "kab" }) { edges { node { title } } } }'));
    expect(refused.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
