import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ImageInputError, ImagePipeline, ingestImage, sniffImageFormat } from '../../src/modules/media/image-pipeline';
import { IngestThreads } from '../../src/modules/media/ingest-threads';
import { IMAGE_FORMATS, IMAGE_RATIOS, renditionFor, RenditionSource } from '../../src/modules/media/image-renditions';
import { WorkQueue } from '../../src/modules/media/work-queue';
import { halvesPicture, pngBomb, telltaleJpeg, telltalePng, telltalesIn } from '../support/images';

const pipeline = new ImagePipeline({ maxBytes: 5_000_000, maxPixels: 40_000_000, concurrency: 1 });

function sourceOf(image: { originalHash: string; width: number; height: number }, framing: Partial<RenditionSource> = {}): RenditionSource {
  return { originalHash: image.originalHash, width: image.width, height: image.height, focalPoint: { x: 0.5, y: 0.5 }, crops: {}, ...framing };
}

async function refusal(bytes: Buffer): Promise<string> {
  const error = await pipeline.ingest(bytes).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ImageInputError);
  return (error as Error).message;
}

describe('a photo from a source keeps nothing of where it was taken', () => {
  it('the test photo really carries GPS, the camera serial, a maker note, XMP, a comment and a trailer', async () => {
    const photo = await telltaleJpeg();
    expect((await telltalesIn(photo)).sort()).toEqual(expect.arrayContaining(
      ['serial', 'make', 'makerNote', 'comment', 'xmpCity', 'trailer', 'EXIF segment', 'XMP packet', 'GPS latitude entry', 'exif in metadata', 'xmp in metadata']));
    expect((await sharp(await telltaleJpeg({ orientation: 6 })).metadata()).orientation).toBe(6);
  });

  it.each([
    ['an upright JPEG (metadata cut out losslessly)', () => telltaleJpeg()],
    ['a sideways JPEG (turned upright and re-encoded)', () => telltaleJpeg({ orientation: 6 })],
    ['a PNG with text and eXIf chunks', () => telltalePng()],
  ])('%s: the stored original and every rendition are clean', async (_label, make) => {
    const image = await pipeline.ingest(await make());
    expect(await telltalesIn(image.original)).toEqual([]);
    for (const ratio of IMAGE_RATIOS) {
      for (const format of IMAGE_FORMATS) {
        const rendition = renditionFor(sourceOf(image), { ratio, width: 320, format });
        const file = await pipeline.render(image.original, rendition, image);
        expect({ ratio, format, found: await telltalesIn(file) }).toEqual({ ratio, format, found: [] });
      }
    }
  });

  it('turns a sideways photo upright: a 1200 × 800 picture tagged "rotate 90°" is stored 800 × 1200', async () => {
    const image = await pipeline.ingest(await telltaleJpeg({ orientation: 6 }));
    expect([image.width, image.height]).toEqual([800, 1200]);
    const stored = await sharp(image.original).metadata();
    expect([stored.width, stored.height, stored.orientation ?? 1]).toEqual([800, 1200, 1]);
  });

  it('keeps an upright JPEG without re-encoding it: the same picture data, less the metadata', async () => {
    const photo = await telltaleJpeg();
    const image = await pipeline.ingest(photo);
    expect(image.originalType).toBe('image/jpeg');
    expect(image.original.length).toBeLessThan(photo.length);
    const [before, after] = await Promise.all([photo, image.original].map((file) => sharp(file).raw().toBuffer()));
    expect(after.equals(before)).toBe(true);
  });
});

