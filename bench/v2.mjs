// v2 bench: the conversation figures again through the v2 face — thread/start latency, one long
// streamed turn (10,000 and 50,000 item/agentMessage/delta), 20 threads driven at once — plus how
// long a cheap request (getUserAgent) waits while 20 turns stream. Same plain-JS fake Responses API
// and config as bench/conversation.mjs, and the same drivers and report (bench/drivers.mjs); this file
// is the v2 face and figure 4. The client reads and JSON-parses every stdout line.
//   BENCH_RUNS=N                       runs per figure (default 5 here; slow figures capped, see CAPS)
//   BENCH_REFERENCE_CONVERSATIONS=1    also run the reference for figure 1 and the 10k turn (minutes)
//   BENCH_CPU_PROF=DIR                 run our server under node --cpu-prof, profiles written to DIR
import { performance } from "node:perf_hooks";
import { CONCURRENT, DELTA, fmtInt, followTurns, medianOf, mib, ms0, ms1, open, runBench, verdict } from "./drivers.mjs";
import { closeCleanly, expectResult, REPO_ROOT, sleep, summarize } from "./lib.mjs";

export const name = "v2";

// Figure 4: CONCURRENT threads each streaming PROBE_TURN_DELTAS at once; a getUserAgent is sent every
// PROBE_GAP_MS (without waiting for earlier replies) for as long as any turn streams.
const PROBE_TURN_DELTAS = 5_000;
const PROBE_GAP_MS = 20;
const IDLE_PROBES = 5;

// Printed beside the figures; a miss is reported, never fatal.
const TARGETS = {
  threadStartMs: 20,
  turn10kMs: 500,
  turn50kMs: 2000,
  // "linear growth": the cost per 1,000 deltas at 50k may not exceed the cost at 10k by more than this.
  linearSlack: 1.25,
  concurrentMs: 1000,
  concurrentMiB: 90,
  probeMs: 50,
};

// From the issue (codex-cli 0.90.0, measured offline), printed as context; not measured unless asked.
const ISSUE_REFERENCE = { threadStart: "~3 s" };

/** The v2 face: thread/start, turn/start, item/agentMessage/delta, item/completed, turn/completed. */
const V2 = {
  name,
  title: "v2 threads and turns",
  key: "threadStart",
  createMethod: "thread/start",
  idLabel: "thread",
  turnLabel: "turn/start → turn/completed",
  concurrentLabel: "threads at once, thread/start + one turn",
  endLabel: "turn/completed",
  issueNote: "thread/start figure",
  async create(s) {
    const res = await s.request("thread/start", { cwd: REPO_ROOT });
    const thread = expectResult(res, "thread/start").thread;
    if (typeof thread?.id !== "string") throw new Error(`thread/start returned no thread id: ${JSON.stringify(res.msg.result).slice(0, 200)}`);
    return { id: thread.id, ms: res.ms };
  },
  async startTurn(s, threadId, text) {
    const res = await s.request("turn/start", { threadId, input: [{ type: "text", text }] });
    const turn = expectResult(res, "turn/start").turn;
    if (turn?.status !== "inProgress") throw new Error(`turn/start answered ${JSON.stringify(res.msg.result).slice(0, 200)}`);
    return { turn, ms: res.ms };
  },
  stream: {
    delta: ["item/agentMessage/delta", (p) => ({ id: p.threadId, text: p.delta })],
    item: ["item/completed", (p) => (p.item?.type === "agentMessage" ? { id: p.threadId, text: p.item.text } : null)],
    end: ["turn/completed", (p) => ({ id: p.threadId, status: p.turn?.status ?? "missing" })],
  },
  checkAll: true,
  failureMessage: (f) => `a v2 turn delivered the wrong deltas or did not complete: ${f.problem}`,
  extraFigures: [{ key: "probe", measure: (target, fake) => timeProbesWhileStreaming(target, fake, CONCURRENT, PROBE_TURN_DELTAS) }],
  extraRows: probeRows,
  notes: (o, t10, t50) => {
    const checked = [...t10, ...t50];
    const pooled = o.probe.flatMap((s) => s.probes);
    const probeStream = summarize(o.probe.map((s) => s.streamMs));
    return [
      `deltas checked: ${checked.filter((s) => s.whole).length} of ${checked.length} turns delivered exactly N item/agentMessage/delta ` +
        `with the whole text (deltas and agentMessage item), status completed (stdout lines per 10k turn: ${summarize(t10.map((s) => s.lines)).median}; ` +
        `turn/start reply ${ms1(summarize(checked.map((s) => s.turnStartMs)).median)} ms median)`,
      `${CONCURRENT} at once: all ${CONCURRENT} thread/start replies after ${ms0(summarize(o.concurrent.map((s) => s.createMs)).median)} ms (median); ` +
        `${o.concurrent.filter((s) => s.whole).length} of ${o.concurrent.length} runs had every turn whole and completed`,
      `probes: ${pooled.length} getUserAgent in ${o.probe.length} runs, one sent every ${PROBE_GAP_MS} ms from the first delta to the last turn/completed ` +
        `(${o.probe.reduce((a, s) => a + s.late, 0)} answered after it); streaming lasted ${ms0(probeStream.median)} ms (median) for ` +
        `${fmtInt(CONCURRENT * PROBE_TURN_DELTAS)} deltas; on the idle server before the turns ${ms1(medianOf(o.probe, "idleMs"))} ms; slowest turn/start reply ${ms0(medianOf(o.probe, "turnStartMaxMs"))} ms (median); ` +
        `${o.probe.filter((s) => s.whole).length} of ${o.probe.length} runs whole`,
    ];
  },
  growthInJson: true,
  extraMedians: (o) => {
    const { probe, pooled, probeStream, probeMiB } = probeFigures(o);
    return {
      probeMedianMs: probe.median,
      probeP90Ms: probe.p90,
      probeMaxMs: probe.max,
      probeRunMaxMedianMs: probe.runMax,
      probeCount: pooled.length,
      probeStreamMs: probeStream.median,
      probeTurnStartMaxMs: medianOf(o.probe, "turnStartMaxMs"),
      probeIdleMs: medianOf(o.probe, "idleMs"),
      probePeakMiB: probeMiB.median,
    };
  },
};

