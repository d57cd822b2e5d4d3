// A command on a pseudo-terminal (command/exec with tty: true), through node-pty. node-pty forks
// the command as a session leader, so its pid is also the process group we kill on timeout,
// terminate or server exit, like the piped commands in tools/exec.ts.
import { forgetGroup, guardGroup } from "../tools/command-reaper.js";
import { TIMEOUT_EXIT_CODE } from "../tools/exec.js";

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface PtySpawn {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  size: TerminalSize;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface PtyProcess {
  write(data: Buffer): void;
  resize(size: TerminalSize): void;
}

export interface PtyHooks {
  onStart(pty: PtyProcess): void;
  onOutput(chunk: Buffer): void;
  pace?: () => Promise<void> | undefined;
}

export interface PtyOutcome {
  exitCode: number;
  timedOut: boolean;
  /** Why it could not start, else null. */
  spawnError: string | null;
}

type NodePty = typeof import("node-pty");
let loaded: Promise<NodePty | string> | undefined;

/** node-pty, or why it cannot be loaded here (a native module: it may be missing for this platform). */
export function loadNodePty(): Promise<NodePty | string> {
  return (loaded ??= import("node-pty").then(
    (m: NodePty & { default?: NodePty }) => m.default ?? m,
    (error: unknown) => `node-pty cannot be loaded (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
  ));
}

// Terminal sessions still running, by process group, for the exit hook.
const live = new Set<number>();
let exitHookInstalled = false;

/** Terminal dimensions node-pty accepts (it rejects 0 and negatives). */
function clampSize(size: TerminalSize): TerminalSize {
  return { cols: Math.max(1, Math.min(size.cols, 65_535)), rows: Math.max(1, Math.min(size.rows, 65_535)) };
}

export async function runOnPty(spec: PtySpawn, hooks: PtyHooks): Promise<PtyOutcome> {
  const ptyModule = await loadNodePty();
  if (typeof ptyModule === "string") return { exitCode: -1, timedOut: false, spawnError: ptyModule };
  if (spec.signal.aborted) return { exitCode: -1, timedOut: false, spawnError: "terminated before it started" };
  const size = clampSize(spec.size);
  let pty: import("node-pty").IPty;
  try {
    pty = ptyModule.spawn(spec.file, spec.args, {
      name: spec.env.TERM ?? "xterm-256color",
      cols: size.cols,
      rows: size.rows,
      cwd: spec.cwd,
      env: spec.env as Record<string, string>,
      encoding: null,
    });
  } catch (error) {
    return { exitCode: -1, timedOut: false, spawnError: (error as Error).message };
  }
  const pgid = pty.pid;
  guardGroup(pgid);
  live.add(pgid);
  installExitHook();
  return new Promise<PtyOutcome>((resolve) => {
    let timedOut = false;
    const kill = () => {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, spec.timeoutMs);
    spec.signal.addEventListener("abort", kill, { once: true });
    let paused = false;
    // With `encoding: null` node-pty hands over Buffers, though its typings say string.
    pty.onData((data: string | Buffer) => {
      hooks.onOutput(typeof data === "string" ? Buffer.from(data) : data);
      if (paused || !hooks.pace) return;
      const backlog = hooks.pace();
      if (!backlog) return;
      paused = true;
      pty.pause();
      const resume = () => {
        paused = false;
        pty.resume();
      };
      backlog.then(resume, resume);
    });
    pty.onExit(({ exitCode, signal }) => {
      clearTimeout(timer);
      spec.signal.removeEventListener("abort", kill);
      // The leader is gone; whatever it left behind in the group goes too.
      kill();
      live.delete(pgid);
      forgetGroup(pgid);
      const code = timedOut ? TIMEOUT_EXIT_CODE : signal ? 128 + signal : exitCode;
      resolve({ exitCode: code, timedOut, spawnError: null });
    });
    hooks.onStart({
      write: (data) => {
        try {
          pty.write(data);
        } catch {
          // The terminal closed meanwhile: the command is over, its result on the way.
        }
      },
      resize: (next) => {
        const s = clampSize(next);
        try {
          pty.resize(s.cols, s.rows);
        } catch {
          // The terminal closed meanwhile.
        }
      },
    });
  });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pgid of live) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  });
}