describe('bad uploads are refused before anything is decoded or stored', () => {
  it('decides the type by the first bytes, not the name: SVG, HTML, scripts, PDF and HEIC are refused', async () => {
    expect(await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toMatch(/SVG/);
    expect(await refusal(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'))).toMatch(/SVG/);
    expect(await refusal(Buffer.from('<!DOCTYPE html><img src=x onerror=alert(1)>'))).toMatch(/HTML/);
    expect(await refusal(Buffer.from('#!/bin/sh\nrm -rf /'))).toMatch(/script/);
    expect(await refusal(Buffer.from('%PDF-1.7\n'))).toMatch(/PDF/);
    expect(await refusal(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'))).toMatch(/HEIC/);
    expect(await refusal(Buffer.alloc(0))).toMatch(/empty/);
  });

  it('refuses a 30,000 × 30,000 PNG of a few KB from its header, before decoding it', async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(100_000);
    expect(await refusal(bomb)).toBe('The picture is 30000 × 30000 pixels; the limit is 40000000 pixels (MEDIA_MAX_PIXELS).');
  });

  it('refuses a file over the size limit', async () => {
    const small = new ImagePipeline({ maxBytes: 1000, maxPixels: 1e6, concurrency: 1 });
    await expect(small.ingest(await telltaleJpeg())).rejects.toThrow(/the limit is 1000 \(MEDIA_MAX_UPLOAD_BYTES\)/);
  });

  it('refuses truncated and corrupt files', async () => {
    const photo = await halvesPicture(600, 400).jpeg().toBuffer();
    expect(await refusal(photo.subarray(0, Math.floor(photo.length * 0.6)))).toMatch(/corrupt or truncated/);
    const png = await halvesPicture(600, 400).png().toBuffer();
    expect(await refusal(png.subarray(0, Math.floor(png.length * 0.6)))).toMatch(/corrupt or truncated/);
    const noisy = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg().toBuffer();
    const garbled = Buffer.from(noisy).fill(0x00, Math.floor(noisy.length / 3), Math.floor(noisy.length / 2));
    expect(await refusal(garbled)).toMatch(/corrupt or truncated/);
    expect(await refusal(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0]))).toMatch(/corrupt|truncated/);
  });

  it('a file that starts like one format and is another is refused', async () => {
    const png = await halvesPicture(60, 40).png().toBuffer();
    expect(await refusal(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), png]))).toMatch(/JPEG/);
  });
});

