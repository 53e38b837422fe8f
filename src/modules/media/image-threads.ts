import fs from 'node:fs';
import os from 'node:os';

/** Image work yields the cores to readers: libvips's threads run this much nicer than the rest of the process. */
const IMAGE_THREAD_NICENESS = 10;
const lowered = new Set<string>();

/**
 * Lowers the CPU priority of libvips's worker threads (Linux: priority is per thread), where nearly all encoding and
 * decoding time is spent, so GraphQL requests win the cores while uploads and cold renditions run. Threads appear
 * lazily, so this is called before each job; anywhere without /proc it does nothing.
 */
export function lowerImageThreadPriority(): void {
  let tasks: string[];
  try {
    tasks = fs.readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of tasks) {
    if (lowered.has(tid)) continue;
    try {
      if (fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'libvips worker') continue;
      os.setPriority(Number(tid), IMAGE_THREAD_NICENESS);
      lowered.add(tid);
    } catch {
      // The thread ended meanwhile, or priorities cannot be changed here: image work simply runs at normal priority.
    }
  }
}

/** Lowers the calling thread's own priority as libvips's (an ingest thread: its JavaScript is image work too). */
export function lowerThisThreadPriority(): void {
  try {
    const tid = Number(fs.readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]);
    os.setPriority(tid, IMAGE_THREAD_NICENESS);
  } catch {
    // No /proc or no permission: the thread runs at normal priority.
  }
}
