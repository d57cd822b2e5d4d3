// Finds live processes by a marker in their command line (Linux /proc), to check that commands a
// server started do not outlive it.
import { readdirSync, readFileSync } from "node:fs";

/** Pids of live (not zombie) processes whose argv contains `marker`. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!argv.includes(marker)) continue;
      // stat: "pid (comm) state …"; comm may hold spaces or parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

/** Kills what a test left behind (by pid, only processes carrying the test's marker). */
export function killProcessesWith(marker: string): void {
  for (const pid of processesWith(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Resident set size of a process in MB (Linux). */
export function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) / 1024;
}
