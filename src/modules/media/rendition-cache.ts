/**
 * The hottest renditions in memory, least recently used out first, bounded by bytes. Safe because a rendition's URL
 * names its exact bytes; an image taken out (expired, deleted, reframed) has its entries dropped by its event.
 */
export class RenditionCache {
  private readonly entries = new Map<string, { imageId: number; bytes: Buffer }>();
  private size = 0;
  /** Bumped by every drop of an image: a read that began before a drop must not put its bytes back. */
  private readonly drops = new Map<number, number>();

  constructor(private readonly maxBytes: number) {}

  get(key: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.bytes;
  }

  /** What `set` must be given back: taken before reading the file the entry will hold. */
  generation(imageId: number): number {
    return this.drops.get(imageId) ?? 0;
  }

  set(key: string, imageId: number, bytes: Buffer, generation: number): void {
    if (generation !== this.generation(imageId)) return;
    // A file larger than an eighth of the cache would push out too much to be worth keeping.
    if (bytes.length > this.maxBytes / 8) return;
    this.delete(key);
    this.entries.set(key, { imageId, bytes });
    this.size += bytes.length;
    for (const [oldest] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  dropImage(imageId: number): void {
    this.drops.set(imageId, this.generation(imageId) + 1);
    for (const [key, entry] of this.entries) if (entry.imageId === imageId) this.delete(key);
  }

  get bytes(): number {
    return this.size;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.size -= entry.bytes.length;
  }
}
