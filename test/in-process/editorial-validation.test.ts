import { InProcess, startInProcess } from '../support/in-process';
import { A_BODY, CORRECT, CREATE, failure, ok, PUBLISH, RETRACT, UPDATE } from '../support/editorial';

describe('editorial input validation', () => {
  let app: InProcess;
  let editor: string;
  let draftId: string;
  let publishedId: string;

  beforeAll(async () => {
    app = await startInProcess();
    editor = await app.token('EDITOR');
    await app.sql(`INSERT INTO person (slug, name_ar) VALUES ('awatif-hayar', 'عواطف حيار')`);
    draftId = (await ok(app, CREATE, { input: { title: 'مسودة', body: A_BODY } }, editor)).createArticle.id;
    publishedId = (await ok(app, CREATE, { input: { title: 'منشور', body: A_BODY } }, editor)).createArticle.id;
    await ok(app, PUBLISH, { id: publishedId }, editor);
  });
  afterAll(() => app.stop());

  const create = (input: object) => [CREATE, { input: { title: 'عنوان صالح', ...input } }] as const;
  const update = (input: object) => [UPDATE, { id: draftId, expectedVersion: 1, input }] as const;

  it.each([
    ['an empty title', () => create({ title: '' }), 'title', /title must be 1–300 characters long \(got 0\)/],
    ['a title of spaces only', () => create({ title: '   ' }), 'title', /title must be 1–300 characters long \(got 0\)/],
    ['a 5000-character title', () => create({ title: 'خ'.repeat(5000) }), 'title', /title must be 1–300 characters long \(got 5000\)/],
    ['a title on two lines', () => create({ title: 'سطر\nسطر' }), 'title', /single line/],
    ['a null title on update', () => update({ title: null }), 'title', /title cannot be null/],
    ['a NUL byte in the title', () => create({ title: 'عنوان\u0000خفي' }), 'title', /NUL/],
    ['a NUL byte in a body block', () => create({ body: [{ type: 'PARAGRAPH', text: 'a\u0000b' }] }), 'body.0.text', /NUL/],
    ['a lone surrogate (invalid UTF-16) in the summary', () => create({ summary: 'ملخص \ud800 مكسور' }), 'summary', /unpaired UTF-16 surrogate/],
    ['a reversed surrogate pair in a tag', () => create({ tags: ['\udc00\ud800'] }), 'tags', /unpaired UTF-16 surrogate/],
    ['a script tag in the title', () => create({ title: '<script>alert(1)</script>' }), 'title', /HTML tags and scripts are not allowed/],
    ['bold markup in a body block', () => create({ body: [...A_BODY, { type: 'QUOTE', text: 'قال <b>الوزير</b>' }] }), 'body.1.text', /HTML tags and scripts are not allowed/],
    ['an image tag with a handler in the kicker', () => create({ kicker: '<img src=x onerror=alert(1)>' }), 'kicker', /HTML tags and scripts are not allowed/],
    ['an HTML comment in the editor note', () => update({ editorNote: 'note <!-- hidden -->' }), 'editorNote', /HTML tags and scripts are not allowed/],
    ['markup in a tag', () => create({ tags: ['<i>tag</i>'] }), 'tags', /HTML tags and scripts are not allowed/],
    ['an unknown region code', () => create({ regionCodes: ['MA-04', 'MA-99'] }), 'regionCodes', /Unknown region codes: MA-99/],
    ['a malformed region code', () => create({ regionCodes: ['Rabat'] }), 'regionCodes', /ISO 3166-2:MA/],
    ['an unknown person', () => create({ personSlugs: ['nobody'] }), 'personSlugs', /Unknown people: nobody/],
    ['an unknown section', () => update({ categorySlug: 'no-such-section' }), 'categorySlug', /no section/],
    ['an unknown language', () => create({ lang: 'de' }), 'lang', /lang must be "ar", "fr", "en" or "zgh"/],
    ['a publish date in the past', () => [PUBLISH, { id: draftId, at: '2020-01-01T00:00:00Z' }] as const, 'at', /in the past/],
    ['an empty correction note', () => [CORRECT, { id: publishedId, expectedVersion: 2, input: {}, note: ' ' }] as const, 'note', /note must be 1–2000 characters long/],
    ['markup in a retraction note', () => [RETRACT, { id: publishedId, note: '<script>x</script>' }] as const, 'note', /HTML tags and scripts are not allowed/],
    ['a malformed article id', () => [PUBLISH, { id: 'not-an-id' }] as const, 'id', /not a valid Article id|Malformed id/],
  ])('rejects %s with BAD_USER_INPUT naming the field, changing nothing', async (_name, call, field, message) => {
    const before = await app.sql('SELECT id, version, status FROM article ORDER BY id');
    const [query, variables] = call();
    const error = failure(await app.gql(query, variables, { token: editor }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/Argument Validation Error|SELECT|INSERT|stack/i);
    expect(await app.sql('SELECT id, version, status FROM article ORDER BY id')).toEqual(before);
    expect(await app.sql(`SELECT count(*)::int AS n FROM event_outbox`)).toEqual([{ n: 1 }]);
  });

  it('names the unknown codes in the error', async () => {
    const error = failure(await app.gql(...create({ regionCodes: ['MA-99', 'MA-ZZZ'] }), { token: editor }));
    expect(error.extensions).toMatchObject({ field: 'regionCodes', unknown: ['MA-99', 'MA-ZZZ'] });
  });

  it('keeps Arabic text as typed (NFC), and a bare "<" as in "x < y" as plain text', async () => {
    const decomposedAlef = '\u0627\u0654'; // alef + hamza above, which NFC composes into أ
    const { createArticle } = await ok(app, CREATE, { input: {
      title: `${decomposedAlef}رباح المكتب الشريف للفوسفاط < التوقعات`,
      summary: 'قالَ الوزيرُ إنّ 3 < 5 وإن "الأرقام" ستُنشر غداً.\nسطر ثان.',
      body: [{ type: 'PARAGRAPH', text: 'نص عربي مع تشكيل: بِسْمِ اللَّهِ، و رمز & و > كذلك.' }],
      tags: ['الفوسفاط'],
    } }, editor);
    expect(createArticle.title).toBe('أرباح المكتب الشريف للفوسفاط < التوقعات');
    expect(createArticle.summary).toBe('قالَ الوزيرُ إنّ 3 < 5 وإن "الأرقام" ستُنشر غداً.\nسطر ثان.');
    expect(createArticle.body).toEqual([{ type: 'PARAGRAPH', text: 'نص عربي مع تشكيل: بِسْمِ اللَّهِ، و رمز & و > كذلك.' }]);
    expect(createArticle.slug).toBe('أرباح-المكتب-الشريف-للفوسفاط-التوقعات');
  });
});
