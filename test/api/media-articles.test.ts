import { startTestApp, TestApp } from '../support/test-app';
import { upload } from '../support/media';
import { halvesPicture } from '../support/images';
import { eventually } from '../support/eventually';
import { factories } from '../support/factories';

let app: TestApp;
let editor: string;
let admin: string;
let photo: string;
let poster: string;
beforeAll(async () => {
  app = await startTestApp({ schedulerIntervalMs: 100, edge: { responseCache: true } });
  editor = await app.token('EDITOR');
  admin = await app.token('ADMIN');
  const picture = await halvesPicture(1600, 900).jpeg().toBuffer();
  photo = (await upload(app, editor, picture, {
    alt: [{ lang: 'ar', text: 'الوزيرة في الندوة' }, { lang: 'fr', text: 'La ministre à la conférence' }], caption: 'تعليق الصورة', credit: 'MAP',
  })).data.uploadImage.id;
  poster = (await upload(app, editor, picture, { alt: [{ lang: 'ar', text: 'ملصق الفيديو' }] })).data.uploadImage.id;
});
afterAll(() => app?.stop());

const CREATE = `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id version hasVideo } }`;
const PUBLISH = 'mutation($id: ID!) { publishArticle(id: $id) { status } }';
const READ = `query($slug: String!) { article(slug: $slug) { lang hasVideo
  leadImage { alt width url(width: 640, ratio: R16_9, format: WEBP) }
  body { type text
    ... on ImageBlock { caption image { alt caption credit } }
    ... on EmbedBlock { provider url embedUrl video posterImage { alt } } } } }`;

async function publishedArticle(input: Record<string, unknown>): Promise<{ id: string; slug: string }> {
  const created = await app.gql(CREATE, { input }, { token: editor });
  expect(created.errors).toBeUndefined();
  const { id } = created.data.createArticle;
  expect((await app.gql(PUBLISH, { id }, { token: editor })).errors).toBeUndefined();
  const [{ slug }] = await app.sql('SELECT slug FROM article WHERE id = $1', [Number(Buffer.from(id, 'base64url').toString().split(':')[1])]);
  return { id, slug };
}

describe('articles show pictures and embeds', () => {
  it('a lead image, an IMAGE block with its own caption and a YouTube embed with a poster; hasVideo comes from the embed', async () => {
    const { slug } = await publishedArticle({
      title: 'حيار تعرض استراتيجية وزارتها للتشاور (فيديو)', leadImageId: photo, hasVideo: false,
      body: [
        { type: 'PARAGRAPH', text: 'دعت الوزيرة إلى اعتماد مخطط عمل اجتماعي مشترك.' },
        { type: 'IMAGE', imageId: photo, caption: 'الوزيرة خلال اللقاء' },
        { type: 'EMBED', url: 'https://youtu.be/dQw4w9WgXcQ?t=42', posterImageId: poster },
      ],
    });
    const { data, errors } = await app.gql(READ, { slug });
    expect(errors).toBeUndefined();
    expect(data.article).toEqual({
      lang: 'ar',
      hasVideo: true,
      leadImage: { alt: 'الوزيرة في الندوة', width: 1600, url: expect.stringMatching(/^\/media\/\d+\/16x9-640-[A-Za-z0-9_-]{16}\.webp$/) },
      body: [
        { type: 'PARAGRAPH', text: 'دعت الوزيرة إلى اعتماد مخطط عمل اجتماعي مشترك.' },
        { type: 'IMAGE', text: 'الوزيرة خلال اللقاء', caption: 'الوزيرة خلال اللقاء', image: { alt: 'الوزيرة في الندوة', caption: 'تعليق الصورة', credit: 'MAP' } },
        {
          type: 'EMBED', text: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s', provider: 'YOUTUBE', video: true,
          url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s', embedUrl: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42',
          posterImage: { alt: 'ملصق الفيديو' },
        },
      ],
    });
  });

  it('the alternative text follows the language of the article the picture is shown in', async () => {
    const { slug } = await publishedArticle({ title: 'La ministre présente sa stratégie', lang: 'fr', leadImageId: photo,
      body: [{ type: 'PARAGRAPH', text: 'Texte.' }, { type: 'EMBED', url: 'https://x.com/Hespress/status/1489673262000000000' }] });
    const { data } = await app.gql(READ, { slug });
    expect(data.article.leadImage.alt).toBe('La ministre à la conférence');
    // A post of X is not a video.
    expect(data.article.hasVideo).toBe(false);
  });

  it("in a list too, even when the list does not show the article's language", async () => {
    const { id } = await publishedArticle({ title: 'La ministre en images', lang: 'fr',
      body: [{ type: 'PARAGRAPH', text: 'Texte.' }, { type: 'IMAGE', imageId: photo }] });
    const { data, errors } = await app.gql(`{ articles(first: 5) { edges { node { id body { ... on ImageBlock { image { alt } } } } } } }`);
    expect(errors).toBeUndefined();
    const shown = data.articles.edges.find((edge: { node: { id: string } }) => edge.node.id === id);
    expect(shown.node.body[1]).toEqual({ image: { alt: 'La ministre à la conférence' } });
  });

  it.each([
    [{ type: 'EMBED', url: 'https://evil.example/player.html' }, 'body.1.url', /only YouTube, Vimeo/],
    [{ type: 'EMBED', url: 'javascript:alert(1)' }, 'body.1.url', /https/],
    [{ type: 'IMAGE' }, 'body.1.imageId', /required/],
    [{ type: 'PARAGRAPH' }, 'body.1.text', /required/],
  ])('refuses the block %j with BAD_USER_INPUT on %s and changes nothing', async (block, field, message) => {
    const [{ n: before }] = await app.sql('SELECT count(*)::int AS n FROM article');
    const { errors } = await app.gql(CREATE, { input: { title: 'مقال', body: [{ type: 'PARAGRAPH', text: 'نص' }, block] } }, { token: editor });
    expect(errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT', field } });
    const [{ n: after }] = await app.sql('SELECT count(*)::int AS n FROM article');
    expect(after).toBe(before);
  });

  it('an image that does not exist cannot be shown', async () => {
    const missing = Buffer.from('Image:99999').toString('base64url');
    const lead = await app.gql(CREATE, { input: { title: 'مقال', leadImageId: missing } }, { token: editor });
    expect(lead.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'leadImageId' });
    const block = await app.gql(CREATE, { input: { title: 'مقال', body: [{ type: 'IMAGE', imageId: missing }] } }, { token: editor });
    expect(block.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body', unknown: [99999] });
  });
});

describe('an image in use', () => {
  it('cannot be deleted while an article or a person shows it, and the refusal lists them', async () => {
    const image = (await upload(app, editor, await halvesPicture(400, 300).jpeg().toBuffer())).data.uploadImage.id;
    const { slug } = await publishedArticle({ title: 'مقال بصورة في المتن', body: [{ type: 'IMAGE', imageId: image }] });
    const person = await app.gql('mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { slug portrait { id } } }',
      { input: { nameAr: 'عواطف حيار', slug: 'awatif-hayar', portraitId: image } }, { token: admin });
    expect(person.data.upsertPerson.portrait.id).toBe(image);
    const refused = await app.gql('mutation($id: ID!) { deleteImage(id: $id) }', { id: image }, { token: editor });
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      usedBy: { articles: [{ slug, title: 'مقال بصورة في المتن', status: 'PUBLISHED' }], people: [{ slug: 'awatif-hayar' }] },
    });
    expect((await app.gql('query($id: ID!) { image(id: $id) { id } }', { id: image })).data.image.id).toBe(image);
  });
});

