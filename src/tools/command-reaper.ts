// Kills the process groups of our commands when the server dies without cleaning up (SIGKILL, OOM
// kill, a crash in native code): no exit hook runs then, so someone else must do it.
//
// One small `sh` per server, not a wrapper per command: it is spawned once, at the first command,
// so a command costs one line written to a pipe instead of an extra process. It runs in its own
// process group (a signal to the server's group, e.g. Ctrl-C in a terminal, leaves it alone) and
// reads "+ <pgid>" / "- <pgid>" lines from its stdin. The write end is ours alone (Node opens
// pipes close-on-exec, so commands do not inherit it); when the kernel closes it because the
// server is gone, `read` sees EOF and the reaper SIGKILLs every group still recorded.
// The remaining gap is the few microseconds between a command's spawn and its "+" line.
import { spawn } from "node:child_process";
import type { Writable } from "node:stream";

const REAPER_SCRIPT = `trap '' HUP INT PIPE
groups=' '
while read -r op pgid; do
  case $op in
    +) groups="$groups$pgid " ;;
    -) case $groups in *" $pgid "*) groups="\${groups%% $pgid *} \${groups#* $pgid }" ;; esac ;;
  esac
done
for pgid in $groups; do kill -9 -$pgid 2>/dev/null; done
`;

// undefined: not started yet; null: could not be started (commands still run, unguarded).
let reaperInput: Writable | null | undefined;

function input(): Writable | null {
  if (reaperInput !== undefined) return reaperInput;
  try {
    const child = spawn("/bin/sh", ["-c", REAPER_SCRIPT], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    const stdin = child.stdin;
    if (stdin === null) throw new Error("no stdin");
    // The reaper must keep neither the server's event loop alive nor the server up on errors.
    child.unref();
    (stdin as Writable & { unref?(): void }).unref?.();
    stdin.on("error", () => {
      reaperInput = null;
    });
    child.on("error", () => {
      reaperInput = null;
    });
    reaperInput = stdin;
  } catch {
    reaperInput = null;
  }
  return reaperInput;
}

function send(line: string): void {
  const stdin = input();
  if (stdin === null || stdin.destroyed) return;
  stdin.write(line);
}

/** Records a command's process group: it is killed if the server dies before forgetGroup. */
export function guardGroup(pgid: number): void {
  send(`+ ${pgid}\n`);
}

/** The group is gone (or no longer ours to kill): its id may be reused, so stop guarding it. */
export function forgetGroup(pgid: number): void {
  send(`- ${pgid}\n`);
}
