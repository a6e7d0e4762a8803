/**
 * Preloaded into a backtest's child process (`--import`): the run ends when the server that
 * started it is gone. A server that stops kills its runs itself; one killed outright (SIGKILL, a
 * crash, the OOM killer) cannot, and its runs would go on computing for nobody, holding CPU and
 * memory, while the next start marks them interrupted anyway. The server's pid comes in
 * AUTONOME_BACKTEST_PARENT_PID; without it this does nothing (the CLI run by hand).
 */
const parent = Number(process.env.AUTONOME_BACKTEST_PARENT_PID);
if (Number.isSafeInteger(parent) && parent > 1) {
  const watch = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ESRCH") return; // there, but not ours to signal
      clearInterval(watch);
      process.stderr.write(`autonome: the server that started this backtest (pid ${parent}) is gone\n`);
      // As a cancel does: the run stops between two steps and drops its own database; should it
      // not end soon (stuck in a call), it ends anyway.
      process.kill(process.pid, "SIGTERM");
      setTimeout(() => process.exit(1), 10_000).unref();
    }
  }, 1_000).unref();
}

export {};