describe('formats', () => {
  it('tells the accepted formats by their magic bytes', async () => {
    const picture = halvesPicture(64, 48);
    expect(sniffImageFormat(await picture.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageFormat(await picture.clone().png().toBuffer())).toBe('png');
    expect(sniffImageFormat(await picture.clone().webp().toBuffer())).toBe('webp');
    expect(sniffImageFormat(await picture.clone().avif().toBuffer())).toBe('avif');
    expect(sniffImageFormat(await picture.clone().gif().toBuffer())).toBe('gif');
  });

  it('an animated GIF keeps its first frame, and says it was animated', async () => {
    const frames = await Promise.all(['#d01010', '#10d010', '#1010d0']
      .map((background) => sharp({ create: { width: 80, height: 60, channels: 3, background } }).png().toBuffer()));
    const gif = await sharp(frames, { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(3);
    const image = await pipeline.ingest(gif);
    expect(image.animated).toBe(true);
    expect([image.width, image.height]).toEqual([80, 60]);
    const { dominant } = await sharp(image.original).stats();
    expect(dominant.r).toBeGreaterThan(150);
  });

  it('gives every image a BlurHash and a dominant colour for its placeholder', async () => {
    const image = await pipeline.ingest(await sharp({ create: { width: 300, height: 200, channels: 3, background: '#2060a0' } }).jpeg().toBuffer());
    expect(image.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{20,40}$/);
    expect(image.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    const [r, g, b] = [1, 3, 5].map((at) => parseInt(image.dominantColor.slice(at, at + 2), 16));
    expect(b).toBeGreaterThan(r);
    expect(b).toBeGreaterThan(g);
  });
});

describe('renditions are drawn around the focal point or the editor crop', () => {
  async function colourOf(file: Buffer): Promise<'red' | 'blue' | 'mixed'> {
    const { channels } = await sharp(file).stats();
    const [r, , b] = channels.map((c) => c.mean);
    return r > 180 && b < 60 ? 'red' : b > 180 && r < 60 ? 'blue' : 'mixed';
  }

  it('a square of a wide picture shows the half the focal point is in', async () => {
    const image = await pipeline.ingest(await halvesPicture(1600, 400).png().toBuffer());
    for (const [x, colour] of [[0.1, 'red'], [0.9, 'blue'], [0.5, 'mixed']] as const) {
      const rendition = renditionFor(sourceOf(image, { focalPoint: { x, y: 0.5 } }), { ratio: 'R1_1', width: 320, format: 'WEBP' });
      const file = await pipeline.render(image.original, rendition, image);
      const meta = await sharp(file).metadata();
      expect({ x, size: [meta.width, meta.height], colour: await colourOf(file) }).toEqual({ x, size: [320, 320], colour });
    }
  });

  it('an editor crop wins over the focal point', async () => {
    const image = await pipeline.ingest(await halvesPicture(1600, 900).png().toBuffer());
    const rendition = renditionFor(sourceOf(image, { focalPoint: { x: 0.1, y: 0.5 }, crops: { R4_3: { x: 0.6, y: 0.1, width: 0.35, height: 0.8 } } }),
      { ratio: 'R4_3', width: 480, format: 'JPEG' });
    const file = await pipeline.render(image.original, rendition, image);
    const meta = await sharp(file).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([480, 360, 'jpeg']);
    expect(await colourOf(file)).toBe('blue');
  });

  it('encodes each format as asked, at the ladder width', async () => {
    const image = await pipeline.ingest(await halvesPicture(2000, 1000).jpeg().toBuffer());
    for (const [format, expected] of [['AVIF', 'heif'], ['WEBP', 'webp'], ['JPEG', 'jpeg']] as const) {
      const rendition = renditionFor(sourceOf(image), { ratio: 'R16_9', width: 700, format });
      const meta = await sharp(await pipeline.render(image.original, rendition, image)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([expected, 768, 432]);
    }
  });
});

describe('image work is bounded', () => {
  it('never runs more jobs than its concurrency, and serves them in arrival order', async () => {
    const queue = new WorkQueue(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const jobs = [0, 1, 2, 3, 4].map((n) => queue.run(async () => {
      running += 1;
      most = Math.max(most, running);
      order.push(n);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
    }));
    while (order.length < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(running).toBeLessThanOrEqual(2);
      releases.shift()?.();
    }
    releases.forEach((release) => release());
    await Promise.all(jobs);
    expect([most, order, queue.size]).toEqual([2, [0, 1, 2, 3, 4], 0]);
  });

  it('counts the uploads waiting behind the running one', async () => {
    const photo = await telltaleJpeg({ width: 400, height: 300 });
    const jobs = Promise.all([1, 2, 3].map(() => pipeline.ingest(photo)));
    expect(pipeline.pending).toBe(3);
    await jobs;
    expect(pipeline.pending).toBe(0);
  });
});

describe('uploads are cleaned off the event loop, on ingest threads (the compiled worker npm test builds)', () => {
  const threads = new IngestThreads(2, path.resolve('dist/src/modules/media/ingest-worker.js'));
  afterAll(() => threads.stop());

  it('a thread gives the same stored original, size and placeholders as the calling thread', async () => {
    const photo = await telltaleJpeg({ orientation: 6 });
    const [threaded, here] = await Promise.all([threads.ingest(photo, 'jpeg', 40_000_000), ingestImage(photo, 'jpeg', 40_000_000)]);
    expect(Buffer.isBuffer(threaded.original)).toBe(true);
    expect(threaded.original.equals(here.original)).toBe(true);
    expect({ ...threaded, original: null }).toEqual({ ...here, original: null });
    expect(await telltalesIn(threaded.original)).toEqual([]);
  });

  it('a spooled upload is read and its original written by the thread: the file holds what the calling thread would store', async () => {
    const photo = await telltaleJpeg({ orientation: 6 });
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-ingest-'));
    try {
      fs.writeFileSync(path.join(folder, 'upload'), photo);
      const [threaded, here] = await Promise.all([
        threads.ingestFile(path.join(folder, 'upload'), path.join(folder, 'original'), 'jpeg', 40_000_000), ingestImage(photo, 'jpeg', 40_000_000)]);
      const written = fs.readFileSync(path.join(folder, 'original'));
      expect(written.equals(here.original)).toBe(true);
      expect(threaded).toEqual({ ...here, original: undefined, originalFile: path.join(folder, 'original') });
      expect(threaded.originalBytes).toBe(written.length);
      expect(await telltalesIn(written)).toEqual([]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a refusal crosses the thread as the editor’s message, and the upload stays readable to its holder', async () => {
    const photo = await telltaleJpeg();
    const truncated = photo.subarray(0, Math.floor(photo.length / 2));
    const error = await threads.ingest(truncated, 'jpeg', 40_000_000).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ImageInputError);
    expect((error as Error).message).toMatch(/corrupt or truncated/);
    expect(truncated.length).toBe(Math.floor(photo.length / 2));
    expect((await threads.ingest(photo, 'jpeg', 40_000_000)).width).toBe(1200);
  });

  it('two uploads at once run on two threads; a third at once is refused (the pipeline’s queue never asks for it)', async () => {
    const photos = await Promise.all([telltaleJpeg(), telltalePng()]);
    const images = await Promise.all([threads.ingest(photos[0], 'jpeg', 40_000_000), threads.ingest(photos[1], 'png', 40_000_000)]);
    expect(images.map((image) => image.originalType)).toEqual(['image/jpeg', 'image/png']);
    await expect(Promise.all([1, 2, 3].map(() => threads.ingest(photos[0], 'jpeg', 40_000_000)))).rejects.toThrow(/more than 2 ingest jobs at once/);
  });
});
