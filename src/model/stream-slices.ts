// Model streams share the event loop in passes. A pass lasts SLICE_MS of wall time and lets at most
// STREAMS_PER_PASS streams run; the others wait, in arrival order, for a later pass, which starts
// after the event loop has polled for I/O. So a request read while 50 turns stream is answered
// within a pass or two, and each stream that runs writes a few hundred notifications to its
// clients at once (each turn yielding every N events on its own made a pass cost N events per
// streaming turn: 50 turns, ~65 ms; letting all of them run a little each pass split their output
// into frames of a few notifications, a socket write each).
//
// Turn starts (rollout, permissions, the HTTP request: ~2 ms each) take passes too, a few per pass:
// 50 started at once made one ~110 ms pass; one per pass would spread each start's status broadcast
// to every client over 50 passes, a socket write per client each.

/** Streaming work per event-loop pass, all streams together. */
const SLICE_MS = 4;
/** Streams that may run in one pass. */
const STREAMS_PER_PASS = 1;
/** Turns that may start in one pass. */
const STARTS_PER_PASS = 4;

let pass = 0;
/** A pass is running (until its end, scheduled once something waits for the next one). */
let open = false;
/** The end of the pass is scheduled. */
let ending = false;
let deadline = 0;
let streams = 0;
let starts = 0;
let streamQueue: { slices: StreamSlices; resume: () => void }[] = [];
let startQueue: (() => void)[] = [];

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
    } else if (streamQueue.length === 0 && streams < STREAMS_PER_PASS && now < deadline) {
      this.grant();
      return undefined;
    }
    return new Promise<void>((resume) => {
      streamQueue.push({ slices: this, resume });
      endSoon();
    });
  }

  grant(): void {
    this.pass = pass;
    streams++;
  }
}

/** Undefined: the turn may start now. Else a promise that resolves when a later pass lets it. */
export function turnStart(): Promise<void> | undefined {
  if (!open) openPass(performance.now());
  else if (startQueue.length > 0 || starts >= STARTS_PER_PASS) {
    return new Promise<void>((resume) => {
      startQueue.push(resume);
      endSoon();
    });
  }
  starts++;
  return undefined;
}

function openPass(now: number): void {
  pass++;
  open = true;
  deadline = now + SLICE_MS;
  streams = 0;
  starts = 0;
}

/**
 * The pass ends in the next check phase. Scheduled when the first one waits, so after the
 * transports' own check-phase flush of what the pass wrote: its output goes out before the next
 * pass runs (a single stream's lines would otherwise wait a pass, and its client with them).
 */
function endSoon(): void {
  if (ending) return;
  ending = true;
  setImmediate(endPass);
}

function endPass(): void {
  ending = false;
  open = false;
  if (streamQueue.length === 0 && startQueue.length === 0) return;
  openPass(performance.now());
  const nStarts = Math.min(STARTS_PER_PASS, startQueue.length);
  const nextStarts = startQueue.slice(0, nStarts);
  startQueue = startQueue.slice(nStarts);
  starts = nStarts;
  const nStreams = Math.min(STREAMS_PER_PASS, streamQueue.length);
  const nextStreams = streamQueue.slice(0, nStreams);
  streamQueue = streamQueue.slice(nStreams);
  for (const resume of nextStarts) resume();
  for (const w of nextStreams) {
    w.slices.grant();
    w.resume();
  }
  if (streamQueue.length > 0 || startQueue.length > 0) endSoon();
}
