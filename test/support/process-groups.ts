// What is left of a process group, read from /proc (Linux).
import { readdirSync, readFileSync } from "node:fs";

// Members of a process group that are still running: killed ones stay visible to kill(-pgid, 0)
// as zombies until init reaps them, which can take a while in a container.
export function runningMembers(pgid: number): number {
  let count = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") count++;
    } catch {
      // exited while we looked
    }
  }
  return count;
}
