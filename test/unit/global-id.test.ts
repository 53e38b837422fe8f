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
