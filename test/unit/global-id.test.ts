import { fromGlobalId, numericIdOf, toGlobalId } from '../../src/shared/global-id';

describe('global ids', () => {
  it('round-trips', () => {
    expect(fromGlobalId(toGlobalId('Region', 'MA-04'))).toEqual({ type: 'Region', key: 'MA-04' });
    expect(numericIdOf('Article', toGlobalId('Article', 42))).toBe(42);
  });

  it.each(['', 'not base64!', toGlobalId('Article', 'x'), Buffer.from('Nope:1').toString('base64url'), 'A'.repeat(500)])(
    'rejects %p with BAD_USER_INPUT', (id) => {
      expect(() => numericIdOf('Article', id)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    });

  it('rejects an id of another type', () => {
    expect(() => numericIdOf('Article', toGlobalId('Person', 1))).toThrow(/not a valid Article id/);
  });
});

describe('global ids read again', () => {
  it('are the same text whether encoded for the first time or remembered, past the bound of those remembered', () => {
    const plain = (key: number) => Buffer.from(`Article:${key}`).toString('base64url');
    for (let key = 1; key <= 45_000; key += 1) expect(toGlobalId('Article', key)).toBe(plain(key));
    for (const key of [1, 20_001, 44_999]) expect(toGlobalId('Article', key)).toBe(plain(key));
    expect(toGlobalId('Person', 1)).not.toBe(toGlobalId('Article', 1));
  });
});