export function run(ctx) {
  return runBench(ctx, V2, { targets: TARGETS, issue: ISSUE_REFERENCE });
}

// ---------------------------------------------------------------------------------------------
// Figure 4.

/**
 * `count` threads each streaming `deltas` deltas at once. From the first delta until the last
 * turn/completed, a getUserAgent goes out every PROBE_GAP_MS whether or not the previous one was
 * answered (an IDE does not wait either), each timed write → reply.
 */
async function timeProbesWhileStreaming(target, fake, count, deltas) {
  const s = open(target, fake);
  try {
    await s.initialize();
    fake.respondWith({ count: deltas, delta: DELTA });
    const threads = await Promise.all(Array.from({ length: count }, () => V2.create(s)));
    // Baseline: the same probe on the idle server, one at a time.
    const idle = [];
    for (let i = 0; i < IDLE_PROBES; i++) {
      const res = await s.request("getUserAgent");
      expectResult(res, "getUserAgent");
      idle.push(res.ms);
    }
    const follow = followTurns(V2, s, threads.map((t) => t.id));
    let streaming = true;
    const ended = follow.done.then((at) => ((streaming = false), at));
    ended.catch(() => {});
    const firstDelta = s.waitFor("item/agentMessage/delta");
    firstDelta.catch(() => {});
    const t0 = performance.now();
    // Probing starts at the first delta, not once every turn/start is answered: those replies wait
    // behind the streams as well (their latest is reported beside the probes).
    const turnStarts = threads.map((t) => V2.startTurn(s, t.id, "stream"));
    for (const p of turnStarts) p.catch(() => {});
    const streamStart = await firstDelta;
    const pending = [];
    while (streaming) {
      const probe = s.request("getUserAgent").then((res) => (expectResult(res, "getUserAgent"), { ms: res.ms, late: !streaming }));
      probe.catch(() => {});
      pending.push(probe);
      await Promise.race([sleep(PROBE_GAP_MS), ended]);
    }
    const last = await ended;
    const answered = await Promise.all(pending);
    const probes = answered.map((a) => a.ms);
    const turnStartMs = (await Promise.all(turnStarts)).map((r) => r.ms);
    const peakKiB = s.peakRssKiB();
    const done = await closeCleanly(target, s);
    return {
      probes,
      // Answered after the last turn/completed (all were sent while turns streamed).
      late: answered.filter((a) => a.late).length,
      ...summarize(probes),
      max: Math.max(...probes),
      idleMs: summarize(idle).median,
      turnStartMaxMs: Math.max(...turnStartMs),
      streamMs: last - streamStart,
      wallMs: last - t0,
      deltasSeen: follow.deltas(),
      peakMiB: peakKiB / 1024,
      ...follow.check(deltas, DELTA),
      stderr: done.stderrTail,
    };
  } finally {
    await s.close();
  }
}

function probeFigures(o) {
  const pooled = o.probe.flatMap((s) => s.probes);
  const probe = { ...summarize(pooled), max: Math.max(...pooled), runMedian: medianOf(o.probe, "median"), runMax: medianOf(o.probe, "max") };
  return { probe, pooled, probeStream: summarize(o.probe.map((s) => s.streamMs)), probeMiB: summarize(o.probe.map((s) => s.peakMiB)) };
}

function probeRows(o, refCell) {
  const { probe, probeMiB } = probeFigures(o);
  return [
    [
      `getUserAgent while ${CONCURRENT} turns stream ${fmtInt(PROBE_TURN_DELTAS)} deltas each: median / p90 (all probes)`,
      o.probe.length,
      `${ms1(probe.median)} / ${ms1(probe.p90)} ms`,
      "",
      mib(probeMiB.median),
      ...refCell("not run"),
      `≤ ${TARGETS.probeMs} ms`,
      verdict(probe.median <= TARGETS.probeMs),
      "",
    ],
    [
      "  getUserAgent while streaming: max (all probes; median of run maxima)",
      o.probe.length,
      `${ms1(probe.max)} ms (${ms1(probe.runMax)} ms)`,
      "",
      "",
      ...refCell(""),
      `≤ ${TARGETS.probeMs} ms`,
      verdict(probe.max <= TARGETS.probeMs),
      "",
    ],
  ];
}
