import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { A_BODY, CREATE, failure, ok } from '../support/editorial';
import { connectLive, LiveConnection, streamsOpen, subscribe } from '../support/live';

/** One rule for a region code wherever it comes in: trimmed, any letter case, used upper case (src/modules/region/region-code.ts). */
describe('region codes coming in', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;
  let live: LiveConnection;

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
    editor = await app.token('EDITOR');
    live = connectLive(app);
  });
  afterAll(async () => {
    await live.dispose();
    await app.stop();
  });

  it('find the place in any letter case, with spaces around', async () => {
    const res = await app.gql('{ lower: region(code: "ma-ken") { code } spaced: region(code: " Ma-04 ") { code } }');
    expect(res.data).toEqual({ lower: { code: 'MA-KEN' }, spaced: { code: 'MA-04' } });
  });

  it('are refused with BAD_USER_INPUT naming the field when they are not codes, in a lookup as in a filter', async () => {
    for (const query of ['{ region(code: "Rabat") { code } }', '{ articles(filter: { regionCode: "MA-KENI" }) { edges { cursor } } }']) {
      const error = failure(await app.gql(query));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: query.includes('filter') ? 'regionCode' : 'code' });
      expect(error.message).toMatch(/ISO 3166-2:MA/);
    }
  });

  it('filter articles in any letter case, sub-regions included', async () => {
    await make.article({ slug: 'kenitra-in-lower-case', regionCodes: ['MA-KEN'] });
    const res = await app.gql('{ articles(filter: { regionCode: "ma-04" }) { totalCount edges { node { slug } } } }');
    expect(res.data.articles).toEqual({ totalCount: 1, edges: [{ node: { slug: 'kenitra-in-lower-case' } }] });
  });

  it('are stored upper case from article, ticker and region inputs', async () => {
    const { createArticle } = await ok(app, CREATE, { input: { title: 'خبر من القنيطرة', body: A_BODY, regionCodes: [' ma-ken', 'Ma-04'] } }, editor);
    expect(createArticle.regions).toEqual([{ code: 'MA-KEN' }, { code: 'MA-04' }]);
    const { pushBreakingNews } = await ok(app, `mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { region { code } } }`,
      { input: { headline: 'عاجل من القنيطرة', urgency: 2, regionCode: 'ma-ken ' } }, editor);
    expect(pushBreakingNews.region).toEqual({ code: 'MA-KEN' });
    const [{ region_code: stored }] = await app.sql(`SELECT region_code FROM ticker ORDER BY id DESC LIMIT 1`);
    expect(stored).toBe('MA-KEN');
    const { upsertRegion } = await ok(app, `mutation($input: UpsertRegionInput!) { upsertRegion(input: $input) { code parent { code } } }`,
      { input: { code: 'ma-tst', level: 'PROVINCE', parentCode: 'ma-04', nameAr: 'إقليم تجريبي', nameFr: 'Province test' } },
      await app.token('ADMIN'));
    expect(upsertRegion).toEqual({ code: 'MA-TST', parent: { code: 'MA-04' } });
  });

  it('filter live breaking news in any letter case', async () => {
    const push = (headline: string, regionCode: string) => ok(app,
      'mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }', { input: { headline, urgency: 2, regionCode } }, editor);
    const regional = subscribe(live, 'subscription($codes: [String!]) { breakingNews(regionCodes: $codes) { ticker { headline } } }', { codes: [' ma-04'] });
    await streamsOpen(app, 1);
    await push('خبر عاجل من طنجة', 'MA-01');
    await push('خبر عاجل من القنيطرة', 'MA-KEN');
    expect(await regional.received(1)).toEqual([{ breakingNews: { ticker: { headline: 'خبر عاجل من القنيطرة' } } }]);
  });
});
