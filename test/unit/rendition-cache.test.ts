import { RenditionCache } from '../../src/modules/media/rendition-cache';

describe('the in-memory rendition cache', () => {
  it('keeps the most recently used renditions within its bytes', () => {
    const cache = new RenditionCache(800);
    for (const name of ['a', 'b', 'c', 'd']) cache.set(name, 1, Buffer.alloc(100), cache.generation(1));
    cache.get('a');
    for (const name of ['e', 'f', 'g', 'h', 'i']) cache.set(name, 2, Buffer.alloc(100), cache.generation(2));
    expect(cache.bytes).toBe(800);
    expect(['a', 'b', 'c', 'd', 'e', 'i'].map((key) => cache.get(key) !== undefined)).toEqual([true, false, true, true, true, true]);
  });

  it('drops every rendition of an image, and refuses bytes read before the drop', () => {
    const cache = new RenditionCache(10_000);
    const before = cache.generation(7);
    cache.set('7-a', 7, Buffer.from('old'), before);
    cache.set('8-a', 8, Buffer.from('other'), cache.generation(8));
    cache.dropImage(7);
    expect([cache.get('7-a'), cache.get('8-a')?.toString()]).toEqual([undefined, 'other']);
    cache.set('7-a', 7, Buffer.from('read before the drop'), before);
    expect(cache.get('7-a')).toBeUndefined();
  });

  it('does not keep a file larger than an eighth of it', () => {
    const cache = new RenditionCache(800);
    cache.set('big', 1, Buffer.alloc(101), 0);
    expect(cache.get('big')).toBeUndefined();
  });
});
