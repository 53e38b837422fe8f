import { decodeCursor, encodeCursor } from '../../src/shared/relay';

describe('cursors', () => {
  // Cursors handed out before stay valid: the text is base64url of the JSON array [kind, ...key].
  it.each<[string, (string | number)[]]>([
    ['a', [1765432112345678, 12345]],
    ['s', ['0.0607927', 2, 1765432112345678, 7]],
    ['p', ['أمينة "الحياني"\\ \n', 3]],
    ['t', [0]],
    ['x', [-0, 1e21, 0.5]],
  ])('of kind %p with key %p are base64url of JSON.stringify([kind, ...key])', (kind, key) => {
    const cursor = encodeCursor(kind, key);
    expect(cursor).toBe(Buffer.from(JSON.stringify([kind, ...key])).toString('base64url'));
    expect(decodeCursor(kind, cursor, 'after', key.map((part) => (typeof part === 'number' ? 'number' : 'string')))).toEqual(key.map((part) => (Object.is(part, -0) ? 0 : part)));
  });
});
