// A CPU profile of part of a bench's own process (the server in it): started and stopped around what is measured.
import { Session } from 'node:inspector/promises';

/** A profiler of this process: `start()`, then `stop()` resolves with the profile (a .cpuprofile's JSON). */
export async function startProfiler() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  return {
    start: () => session.post('Profiler.start'),
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}
