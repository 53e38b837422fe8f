import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A bench's helper process (a local push service, a webhook receiver, a load generator): the same script forked with
 * `args`, added to `children` so the bench can kill it on exit, and spoken to by messages: `next(type)` waits for the
 * next message of that type (looking every `pollMs`), `ask(message, type)` sends one and waits for the answer.
 */
export function forkPeer(script, args, name, children, pollMs = 2) {
  const proc = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(proc);
  const inbox = [];
  proc.on('message', (message) => inbox.push(message));
  const next = async (type) => {
    for (;;) {
      const index = inbox.findIndex((m) => m.type === type);
      if (index >= 0) return inbox.splice(index, 1)[0];
      if (proc.exitCode !== null) throw new Error(`the ${name} exited`);
      await sleep(pollMs);
    }
  };
  return { proc, next, ask: (message, answer) => { proc.send(message); return next(answer); } };
}
