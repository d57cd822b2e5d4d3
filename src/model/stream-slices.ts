// Model streams share the event loop in passes. A pass lasts SLICE_MS of wall time and lets at most
// STREAMS_PER_PASS streams run; the others wait, in arrival order, for a later pass, which starts
// after the event loop has polled for I/O. So a request read while 50 turns stream is answered
// within a pass or two, and each stream that runs writes a few hundred notifications to its
// clients at once (each turn yielding every N events on its own made a pass cost N events per
// streaming turn: 50 turns, ~65 ms; letting all of them run a little each pass split their output
// into frames of a few notifications, a socket write each).

/** Streaming work per event-loop pass, all streams together. */
const SLICE_MS = 4;
/** Streams that may run in one pass. */
const STREAMS_PER_PASS = 1;

let pass = 0;
/** A pass is running: its end is scheduled in this or the next check phase. */
let open = false;
let deadline = 0;
let granted = 0;
let queue: { slices: StreamSlices; resume: () => void }[] = [];

/** One stream's claim on the passes; asked before each chunk and each event. */
export class StreamSlices {
  private pass = -1;

  /** Undefined: go on. Else a promise that resolves when a later pass lets this stream run. */
  next(): Promise<void> | undefined {
    const now = performance.now();
    if (open && this.pass === pass) {
      if (now < deadline) return undefined;
    } else if (!open) {
      openPass(now);
      this.grant();
      return undefined;
    } else if (queue.length === 0 && granted < STREAMS_PER_PASS && now < deadline) {
      this.grant();
      return undefined;
    }
    // A pass is open here, so its end (which resumes the queue) is scheduled.
    return new Promise<void>((resume) => queue.push({ slices: this, resume }));
  }

  grant(): void {
    this.pass = pass;
    granted++;
  }
}

function openPass(now: number): void {
  pass++;
  open = true;
  deadline = now + SLICE_MS;
  granted = 0;
  setImmediate(endPass);
}

function endPass(): void {
  open = false;
  if (queue.length === 0) return;
  openPass(performance.now());
  const n = Math.min(STREAMS_PER_PASS, queue.length);
  const next = queue.slice(0, n);
  queue = queue.slice(n);
  for (const w of next) {
    w.slices.grant();
    w.resume();
  }
}
