import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { failure, ok } from '../support/editorial';

const SET = `mutation($year: Int!, $month: Int!, $date: String) {
  setHijriMonthStart(year: $year, month: $month, date: $date) { year month startsOn computedStartsOn announced } }`;
const LINE = `query($id: ID!, $locale: DisplayLocale, $calendar: DisplayCalendar) {
  article(id: $id) { displayDate(locale: $locale, calendar: $calendar) } }`;

describe('the Hijri date line', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let admin: string;
  let editor: string;

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
    admin = await app.token('ADMIN');
    editor = await app.token('EDITOR');
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, hijri_month_start CASCADE'));

  // Read as an editor, past any cache: that a recorded start purges readers' cached lines is test/edge/response-cache.test.ts'.
  const line = async (id: string, locale: 'AR' | 'FR', calendar?: string) =>
    (await ok(app, LINE, { id, locale, calendar }, editor)).article.displayDate;

  it('prints the Gregorian line as before, then the Hijri date, in Arabic and in French transliteration', async () => {
    const seed = await make.article({ publishedAt: new Date('2022-02-04T17:00:00Z') });
    expect(await line(seed.globalId, 'AR')).toBe('الجمعة 04 فبراير 2022 على الساعة 18:00');
    expect(await line(seed.globalId, 'AR', 'GREGORIAN')).toBe('الجمعة 04 فبراير 2022 على الساعة 18:00');
    expect(await line(seed.globalId, 'AR', 'BOTH')).toBe('الجمعة 04 فبراير 2022 على الساعة 18:00 (3 رجب 1443 هـ)');
    expect(await line(seed.globalId, 'AR', 'HIJRI')).toBe('الجمعة 3 رجب 1443 هـ');
    expect(await line(seed.globalId, 'FR', 'BOTH')).toBe("vendredi 04 février 2022 à 18h00 (3 Rajab 1443 de l'Hégire)");
    // Readers get it too.
    expect((await ok(app, LINE, { id: seed.globalId, locale: 'FR', calendar: 'HIJRI' })).article.displayDate).toBe("vendredi 3 Rajab 1443 de l'Hégire");
  });

  it('follows the month start an admin records as announced, and the computed calendar again once it is removed', async () => {
    // The computed calendar starts Ramadan 1446 on 1 March 2025; Morocco sighted the moon a day later (and Casablanca
    // time is UTC during Ramadan).
    const article = await make.article({ publishedAt: new Date('2025-03-01T11:00:00Z') });
    expect(await line(article.globalId, 'AR', 'HIJRI')).toBe('السبت 1 رمضان 1446 هـ');

    const { setHijriMonthStart } = await ok(app, SET, { year: 1446, month: 9, date: '2025-03-02' }, admin);
    expect(setHijriMonthStart).toEqual({ year: 1446, month: 9, startsOn: '2025-03-02', computedStartsOn: '2025-03-01', announced: true });
    expect(await line(article.globalId, 'AR', 'HIJRI')).toBe('السبت 30 شعبان 1446 هـ');
    expect(await line(article.globalId, 'FR', 'BOTH')).toBe("samedi 01 mars 2025 à 11h00 (30 Chaabane 1446 de l'Hégire)");
    const eid = await make.article({ publishedAt: new Date('2025-03-30T11:00:00Z') });
    expect(await line(eid.globalId, 'AR', 'HIJRI')).toBe('الأحد 29 رمضان 1446 هـ');
    await ok(app, SET, { year: 1446, month: 10, date: '2025-03-31' }, admin);
    expect(await line(eid.globalId, 'AR', 'HIJRI')).toBe('الأحد 29 رمضان 1446 هـ');

    const { setHijriMonthStart: forgotten } = await ok(app, SET, { year: 1446, month: 9, date: null }, admin);
    expect(forgotten).toEqual({ year: 1446, month: 9, startsOn: '2025-03-01', computedStartsOn: '2025-03-01', announced: false });
    expect(await line(article.globalId, 'AR', 'HIJRI')).toBe('السبت 1 رمضان 1446 هـ');
  });

  it('refuses what is not an announced start with BAD_USER_INPUT naming the argument, and nothing is recorded', async () => {
    const recorded = async () => (await app.sql('SELECT count(*)::int AS n FROM hijri_month_start'))[0].n;
    const refused = async (variables: Record<string, unknown>) => failure(await app.gql(SET, variables, { token: admin })).extensions;
    expect(await refused({ year: 1446, month: 13, date: '2025-03-02' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
    expect(await refused({ year: 99, month: 9, date: '2025-03-02' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    expect(await refused({ year: 1446, month: 9, date: '2025-02-30' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    expect(await refused({ year: 1446, month: 9, date: '02/03/2025' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    expect(await refused({ year: 1446, month: 9, date: '2025-03-10' }))
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'date', computedStartsOn: '2025-03-01' });
    // Ramadan announced a day late, then Shawwal a day early: Ramadan would have 28 days.
    await ok(app, SET, { year: 1446, month: 9, date: '2025-03-02' }, admin);
    expect(await refused({ year: 1446, month: 10, date: '2025-03-30' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date', previousStartsOn: '2025-03-02' });
    expect(await recorded()).toBe(1);

    expect(failure(await app.gql(SET, { year: 1446, month: 10, date: '2025-03-31' }, { token: editor })).extensions?.code).toBe('FORBIDDEN');
    expect(failure(await app.gql(SET, { year: 1446, month: 10, date: '2025-03-31' })).extensions?.code).toBe('UNAUTHENTICATED');
    expect(await recorded()).toBe(1);
  });

  it('a page of date lines reads the announced months once, whatever its size; the Gregorian line reads nothing more', async () => {
    for (let i = 0; i < 20; i += 1) await make.article({ publishedAt: new Date(Date.UTC(2025, 2, 1 + i, 11)) });
    const page = (first: number, calendar: string) =>
      app.gql(`{ articles(first: ${first}) { edges { node { displayDate(calendar: ${calendar}) } } } }`, {}, { token: editor });
    const [five, twenty, gregorian] = [await page(5, 'BOTH'), await page(20, 'BOTH'), await page(20, 'GREGORIAN')];
    expect(twenty.data.articles.edges).toHaveLength(20);
    expect(twenty.data.articles.edges.at(-1).node.displayDate).toBe('السبت 01 مارس 2025 على الساعة 11:00 (1 رمضان 1446 هـ)');
    expect([five.sqlStatements, twenty.sqlStatements, gregorian.sqlStatements]).toEqual([2, 2, 1]);
  });
});