describe('rights and changes reach the pages that show a picture', () => {
  it("a caption change shows on the cached article page at once; when the rights expire the picture leaves it", async () => {
    const image = (await upload(app, editor, await halvesPicture(800, 600).jpeg().toBuffer(), { alt: [{ lang: 'ar', text: 'صورة' }], caption: 'قبل' })).data.uploadImage;
    const { slug } = await publishedArticle({ title: 'مقال تتغير صورته', leadImageId: image.id,
      body: [{ type: 'PARAGRAPH', text: 'نص' }, { type: 'IMAGE', imageId: image.id }] });
    const read = () => app.gql(READ, { slug });
    // Events of the earlier steps may still be purging: the page is cached once they are through.
    const cached = await eventually(read, (res) => res.headers.get('x-khabar-cache') === 'HIT');
    expect(cached.data.article.leadImage).toEqual({ alt: 'صورة', width: 800, url: expect.stringMatching(/^\/media\/.*\.webp/) });

    await app.gql('mutation($id: ID!, $input: UpdateImageInput!) { updateImage(id: $id, expectedVersion: 1, input: $input) { version } }',
      { id: image.id, input: { caption: 'بعد' } }, { token: editor });
    const changed = await eventually(read, (res) => res.data.article.body[1].image?.caption === 'بعد');
    expect(changed.data.article.body[1].image.caption).toBe('بعد');

    await app.sql(`UPDATE image SET rights_expire_at = now() + interval '200 milliseconds' WHERE id = $1`, [Number(Buffer.from(image.id, 'base64url').toString().split(':')[1])]);
    const gone = await eventually(read, (res) => res.data.article.leadImage === null && res.data.article.body.length === 1);
    expect(gone.data.article.body).toEqual([{ type: 'PARAGRAPH', text: 'نص' }]);
  });
});

it('lead images of a page of articles cost one statement, whatever the page size', async () => {
  const make = factories(app);
  const ids: number[] = [];
  for (let i = 0; i < 12; i += 1) ids.push((await make.article()).id);
  await app.sql('UPDATE article SET lead_image_id = $1 WHERE id = ANY($2)', [Number(Buffer.from(photo, 'base64url').toString().split(':')[1]), ids]);
  const count = async (first: number) => (await app.gql(`{ articles(first: ${first}) { edges { node { title leadImage { alt url(width: 320) } } } } }`,
    undefined, { headers: { 'cache-control': 'no-cache', authorization: `Bearer ${editor}` } })).sqlStatements;
  const withoutImages = (await app.gql('{ articles(first: 4) { edges { node { title } } } }', undefined, { headers: { authorization: `Bearer ${editor}` } })).sqlStatements;
  expect([await count(4), await count(12)]).toEqual([withoutImages + 1, withoutImages + 1]);
});
