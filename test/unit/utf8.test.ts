import { BufferReader } from 'pg-protocol/dist/buffer-reader.js';
import { Parser } from 'pg-protocol/dist/parser.js';
import * as utf8 from '../../src/shared/utf8';
import { decodeUtf8, encodeUtf8, LONG_TEXT_BYTES } from '../../src/shared/utf8';
import { readTextFast } from '../../src/db/text-decoding';

const ARABIC = 'أعلنت وزارة الداخلية، اليوم الأحد، عن نتائج الانتخابات الجماعية في جهة الدار البيضاء-سطات. ';
const FRENCH = 'Le ministère de l\'Intérieur a annoncé dimanche les résultats des élections communales à Kénitra. ';
const TEXTS: [string, string][] = [
  ['Arabic', ARABIC.repeat(40)],
  ['French', FRENCH.repeat(40)],
  ['ASCII', 'breaking news from rabat '.repeat(40)],
  ['emoji and both scripts', `🇲🇦 ${ARABIC}😀 ${FRENCH}`.repeat(10)],
  ['a body as PostgreSQL writes jsonb', JSON.stringify([{ type: 'PARAGRAPH', text: `"${ARABIC}"\n\\` }]).repeat(20)],
  ['a byte-order mark first', `\ufeff${ARABIC.repeat(10)}`],
  ['short Arabic', 'عاجل'],
  ['empty', ''],
];

describe('UTF-8 of long Arabic text (src/shared/utf8.ts)', () => {
  it.each(TEXTS)('%s decodes as buffer.toString does, whole and in slices cut anywhere', (_name, text) => {
    const bytes = Buffer.from(`--${text}--`);
    expect(decodeUtf8(bytes, 2, bytes.length - 2)).toBe(text);
    // Cut inside a character too: the same replacement characters as toString.
    for (const [start, end] of [[0, bytes.length], [3, bytes.length - 5], [1, LONG_TEXT_BYTES + 1], [0, LONG_TEXT_BYTES - 1]]) {
      const to = Math.min(end, bytes.length);
      expect(decodeUtf8(bytes, start, to)).toBe(bytes.toString('utf8', start, to));
    }
  });

  it.each(TEXTS)('%s encodes as Buffer.from does', (_name, text) => {
    expect(encodeUtf8(text).equals(Buffer.from(text))).toBe(true);
  });

  it('decodes malformed UTF-8 and encodes lone surrogates as Node does (replacement characters)', () => {
    const malformed = Buffer.concat([Buffer.from(ARABIC.repeat(10)), Buffer.from([0xff, 0xd8, 0x41, 0xc0]), Buffer.from(ARABIC.repeat(10))]);
    expect(decodeUtf8(malformed, 0, malformed.length)).toBe(malformed.toString());
    expect(decodeUtf8(malformed, 0, malformed.length)).toContain('\ufffd');
    const lone = `${ARABIC.repeat(10)}\ud83d${ARABIC}`;
    expect(encodeUtf8(lone).equals(Buffer.from(lone))).toBe(true);
  });

  it('is how pg reads every text value once installed: a data row of long Arabic text reads as written', async () => {
    readTextFast();
    const decoded = jest.spyOn(utf8, 'decodeUtf8');
    // pg-protocol's parser reads each message with one BufferReader, whose `string` is the one installed.
    expect((new Parser() as unknown as { reader: unknown }).reader).toBeInstanceOf(BufferReader);
    const values = [ARABIC.repeat(30), null, 'قصير', FRENCH.repeat(10)];
    const fields = values.map((value) => (value === null ? Buffer.from([0xff, 0xff, 0xff, 0xff])
      : Buffer.concat([int32(Buffer.byteLength(value)), Buffer.from(value)])));
    const body = Buffer.concat([int16(values.length), ...fields]);
    const message = Buffer.concat([Buffer.from('D'), int32(body.length + 4), body]);
    const parsed = await new Promise<{ fields: unknown[] }>((resolve) => {
      new Parser().parse(message, (msg) => resolve(msg as unknown as { fields: unknown[] }));
    });
    expect(parsed.fields).toEqual(values);
    expect(decoded).toHaveBeenCalledTimes(3);
    decoded.mockRestore();
  });
});

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}
