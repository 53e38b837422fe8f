import {
  ladderWidth, parseRenditionPath, regionFor, renditionFor, renditionPath, RenditionSource, srcSet, widthsFor, WIDTH_LADDER, framingProblem,
} from '../../src/modules/media/image-renditions';

const photo: RenditionSource = { originalHash: 'h1', width: 4000, height: 3000, focalPoint: { x: 0.5, y: 0.5 }, crops: {} };

describe('widths come from a fixed ladder', () => {
  it('rounds a requested width up to the next ladder step', () => {
    const region = regionFor(photo, 'ORIGINAL');
    expect([100, 320, 321, 700, 1024, 1025, 5000].map((width) => ladderWidth(width, region))).toEqual([320, 320, 480, 768, 1024, 1280, 2048]);
    expect(ladderWidth(undefined, region)).toBe(1024);
  });

  it('never offers a width larger than the source', () => {
    const small = { ...photo, width: 900, height: 600 };
    expect(widthsFor(regionFor(small, 'ORIGINAL'))).toEqual([320, 480, 640, 768]);
    expect(ladderWidth(2000, regionFor(small, 'ORIGINAL'))).toBe(768);
    // A square of a 900 × 600 picture is 600 wide.
    expect(widthsFor(regionFor(small, 'R1_1'))).toEqual([320, 480]);
    // A picture narrower than the whole ladder has one rendition width: its own.
    expect(widthsFor(regionFor({ ...photo, width: 200, height: 150 }, 'ORIGINAL'))).toEqual([200]);
  });

  it('offers the whole ladder to a large picture', () => {
    expect(widthsFor(regionFor(photo, 'ORIGINAL'))).toEqual([...WIDTH_LADDER]);
  });
});

describe('the part of the picture each ratio shows', () => {
  it('takes the largest frame of the ratio, centred on the focal point, inside the picture', () => {
    expect(regionFor(photo, 'R16_9')).toEqual({ left: 0, top: 375, width: 4000, height: 2250 });
    expect(regionFor(photo, 'R1_1')).toEqual({ left: 500, top: 0, width: 3000, height: 3000 });
    expect(regionFor({ ...photo, focalPoint: { x: 0.05, y: 0.5 } }, 'R1_1')).toEqual({ left: 0, top: 0, width: 3000, height: 3000 });
    expect(regionFor({ ...photo, focalPoint: { x: 0.7, y: 0.5 } }, 'R1_1')).toEqual({ left: 1000, top: 0, width: 3000, height: 3000 });
    expect(regionFor({ ...photo, focalPoint: { x: 0.5, y: 0.9 } }, 'R16_9')).toEqual({ left: 0, top: 750, width: 4000, height: 2250 });
  });

  it("keeps to the editor's crop for that ratio, and only that ratio", () => {
    const cropped = { ...photo, crops: { R1_1: { x: 0.25, y: 0.1, width: 0.3, height: 0.4 } } };
    expect(regionFor(cropped, 'R1_1')).toEqual({ left: 1000, top: 300, width: 1200, height: 1200 });
    expect(regionFor(cropped, 'R16_9')).toEqual(regionFor(photo, 'R16_9'));
    expect(regionFor(cropped, 'ORIGINAL')).toEqual({ left: 0, top: 0, width: 4000, height: 3000 });
  });

  it('renditions keep the ratio they are asked for', () => {
    expect(renditionFor(photo, { ratio: 'R16_9', width: 1024, format: 'WEBP' })).toMatchObject({ width: 1024, height: 576 });
    expect(renditionFor(photo, { ratio: 'R4_3', width: 320, format: 'AVIF' })).toMatchObject({ width: 320, height: 240 });
    expect(renditionFor(photo, { ratio: 'ORIGINAL', width: 640, format: 'JPEG' })).toMatchObject({ width: 640, height: 480 });
  });

  it('the share card of OpenGraph and Twitter is 1200 × 630 whatever width is asked, and served at its own URL', () => {
    for (const width of [undefined, 320, 1200, 2048]) {
      expect(renditionFor(photo, { ratio: 'SOCIAL', width, format: 'JPEG' })).toMatchObject({ width: 1200, height: 630 });
    }
    expect(regionFor(photo, 'SOCIAL')).toEqual({ left: 0, top: 450, width: 4000, height: 2100 });
    const path = renditionPath(12, renditionFor(photo, { ratio: 'SOCIAL', format: 'JPEG' }));
    expect(parseRenditionPath(path)).toMatchObject({ imageId: 12, ratio: 'SOCIAL', width: 1200, format: 'JPEG' });
    // A picture narrower than the card gets one at its own width, never an enlargement.
    expect(renditionFor({ ...photo, width: 800, height: 600 }, { ratio: 'SOCIAL', format: 'JPEG' })).toMatchObject({ width: 800, height: 420 });
  });
});

