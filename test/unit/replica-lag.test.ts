import { caughtUpTo, parseLsn } from '../../src/db/replicas';

/** How far behind a standby is, from its replay position and samples of the primary's: a pure rule. */
describe('replica lag', () => {
  it('reads WAL positions as numbers that compare', () => {
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xB374D848n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
    expect(() => parseLsn('16-B374D848')).toThrow('not a WAL position');
  });

  const samples = [{ at: 1_000, lsn: 100n }, { at: 1_500, lsn: 250n }, { at: 2_000, lsn: 250n }, { at: 2_500, lsn: 400n }];

  it('holds every commit before the newest sample it has replayed past', () => {
    expect(caughtUpTo(400n, samples)).toBe(2_500);
    expect(caughtUpTo(500n, samples)).toBe(2_500);
    // Past 250 but short of 400: it may lack what was committed after 2 000, never what was committed before.
    expect(caughtUpTo(399n, samples)).toBe(2_000);
    expect(caughtUpTo(100n, samples)).toBe(1_000);
  });

  it('holds nothing known when it is behind every sample kept', () => {
    expect(caughtUpTo(99n, samples)).toBeNull();
    expect(caughtUpTo(0n, [])).toBeNull();
  });
});
