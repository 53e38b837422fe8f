import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { LocalMediaStorage, MediaStorage, S3MediaStorage } from '../../src/modules/media/media-storage';
import { startTestS3, TestS3 } from '../support/s3';

let s3: TestS3;
let folder: string;
beforeAll(async () => {
  s3 = await startTestS3();
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-media-'));
});
afterAll(async () => {
  await s3?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

// One contract, both stores: what works on a laptop's disk works on the bucket several instances share.
describe.each([
  ['local disk', () => new LocalMediaStorage(path.join(folder, 'media'))],
  ['S3 (s3rver)', () => new S3MediaStorage(s3.settings)],
] as const)('media storage on %s', (_name, make) => {
  let storage: MediaStorage;
  beforeAll(async () => {
    storage = make();
    await storage.check();
  });
  afterAll(() => storage.stop());

  it('stores a file and reads it back whole, as bytes and as a stream', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
    await storage.put('originals/1/abc.jpg', bytes, 'image/jpeg');
    expect((await storage.get('originals/1/abc.jpg'))?.equals(bytes)).toBe(true);
    await storage.put('renditions/1/o-320-x.webp', Buffer.from('webp bytes'), 'image/webp');
    const opened = await storage.open('renditions/1/o-320-x.webp');
    expect(opened?.size).toBe(10);
    expect(await text(opened!.body)).toBe('webp bytes');
  });

  it('stores a local file under a key (an upload cleaned on its ingest thread)', async () => {
    const file = path.join(folder, `original-${storage.kind}`);
    fs.writeFileSync(file, Buffer.alloc(70_000, 7));
    await storage.putFile('originals/2/def.jpg', file, 70_000, 'image/jpeg');
    expect((await storage.get('originals/2/def.jpg'))?.equals(Buffer.alloc(70_000, 7))).toBe(true);
  });

  it('answers null for a key it does not have', async () => {
    expect(await storage.get('originals/404/none.jpg')).toBeNull();
    expect(await storage.open('renditions/404/none.webp')).toBeNull();
  });

  it("deletes an image's renditions by prefix and nothing else", async () => {
    await storage.put('renditions/7/a.webp', Buffer.from('a'), 'image/webp');
    await storage.put('renditions/7/b.avif', Buffer.from('b'), 'image/avif');
    await storage.put('renditions/70/c.webp', Buffer.from('c'), 'image/webp');
    expect(await storage.deletePrefix('renditions/7/')).toBe(2);
    expect(await storage.get('renditions/7/a.webp')).toBeNull();
    expect(await storage.get('renditions/7/b.avif')).toBeNull();
    expect(String(await storage.get('renditions/70/c.webp'))).toBe('c');
    expect(await storage.deletePrefix('renditions/7/')).toBe(0);
  });

  it('overwrites a key atomically', async () => {
    await storage.put('renditions/8/a.webp', Buffer.from('first'), 'image/webp');
    await Promise.all([1, 2, 3, 4].map((n) => storage.put('renditions/8/a.webp', Buffer.alloc(50_000, n), 'image/webp')));
    const stored = await storage.get('renditions/8/a.webp');
    expect(stored?.length).toBe(50_000);
    expect(new Set(stored)).toHaveProperty('size', 1);
  });

  it('refuses keys that could leave its folder', async () => {
    await expect(storage.put('../escape.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toThrow('not a media key: ../escape.jpg');
    await expect(storage.get('/etc/passwd')).rejects.toThrow('not a media key: /etc/passwd');
  });
});

it('an unreachable bucket fails the start check with its name', async () => {
  const missing = new S3MediaStorage({ ...s3.settings, bucket: 'no-such-bucket' });
  await expect(missing.check()).rejects.toThrow(/the media bucket "no-such-bucket" cannot be reached/);
  await missing.stop();
});