describe('rendition URLs are immutable', () => {
  const url = (source: RenditionSource) => renditionPath(12, renditionFor(source, { ratio: 'R16_9', width: 1024, format: 'WEBP' }));

  it('change when the original, the focal point or the crop changes, and only then', () => {
    const base = url(photo);
    expect(url({ ...photo })).toBe(base);
    expect(url({ ...photo, originalHash: 'h2' })).not.toBe(base);
    expect(url({ ...photo, focalPoint: { x: 0.5, y: 0.1 } })).not.toBe(base);
    expect(url({ ...photo, crops: { R16_9: { x: 0, y: 0, width: 0.5, height: 0.5 } } })).not.toBe(base);
    // A focal point that moves along the axis the frame already fills changes nothing drawn: same URL.
    expect(url({ ...photo, focalPoint: { x: 0.2, y: 0.5 } })).toBe(base);
    // Another ratio's crop does not touch this one.
    expect(url({ ...photo, crops: { R1_1: { x: 0, y: 0, width: 0.5, height: 0.5 } } })).toBe(base);
  });

  it('read back into what they ask for', () => {
    const path = url(photo);
    expect(path).toMatch(/^\/media\/12\/16x9-1024-[A-Za-z0-9_-]{16}\.webp$/);
    expect(parseRenditionPath(path)).toEqual({ imageId: 12, ratio: 'R16_9', width: 1024, format: 'WEBP', signature: path.slice(-21, -5) });
    for (const bad of ['/media/12/16x9-1024-abc.webp', '/media/0/o-320-AAAAAAAAAAAAAAAA.jpg', '/media/12/2x1-320-AAAAAAAAAAAAAAAA.jpg',
      '/media/12/o-320-AAAAAAAAAAAAAAAA.png', '/media/12/../o-320-AAAAAAAAAAAAAAAA.jpg']) {
      expect(parseRenditionPath(bad)).toBeNull();
    }
  });

  it('srcset lists every width the picture allows, each with its own URL', () => {
    const set = srcSet(12, { ...photo, width: 1000, height: 750 }, 'R4_3', 'AVIF', 'https://cdn.example');
    const entries = set.split(', ').map((entry) => entry.split(' '));
    expect(entries.map(([, w]) => w)).toEqual(['320w', '480w', '640w', '768w']);
    expect(entries.every(([u]) => u.startsWith('https://cdn.example/media/12/4x3-') && u.endsWith('.avif'))).toBe(true);
  });
});

it('refuses focal points and crops outside the picture', () => {
  expect(framingProblem({ x: 0.3, y: 1 }, { R1_1: { x: 0, y: 0, width: 1, height: 1 } })).toBeNull();
  expect(framingProblem({ x: 1.2, y: 0 }, undefined)).toMatch(/between 0 and 1/);
  expect(framingProblem(undefined, { R16_9: { x: 0.5, y: 0, width: 0.6, height: 0.5 } })).toMatch(/R16_9 crop must lie inside/);
  expect(framingProblem(undefined, { R4_3: { x: 0, y: 0, width: 0, height: 0.5 } })).toMatch(/R4_3 crop/);
  expect(framingProblem({ x: Number.NaN, y: 0 }, undefined)).toMatch(/between 0 and 1/);
});
