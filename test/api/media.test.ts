import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { mediaDirOf, startTestApp, TestApp } from '../support/test-app';
import { fetchFile, IMAGE_FIELDS, upload } from '../support/media';
import { halvesPicture, pngBomb, telltaleJpeg, telltalesIn } from '../support/images';
import { eventually } from '../support/eventually';
import { startTestS3, TestS3 } from '../support/s3';
import { loadConfig } from '../../src/config';
import { S3MediaStorage } from '../../src/modules/media/media-storage';

let app: TestApp;
let editor: string;
beforeAll(async () => {
  app = await startTestApp({ schedulerIntervalMs: 100 });
  editor = await app.token('EDITOR', 'Salma Bennani');
});
afterAll(() => app?.stop());

const RENDITIONS = `{ avif: url(width: 640, ratio: R16_9, format: AVIF) webp: url(width: 1000, ratio: R1_1, format: WEBP)
  jpeg: url(width: 320, format: JPEG) original: url(width: 5000) srcSet(ratio: R4_3, format: WEBP) widths(ratio: R4_3) }`;

async function renditionsOf(id: string, token?: string) {
  const { data, errors } = await app.gql(`query($id: ID!) { image(id: $id) ${RENDITIONS} }`, { id }, { token });
  expect(errors).toBeUndefined();
  return data.image;
}

const walk = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true })
  .flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)])) : []);

/** The files of the local store (not the uploads spooled while they arrive, under .incoming/). */
function storedFiles(): string[] {
  return walk(mediaDirOf(app.databaseUrl)).filter((file) => !path.relative(mediaDirOf(app.databaseUrl), file).startsWith('.incoming'));
}

function spooledFiles(): string[] {
  return walk(path.join(mediaDirOf(app.databaseUrl), '.incoming'));
}

