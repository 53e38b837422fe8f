import sharp from 'sharp';
import zlib from 'node:zlib';

/** What a source's phone writes into a photo, and what must never come out of Khabar. */
export const TELLTALES = {
  serial: 'SN-KHABAR-SOURCE-0042',
  make: 'TelltalePhoneMaker',
  makerNote: 'MAKERNOTE-OWNER-Fatima',
  comment: 'COMMENT-taken-at-home',
  xmpCity: 'XMP-City-Khenifra',
  trailer: 'TRAILER-motion-photo',
} as const;

/** Latitude/longitude of the example position the GPS tags carry (Khénifra). */
const GPS = { lat: [32, 56, 2], lon: [5, 40, 3] };

type Entry = { tag: number; type: 2 | 3 | 4 | 5 | 7; value: Buffer | number | number[] };

/** A big-endian TIFF IFD at `offset`, its out-of-line values right after it; returns its bytes. */
function ifd(entries: Entry[], offset: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const table = Buffer.alloc(2 + sorted.length * 12 + 4);
  table.writeUInt16BE(sorted.length, 0);
  const data: Buffer[] = [];
  let dataAt = offset + table.length;
  sorted.forEach((entry, i) => {
    const at = 2 + i * 12;
    let bytes: Buffer;
    let count: number;
    if (entry.type === 2 || entry.type === 7) [bytes, count] = [entry.value as Buffer, (entry.value as Buffer).length];
    else if (entry.type === 3) [bytes, count] = [Buffer.from([(entry.value as number) >> 8, (entry.value as number) & 0xff, 0, 0]), 1];
    else if (entry.type === 4) {
      bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(entry.value as number);
      count = 1;
    } else {
      const parts = entry.value as number[];
      bytes = Buffer.alloc(parts.length * 8);
      parts.forEach((n, k) => {
        bytes.writeUInt32BE(n, k * 8);
        bytes.writeUInt32BE(1, k * 8 + 4);
      });
      count = parts.length;
    }
    table.writeUInt16BE(entry.tag, at);
    table.writeUInt16BE(entry.type, at + 2);
    table.writeUInt32BE(count, at + 4);
    if (bytes.length <= 4) bytes.copy(table, at + 8);
    else {
      table.writeUInt32BE(dataAt, at + 8);
      const padded = bytes.length % 2 ? Buffer.concat([bytes, Buffer.alloc(1)]) : bytes;
      data.push(padded);
      dataAt += padded.length;
    }
  });
  return Buffer.concat([table, ...data]);
}

const ascii = (text: string) => Buffer.from(`${text}\0`, 'latin1');

/**
 * A hand-built EXIF APP1 segment: camera make, orientation, body serial number, a maker note, and GPS latitude and
 * longitude, the way a phone writes them (built here, so the test does not depend on any library's EXIF writer).
 */
export function exifSegment(orientation = 1): Buffer {
  const ifd0Size = (entries: number) => 2 + entries * 12 + 4;
  const make = ascii(TELLTALES.make);
  const ifd0At = 8;
  const ifd0Length = ifd0Size(4) + make.length + (make.length % 2);
  const exifAt = ifd0At + ifd0Length;
  const serial = ascii(TELLTALES.serial);
  const note = Buffer.from(TELLTALES.makerNote, 'latin1');
  const exifLength = ifd0Size(2) + serial.length + (serial.length % 2) + note.length + (note.length % 2);
  const gpsAt = exifAt + exifLength;
  const tiff = Buffer.concat([
    Buffer.from('MM\0\x2a\0\0\0\x08', 'latin1'),
    ifd([{ tag: 0x010f, type: 2, value: make }, { tag: 0x0112, type: 3, value: orientation }, { tag: 0x8769, type: 4, value: exifAt }, { tag: 0x8825, type: 4, value: gpsAt }], ifd0At),
    ifd([{ tag: 0xa431, type: 2, value: serial }, { tag: 0x927c, type: 7, value: note }], exifAt),
    ifd([{ tag: 1, type: 2, value: ascii('N') }, { tag: 2, type: 5, value: GPS.lat }, { tag: 3, type: 2, value: ascii('W') }, { tag: 4, type: 5, value: GPS.lon }], gpsAt),
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

function segment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/**
 * A photo as a source's phone sends it: EXIF with GPS and the camera's serial, XMP with the place, a comment, and
 * data after the end of the image. `orientation` 6 makes it a portrait shot stored sideways.
 */
export async function telltaleJpeg(options: { width?: number; height?: number; orientation?: number } = {}): Promise<Buffer> {
  const { width = 1200, height = 800, orientation = 1 } = options;
  const plain = await halvesPicture(width, height).jpeg({ quality: 85 }).toBuffer();
  const xmp = Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'),
    Buffer.from(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="${TELLTALES.xmpCity}"/></rdf:RDF></x:xmpmeta>`)]);
  return Buffer.concat([
    plain.subarray(0, 2),
    exifSegment(orientation),
    segment(0xe1, xmp),
    segment(0xfe, Buffer.from(TELLTALES.comment, 'latin1')),
    plain.subarray(2),
    Buffer.from(TELLTALES.trailer, 'latin1'),
  ]);
}

/** Left half red, right half blue: where a crop or a focal point lands shows in the colours of a rendition. */
export function halvesPicture(width: number, height: number) {
  const half = Math.floor(width / 2);
  return sharp({ create: { width, height, channels: 3, background: '#d01010' } })
    .composite([{ input: { create: { width: width - half, height, channels: 3, background: '#1010d0' } }, left: half, top: 0 }]);
}

/** Every trace of the source a stored or served file could keep; empty when it keeps none. */
export async function telltalesIn(file: Buffer): Promise<string[]> {
  const found: string[] = Object.entries(TELLTALES).filter(([, text]) => file.includes(text)).map(([name]) => name);
  if (file.includes('Exif\0\0')) found.push('EXIF segment');
  if (file.includes('http://ns.adobe.com/xap')) found.push('XMP packet');
  if (file.includes(Buffer.from([0x00, 0x02, 0x00, 0x05, 0x00, 0x00, 0x00, 0x03]))) found.push('GPS latitude entry');
  const meta = await sharp(file).metadata();
  for (const key of ['exif', 'xmp', 'iptc', 'tifftagPhotoshop'] as const) if (meta[key]) found.push(`${key} in metadata`);
  if (meta.format === 'jpeg') {
    const end = file.lastIndexOf(Buffer.from([0xff, 0xd9]));
    if (end !== file.length - 2) found.push('bytes after the end of the image');
  }
  return found;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A decompression bomb: a grey PNG whose header says `side` × `side` pixels, a few KB on disk. */
export function pngBomb(side = 30_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = zlib.deflateSync(Buffer.alloc((side + 1) * 64));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A PNG carrying a text chunk and an eXIf chunk with the telltales. */
export async function telltalePng(): Promise<Buffer> {
  const plain = await halvesPicture(600, 400).png().toBuffer();
  const iend = plain.length - 12;
  return Buffer.concat([
    plain.subarray(0, 33), // signature + IHDR
    pngChunk('tEXt', Buffer.from(`Comment\0${TELLTALES.comment}`, 'latin1')),
    pngChunk('eXIf', exifSegment().subarray(10)),
    plain.subarray(33, iend),
    plain.subarray(iend),
  ]);
}
