import { startTestApp, TestApp } from '../support/test-app';
import { A_BODY, CREATE, failure, ok, PUBLISH } from '../support/editorial';

const PERSON = `mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { id slug nameAr nameLatin aliases roleAr bio } }`;
const REGION = `mutation($input: UpsertRegionInput!) { upsertRegion(input: $input) { code level slug nameAr fullNameAr parent { code } } }`;
const CATEGORY = `mutation($input: UpsertCategoryInput!) { upsertCategory(input: $input) { id slug nameAr nameFr } }`;

describe('admins manage people, regions and sections', () => {
  let app: TestApp;
  let admin: string;
  let editor: string;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.token('ADMIN', 'Admin');
    editor = await app.token('EDITOR');
  });
  afterAll(() => app.stop());

  it('creates people under a free slug from their name and replaces them by slug', async () => {
    const first = (await ok(app, PERSON, { input: { nameAr: 'عواطف حيار', nameLatin: 'Aawatif Hayar', roleAr: 'وزيرة', aliases: ['حيار'] } }, admin)).upsertPerson;
    expect(first).toMatchObject({ slug: 'aawatif-hayar', nameAr: 'عواطف حيار', aliases: ['حيار'] });
    const namesake = (await ok(app, PERSON, { input: { nameAr: 'عواطف حيار', nameLatin: 'Aawatif Hayar' } }, admin)).upsertPerson;
    expect(namesake.slug).toBe('aawatif-hayar-2');
    const replaced = (await ok(app, PERSON, { input: { slug: 'aawatif-hayar', nameAr: 'عواطف حيار', bio: 'سيرة' } }, admin)).upsertPerson;
    expect(replaced).toEqual({ ...first, nameLatin: null, aliases: [], roleAr: null, bio: 'سيرة' });
    const arabicOnly = (await ok(app, PERSON, { input: { nameAr: 'شكيب بنموسى' } }, admin)).upsertPerson;
    expect(arabicOnly.slug).toBe('شكيب-بنموسى');
    const bad = await app.gql(PERSON, { input: { nameAr: '<b>x</b>' } }, { token: admin });
    expect(failure(bad).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nameAr' });
  });

  it('adds a province that articles can use at once and region filters include; keeps the tree two levels deep', async () => {
    const added = (await ok(app, REGION, { input: { code: 'MA-XYZ', level: 'PROVINCE', parentCode: 'MA-04', nameAr: 'إقليم تجريبي', nameFr: 'Province test' } }, admin)).upsertRegion;
    expect(added).toEqual({ code: 'MA-XYZ', level: 'PROVINCE', slug: 'province-test', nameAr: 'إقليم تجريبي', fullNameAr: 'إقليم تجريبي', parent: { code: 'MA-04' } });
    const { createArticle } = await ok(app, CREATE, { input: { title: 'خبر محلي', body: A_BODY, regionCodes: ['MA-XYZ'] } }, editor);
    await ok(app, PUBLISH, { id: createArticle.id }, editor);
    const feed = await ok(app, '{ articles(filter: { regionCode: "MA-04" }) { edges { node { id } } } }', {});
    expect(feed.articles.edges).toEqual([{ node: { id: createArticle.id } }]);
    const renamed = (await ok(app, REGION, { input: { code: 'MA-XYZ', level: 'PREFECTURE', parentCode: 'MA-04', nameAr: 'عمالة تجريبية', nameFr: 'Préfecture test' } }, admin)).upsertRegion;
    expect(renamed).toMatchObject({ level: 'PREFECTURE', slug: 'prefecture-test' });

    const cases: [object, string][] = [
      [{ code: 'MA-XY1', level: 'REGION', parentCode: 'MA-04' }, 'parentCode'],
      [{ code: 'MA-XY1', level: 'PROVINCE' }, 'parentCode'],
      [{ code: 'MA-XY1', level: 'PROVINCE', parentCode: 'MA-KEN' }, 'parentCode'],
      [{ code: 'MA-04', level: 'PROVINCE', parentCode: 'MA-01' }, 'level'],
      [{ code: 'MA-XY1', level: 'PROVINCE', parentCode: 'MA-04', slug: 'rabat-sale-kenitra' }, 'slug'],
      [{ code: 'Rabat', level: 'REGION' }, 'code'],
    ];
    for (const [input, field] of cases) {
      const res = await app.gql(REGION, { input: { nameAr: 'اسم', nameFr: 'Nom', ...input } }, { token: admin });
      expect([input, failure(res).extensions]).toEqual([input, expect.objectContaining({ code: 'BAD_USER_INPUT', field })]);
    }
  });

  it('adds and renames sections', async () => {
    const added = (await ok(app, CATEGORY, { input: { slug: 'sport', nameAr: 'رياضة', nameFr: 'Sport' } }, admin)).upsertCategory;
    const renamed = (await ok(app, CATEGORY, { input: { slug: 'sport', nameAr: 'الرياضة', nameFr: 'Sports' } }, admin)).upsertCategory;
    expect(renamed).toEqual({ id: added.id, slug: 'sport', nameAr: 'الرياضة', nameFr: 'Sports' });
    expect((await ok(app, '{ categories { slug } }', {})).categories).toEqual([{ slug: 'sport' }]);
  });
});