describe('an editor uploads a photo from a source', () => {
  let image: any;
  beforeAll(async () => {
    const result = await upload(app, editor, await telltaleJpeg({ width: 2400, height: 1600 }), {
      alt: [{ lang: 'ar', text: 'الوزيرة خلال الندوة الصحفية' }, { lang: 'fr', text: 'La ministre pendant la conférence de presse' }],
      caption: 'خلال الندوة', credit: 'Youssef Alami', source: 'MAP', copyright: '© MAP 2022', focalPoint: { x: 0.25, y: 0.5 },
    });
    expect(result.errors).toBeUndefined();
    image = result.data.uploadImage;
  });

  it('gets an Image with its size, placeholders, words and framing', () => {
    expect(image).toMatchObject({
      width: 2400, height: 1600, alt: 'الوزيرة خلال الندوة الصحفية', caption: 'خلال الندوة', credit: 'Youssef Alami', source: 'MAP',
      copyright: '© MAP 2022', focalPoint: { x: 0.25, y: 0.5 }, crops: [], rightsExpireAt: null, version: 1,
    });
    expect(image.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{20,40}$/);
    expect(image.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('nothing of where it was taken remains: not in the stored original, not in any rendition served', async () => {
    const stored = storedFiles();
    expect(stored).toHaveLength(1);
    expect(await telltalesIn(fs.readFileSync(stored[0]))).toEqual([]);
    const urls = await renditionsOf(image.id);
    for (const url of [urls.avif, urls.webp, urls.jpeg, urls.original, ...urls.srcSet.split(', ').map((entry: string) => entry.split(' ')[0])]) {
      const file = await fetchFile(app, url);
      expect({ url, status: file.status, found: await telltalesIn(file.body) }).toEqual({ url, status: 200, found: [] });
    }
  });

  it('serves each rendition at its ladder width and ratio, in its format, immutable and tagged for purges', async () => {
    const urls = await renditionsOf(image.id);
    for (const [url, format, width, height] of [[urls.avif, 'heif', 640, 360], [urls.webp, 'webp', 1024, 1024], [urls.jpeg, 'jpeg', 320, 213], [urls.original, 'jpeg', 2048, 1365]] as const) {
      const file = await fetchFile(app, url);
      const meta = await sharp(file.body).metadata();
      expect({ url, got: [meta.format, meta.width, meta.height] }).toEqual({ url, got: [format, width, height] });
      expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // The image's own tag, which its events purge, in every tag header.
      const tag = `Image:${Buffer.from(image.id, 'base64url').toString().split(':')[1]}`;
      expect([file.headers.get('cache-tag'), file.headers.get('surrogate-key'), file.headers.get('xkey')]).toEqual([tag, tag, tag]);
      expect(file.headers.get('content-type')).toBe({ heif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' }[format]);
    }
    expect(urls.widths).toEqual([320, 480, 640, 768, 1024, 1280, 1600, 2048]);
    expect(urls.srcSet.split(', ').map((entry: string) => entry.split(' ')[1])).toEqual(['320w', '480w', '640w', '768w', '1024w', '1280w', '1600w', '2048w']);
  });

  it('a browser or CDN revalidating a rendition gets 304 for its ETag, strong, weakened by a proxy or in a list, and the file for another', async () => {
    const { webp } = await renditionsOf(image.id);
    const first = await fetchFile(app, webp);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{16}"$/);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"AAAAAAAAAAAAAAAA", ${etag}`, '*']) {
      const again = await fetchFile(app, webp, { 'if-none-match': ifNoneMatch });
      expect({ ifNoneMatch, status: again.status, bytes: again.body.length, cacheControl: again.headers.get('cache-control') })
        .toEqual({ ifNoneMatch, status: 304, bytes: 0, cacheControl: 'public, max-age=31536000, immutable' });
    }
    const other = await fetchFile(app, webp, { 'if-none-match': '"AAAAAAAAAAAAAAAA"' });
    expect({ status: other.status, same: other.body.equals(first.body) }).toEqual({ status: 200, same: true });
  });

  it('the alternative text follows the language asked for', async () => {
    const { data } = await app.gql('query($id: ID!) { image(id: $id) { ar: alt(lang: "ar") fr: alt(lang: "fr") alts { lang text } } }', { id: image.id });
    expect(data.image).toEqual({
      ar: 'الوزيرة خلال الندوة الصحفية', fr: 'La ministre pendant la conférence de presse',
      alts: [{ lang: 'ar', text: 'الوزيرة خلال الندوة الصحفية' }, { lang: 'fr', text: 'La ministre pendant la conférence de presse' }],
    });
  });

  it('a rendition that is not on the ladder, or not signed for this framing, is not drawn', async () => {
    const urls = await renditionsOf(image.id);
    expect((await fetchFile(app, urls.webp.replace('-1024-', '-1000-'))).status).toBe(404);
    const unsigned = urls.webp.replace(/-[A-Za-z0-9_-]{16}\./, '-AAAAAAAAAAAAAAAA.');
    expect((await fetchFile(app, unsigned)).status).toBe(302);
    // Revalidating it changes nothing: there is no current file under that URL to be "not modified".
    for (const ifNoneMatch of ['"AAAAAAAAAAAAAAAA"', '*']) {
      const revalidated = await fetchFile(app, unsigned, { 'if-none-match': ifNoneMatch });
      expect({ ifNoneMatch, status: revalidated.status, location: revalidated.headers.get('location') }).toEqual({ ifNoneMatch, status: 302, location: urls.webp });
    }
    expect((await fetchFile(app, '/media/999999/o-320-AAAAAAAAAAAAAAAA.jpg')).status).toBe(404);
  });
});

describe('bad uploads get BAD_USER_INPUT on "file" and store nothing', () => {
  it.each([
    ['an SVG with a script, named .jpg', () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), /SVG/],
    ['an HTML page', () => Buffer.from('<!doctype html><script>alert(1)</script>'), /HTML/],
    ['a 30,000 × 30,000 PNG of a few KB', () => pngBomb(), /30000 × 30000 pixels; the limit is/],
    ['a truncated JPEG', async () => (await halvesPicture(800, 600).jpeg().toBuffer()).subarray(0, 3000), /corrupt or truncated/],
  ])('%s', async (_label, make, message) => {
    const [{ n: before }] = await app.sql('SELECT count(*)::int AS n FROM image');
    const filesBefore = storedFiles().length;
    const result = await upload(app, editor, await make());
    expect(result.errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT', field: 'file' } });
    const [{ n: after }] = await app.sql('SELECT count(*)::int AS n FROM image');
    expect([after, storedFiles().length]).toEqual([before, filesBefore]);
  });

  it('a file over MEDIA_MAX_UPLOAD_BYTES is refused', async () => {
    const small = await app.instance({ media: { ...loadConfig({}).media, localDir: mediaDirOf(app.databaseUrl), maxUploadBytes: 2000 } });
    try {
      const result = await upload(small, editor, await telltaleJpeg());
      expect(result.errors?.[0]).toMatchObject({ message: expect.stringContaining('over the upload limit of 2000 bytes (MEDIA_MAX_UPLOAD_BYTES)'), extensions: { code: 'BAD_USER_INPUT', field: 'file' } });
    } finally {
      await small.stop();
    }
  });

  it('readers cannot upload: no token, no upload read', async () => {
    const result = await upload(app, null, await telltaleJpeg());
    expect(result).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('an upload without its alternative text is refused', async () => {
    const result = await upload(app, editor, await telltaleJpeg(), { alt: [] });
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('uploads are spooled to disk only while their request lasts: none is left after the answers, refused or not', async () => {
    const answers = await Promise.all([telltaleJpeg(), Buffer.from('<!doctype html>'), telltaleJpeg()].map(async (bytes) => upload(app, editor, await bytes)));
    expect(answers.map((answer) => answer.errors?.[0].extensions.code ?? 'stored')).toEqual(['stored', 'BAD_USER_INPUT', 'stored']);
    expect(await eventually(async () => spooledFiles(), (files) => files.length === 0)).toEqual([]);
  });
});

describe('editors change a picture', () => {
  let image: any;
  beforeEach(async () => {
    image = (await upload(app, editor, await halvesPicture(1600, 900).jpeg().toBuffer())).data.uploadImage;
  });

  const update = (id: string, expectedVersion: number, input: object) => app.gql(
    `mutation($id: ID!, $v: Int!, $input: UpdateImageInput!) { updateImage(id: $id, expectedVersion: $v, input: $input) { ${IMAGE_FIELDS} square: url(width: 320, ratio: R1_1, format: WEBP) wide: url(width: 320, ratio: R16_9, format: WEBP) } }`,
    { id, v: expectedVersion, input }, { token: editor });

  it('a new focal point gives the square a new URL, and the old one sends browsers to it', async () => {
    const before = await renditionsOf(image.id);
    const { data: { image: old } } = await app.gql('query($id: ID!) { image(id: $id) { square: url(width: 320, ratio: R1_1, format: WEBP) wide: url(width: 320, ratio: R16_9, format: WEBP) } }', { id: image.id });
    const oldFile = await fetchFile(app, old.square);
    expect(oldFile.status).toBe(200);
    const { data, errors } = await update(image.id, 1, { focalPoint: { x: 0.9, y: 0.5 } });
    expect(errors).toBeUndefined();
    expect(data.updateImage).toMatchObject({ version: 2, focalPoint: { x: 0.9, y: 0.5 } });
    expect(data.updateImage.square).not.toBe(old.square);
    // A 16:9 frame of a 16:9 picture is the whole picture wherever the focal point is: same URL.
    expect(data.updateImage.wide).toBe(old.wide);
    // The old file goes after the commit, when this instance hears the image's event.
    const redirected = await eventually(() => fetchFile(app, old.square), (r) => r.status !== 200);
    expect([redirected.status, redirected.headers.get('location')]).toEqual([302, data.updateImage.square]);
    // A browser holding the old file and revalidating it is sent to the new one too, not told to keep the old framing.
    const revalidated = await fetchFile(app, old.square, { 'if-none-match': oldFile.headers.get('etag')! });
    expect([revalidated.status, revalidated.headers.get('location')]).toEqual([302, data.updateImage.square]);
    const { channels } = await sharp((await fetchFile(app, data.updateImage.square)).body).stats();
    expect(channels[2].mean).toBeGreaterThan(channels[0].mean); // the blue half
    expect(before.widths).toEqual([320, 480, 640, 768, 1024]);
  });

  it('a crop and the words are saved; a stale version is a CONFLICT naming the current one', async () => {
    const { data } = await update(image.id, 1, { crops: [{ ratio: 'R4_3', x: 0.5, y: 0, width: 0.5, height: 1 }], caption: 'جديد' });
    expect(data.updateImage).toMatchObject({ version: 2, caption: 'جديد', crops: [{ ratio: 'R4_3', x: 0.5, y: 0, width: 0.5, height: 1 }] });
    const stale = await update(image.id, 1, { caption: 'قديم' });
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
  });

  it('framing outside the picture is BAD_USER_INPUT and changes nothing', async () => {
    const { errors } = await update(image.id, 1, { crops: [{ ratio: 'R1_1', x: 0.8, y: 0, width: 0.5, height: 0.5 }] });
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'crops' });
    const [{ version }] = await app.sql('SELECT version FROM image WHERE id = $1', [Number(Buffer.from(image.id, 'base64url').toString().split(':')[1])]);
    expect(version).toBe(1);
  });

  it('an unused image can be deleted, and its files go with it', async () => {
    const urls = await renditionsOf(image.id);
    expect((await fetchFile(app, urls.jpeg)).status).toBe(200);
    const { data, errors } = await app.gql('mutation($id: ID!) { deleteImage(id: $id) }', { id: image.id }, { token: editor });
    expect(errors).toBeUndefined();
    expect(data.deleteImage).toBe(image.id);
    expect((await app.gql('query($id: ID!) { image(id: $id) { id } }', { id: image.id }, { token: editor })).data.image).toBeNull();
    const dbId = Buffer.from(image.id, 'base64url').toString().split(':')[1];
    await eventually(async () => storedFiles().filter((file) => file.includes(`/${dbId}/`)), (files) => files.length === 0);
    expect((await fetchFile(app, urls.jpeg)).status).toBe(404);
  });
});

describe('rights', () => {
  it('when its rights expire, readers stop seeing the image at once, and the scheduler takes its files out once', async () => {
    const second = await app.instance({ schedulerIntervalMs: 100 });
    try {
      const { data } = await upload(app, editor, await halvesPicture(800, 600).jpeg().toBuffer(), {
        alt: [{ lang: 'fr', text: 'Photo' }], rightsExpireAt: new Date(Date.now() + 60_000).toISOString(),
      });
      const id = data.uploadImage.id;
      const dbId = Number(Buffer.from(id, 'base64url').toString().split(':')[1]);
      const { jpeg } = await renditionsOf(id);
      const served = await fetchFile(app, jpeg);
      expect(served.status).toBe(200);
      // The database clock decides: the rights end now.
      await app.sql(`UPDATE image SET rights_expire_at = now() + interval '300 milliseconds' WHERE id = $1`, [dbId]);
      await eventually(() => app.gql('query($id: ID!) { image(id: $id) { id } }', { id }), (r) => r.data.image === null);
      const gone = await eventually(() => fetchFile(app, jpeg), (r) => r.status === 410);
      expect(gone.headers.get('cache-control')).toBe('public, max-age=300');
      // A cache that kept the file and revalidates it is told it is gone too.
      expect((await fetchFile(app, jpeg, { 'if-none-match': served.headers.get('etag')! })).status).toBe(410);
      const editors = await app.gql('query($id: ID!) { image(id: $id) { rightsExpireAt } }', { id }, { token: editor });
      const [{ stored }] = await app.sql('SELECT rights_expire_at AS stored FROM image WHERE id = $1', [dbId]);
      expect(editors.data.image.rightsExpireAt).toBe(stored.toISOString());
      const events = await app.sql(`SELECT kind FROM event_outbox WHERE topic = 'image' AND entity_id = $1`, [dbId]);
      expect(events).toEqual([{ kind: 'EXPIRED' }]);
      await eventually(async () => storedFiles().filter((file) => file.includes(`/renditions/${dbId}/`)), (files) => files.length === 0);
    } finally {
      await second.stop();
    }
  });
});

describe('on an S3-compatible store (a real s3rver), shared by two instances', () => {
  let s3: TestS3;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    s3 = await startTestS3();
    const media = { ...loadConfig({}).media, storage: 's3' as const, s3: s3.settings, concurrency: 1 };
    first = await startTestApp({ media });
    second = await first.instance({ media });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await s3?.stop();
  });

  it('an upload to one instance is served by the other, and nothing of the source is in the bucket', async () => {
    const { data, errors } = await upload(first, await first.token('EDITOR'), await telltaleJpeg());
    expect(errors).toBeUndefined();
    const { data: read } = await second.gql(`query($id: ID!) { image(id: $id) { url(width: 480, ratio: R1_1, format: AVIF) } }`, { id: data.uploadImage.id });
    const file = await fetchFile(second, read.image.url);
    expect(file.status).toBe(200);
    expect((await sharp(file.body).metadata()).width).toBe(480);
    expect(await telltalesIn(file.body)).toEqual([]);
    const storage = new S3MediaStorage(s3.settings);
    try {
      const [{ originalKey }] = await first.sql('SELECT original_key AS "originalKey" FROM image');
      const original = await storage.get(originalKey);
      // The original as stored: the upload's 1200 × 800 picture, without any of its metadata.
      expect(await sharp(original!).metadata()).toMatchObject({ format: 'jpeg', width: 1200, height: 800 });
      expect(await telltalesIn(original!)).toEqual([]);
      // The rendition the second instance drew is in the bucket for the first to serve warm.
      expect((await fetchFile(first, read.image.url)).body.equals(file.body)).toBe(true);
    } finally {
      await storage.stop();
    }
  });
});

it('a file given in the JSON variables instead of a multipart part is BAD_USER_INPUT on "file"', async () => {
  const { errors } = await app.gql(`mutation($f: Upload!) { uploadImage(file: $f, input: { alt: [{ lang: "ar", text: "صورة" }] }) { id } }`,
    { f: 'data:image/jpeg;base64,/9j/' }, { token: editor });
  expect(errors?.[0]).toMatchObject({ message: expect.stringContaining('multipart request'), extensions: { code: 'BAD_USER_INPUT', field: 'file' } });
});
