// v2 bench: the conversation figures again through the v2 face — thread/start latency, one long
// streamed turn (10,000 and 50,000 item/agentMessage/delta), 20 threads driven at once — plus how
// long a cheap request (getUserAgent) waits while 20 turns stream. Same plain-JS fake Responses API
// and config as bench/conversation.mjs; the client reads and JSON-parses every stdout line.
//   BENCH_RUNS=N                       runs per figure (default 5 here; slow figures capped, see CAPS)
//   BENCH_REFERENCE_CONVERSATIONS=1    also run the reference for figure 1 and the 10k turn (minutes)
//   BENCH_CPU_PROF=DIR                 run our server under node --cpu-prof, profiles written to DIR
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  closeCleanly,
  expectResult,
  FAKE_PROVIDER_ENV,
  fakeProviderToml,
  loggedErrors,
  printTable,
  profiledOursTarget,
  progress,
  REFERENCE_INSTALL_HINT,
  REPO_ROOT,
  repeat,
  sleep,
  startFakeResponses,
  startRefusingProxy,
  startRpcSession,
  summarize,
} from "./lib.mjs";

export const name = "v2";

const DEFAULT_RUNS = 5;
// Upper bounds on runs for the figures that take long; BENCH_RUNS above them is cut to them.
const CAPS = { deltas50k: 5, reference: 3 };
const THREAD_START_CALLS = 20;
const REFERENCE_THREAD_START_CALLS = 5; // ~3 s each on the reference
const CONCURRENT = 20;
const CONCURRENT_TURN = { count: 5, delta: "word " };
const DELTA = "tok ";
const DELTA_COUNTS = [10_000, 50_000];
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

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const withReference = process.env.BENCH_REFERENCE_CONVERSATIONS === "1";
  const ours = profiledOursTarget();
  const fake = await startFakeResponses();
  const blackhole = withReference && ctx.reference ? await startRefusingProxy() : null;

  const results = { ours: {}, reference: null };
  try {
    // Warm-up (discarded): fills the V8 code cache and the page cache for the v2 path.
    await timeTurn(ours, fake, 100);
    progress("[v2] warm-up done ");

    results.ours.threadStart = await repeat(runs, () => timeThreadStarts(ours, fake, THREAD_START_CALLS));
    const turns = Object.fromEntries(DELTA_COUNTS.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      for (const n of DELTA_COUNTS) {
        if (n === 50_000 && i >= CAPS.deltas50k) continue;
        turns[n].push(await timeTurn(ours, fake, n));
        progress(".");
      }
    }
    results.ours.turns = turns;
    results.ours.concurrent = await repeat(runs, () => timeConcurrent(ours, fake, CONCURRENT));
    results.ours.probe = await repeat(runs, () => timeProbesWhileStreaming(ours, fake, CONCURRENT, PROBE_TURN_DELTAS));

    if (withReference && ctx.reference) {
      const ref = { ...ctx.reference, env: blackhole.env };
      const refRuns = Math.min(runs, CAPS.reference);
      progress(" [reference, slow] ");
      results.reference = {
        runs: refRuns,
        threadStart: await repeat(refRuns, () => timeThreadStarts(ref, fake, REFERENCE_THREAD_START_CALLS)),
        turn10k: await repeat(refRuns, () => timeTurn(ref, fake, 10_000)),
      };
    }
  } finally {
    progress("\n");
    await fake.close();
    await blackhole?.close();
  }

  const failures = [];
  for (const samples of Object.values(results.ours.turns)) for (const s of samples) if (!s.whole) failures.push(s);
  for (const s of results.reference?.turn10k ?? []) if (!s.whole) failures.push(s);
  for (const s of [...results.ours.concurrent, ...results.ours.probe]) if (!s.whole) failures.push(s);

  report(ctx, { runs, withReference, ours, fake, blackhole, results });
  if (failures.length) {
    const f = failures[0];
    throw new Error(`a v2 turn delivered the wrong deltas or did not complete: ${f.problem}`);
  }
}


// ---------------------------------------------------------------------------------------------
// The four measurements. Each runs in its own fresh server process and CODEX_HOME.

const TIMEOUT_MS = { ours: 180_000, reference: 600_000 };

function open(target, fake) {
  return startRpcSession(target, {
    configToml: fakeProviderToml(fake.url),
    env: { ...FAKE_PROVIDER_ENV, ...target.env },
    timeoutMs: TIMEOUT_MS[target.key] ?? TIMEOUT_MS.reference,
  });
}

async function startThread(s) {
  const res = await s.request("thread/start", { cwd: REPO_ROOT });
  const thread = expectResult(res, "thread/start").thread;
  if (typeof thread?.id !== "string") throw new Error(`thread/start returned no thread id: ${JSON.stringify(res.msg.result).slice(0, 200)}`);
  return { id: thread.id, ms: res.ms };
}

async function startTurn(s, threadId, text) {
  const res = await s.request("turn/start", { threadId, input: [{ type: "text", text }] });
  const turn = expectResult(res, "turn/start").turn;
  if (turn?.status !== "inProgress") throw new Error(`turn/start answered ${JSON.stringify(res.msg.result).slice(0, 200)}`);
  return { turn, ms: res.ms };
}

/**
 * Follows the v2 stream of the threads in `ids`: item/agentMessage/delta counted and kept per
 * thread, the agentMessage item/completed text, and turn/completed. `done` resolves with the
 * arrival time of the last turn/completed; it rejects if the server exits first.
 */
function followTurns(s, ids) {
  const per = new Map([...ids].map((id) => [id, { deltas: 0, parts: [], itemText: null, status: null, at: null }]));
  let left = per.size;
  let resolveDone;
  let rejectDone;
  const done = new Promise((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {}); // awaited by the caller; this only keeps an early failure from going unhandled
  s.on("item/agentMessage/delta", (p) => {
    const t = per.get(p.threadId);
    if (!t) return;
    t.deltas++;
    t.parts.push(p.delta);
  });
  s.on("item/completed", (p) => {
    const t = per.get(p.threadId);
    if (t && p.item?.type === "agentMessage") t.itemText = p.item.text;
  });
  s.on("turn/completed", (p, at) => {
    const t = per.get(p.threadId);
    if (!t || t.status) return;
    t.status = p.turn?.status ?? "missing";
    t.at = at;
    if (--left === 0) resolveDone(at);
  });
  s.on("__exit__", { fn: () => {}, onExit: (why) => rejectDone(new Error(why)) });
  /** Whether every thread got exactly `count` deltas of `delta`, whole text, status completed. */
  const check = (count, delta) => {
    const expected = delta.repeat(count);
    for (const [id, t] of per) {
      const text = t.parts.join("");
      const problem =
        t.status !== "completed"
          ? `turn/completed status ${t.status}`
          : t.deltas !== count
            ? `${t.deltas} item/agentMessage/delta, expected ${count}`
            : text !== expected
              ? `delta text of ${text.length} chars, expected ${expected.length}`
              : t.itemText !== expected
                ? `agentMessage item text of ${t.itemText?.length ?? "no"} chars, expected ${expected.length}`
                : null;
      if (problem) return { whole: false, problem: `thread ${id}: ${problem}` };
    }
    return { whole: true, problem: null };
  };
  return { done, per, check, deltas: () => [...per.values()].reduce((a, t) => a + t.deltas, 0) };
}

/** After initialize: `calls` sequential thread/start requests, each timed write → reply. */
async function timeThreadStarts(target, fake, calls) {
  const s = open(target, fake);
  try {
    await s.initialize();
    const ms = [];
    for (let i = 0; i < calls; i++) ms.push((await startThread(s)).ms);
    const done = await closeCleanly(target, s);
    return { ms, ...summarize(ms), first: ms[0], stderr: done.stderrTail };
  } finally {
    await s.close();
  }
}

/** One thread, one turn of `count` deltas: turn/start written → turn/completed arrived. */
async function timeTurn(target, fake, count) {
  const s = open(target, fake);
  try {
    await s.initialize();
    const thread = await startThread(s);
    const follow = followTurns(s, [thread.id]);
    fake.respondWith({ count, delta: DELTA });
    const sent = performance.now();
    const started = await startTurn(s, thread.id, "stream");
    const ms = (await follow.done) - sent;
    const peakKiB = s.peakRssKiB();
    const t = follow.per.get(thread.id);
    const done = await closeCleanly(target, s);
    return { ms, turnStartMs: started.ms, deltas: t.deltas, ...follow.check(count, DELTA), peakMiB: peakKiB / 1024, lines: s.lines(), stderr: done.stderrTail };
  } finally {
    await s.close();
  }
}

/** `count` threads at once: all thread/start, then all turn/start; wall time to the last turn/completed. */
async function timeConcurrent(target, fake, count) {
  const s = open(target, fake);
  try {
    await s.initialize();
    fake.respondWith(CONCURRENT_TURN);
    const t0 = performance.now();
    const threads = await Promise.all(Array.from({ length: count }, () => startThread(s)));
    const created = performance.now();
    const follow = followTurns(s, threads.map((t) => t.id));
    await Promise.all(threads.map((t) => startTurn(s, t.id, "go")));
    const last = await follow.done;
    const peakKiB = s.peakRssKiB();
    const done = await closeCleanly(target, s);
    return { ms: last - t0, createMs: created - t0, peakMiB: peakKiB / 1024, ...follow.check(CONCURRENT_TURN.count, CONCURRENT_TURN.delta), stderr: done.stderrTail };
  } finally {
    await s.close();
  }
}

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
    const threads = await Promise.all(Array.from({ length: count }, () => startThread(s)));
    // Baseline: the same probe on the idle server, one at a time.
    const idle = [];
    for (let i = 0; i < IDLE_PROBES; i++) {
      const res = await s.request("getUserAgent");
      expectResult(res, "getUserAgent");
      idle.push(res.ms);
    }
    const follow = followTurns(s, threads.map((t) => t.id));
    let streaming = true;
    const ended = follow.done.then((at) => ((streaming = false), at));
    ended.catch(() => {});
    const firstDelta = s.waitFor("item/agentMessage/delta");
    firstDelta.catch(() => {});
    const t0 = performance.now();
    // Probing starts at the first delta, not once every turn/start is answered: those replies wait
    // behind the streams as well (their latest is reported beside the probes).
    const turnStarts = threads.map((t) => startTurn(s, t.id, "stream"));
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

// ---------------------------------------------------------------------------------------------
// Report.

function report(ctx, { runs, withReference, ours, fake, blackhole, results }) {
  const o = results.ours;
  const ref = results.reference;
  const t10 = o.turns[10_000];
  const t50 = o.turns[50_000];
  const ts = { median: medianOf(o.threadStart, "median"), p90: medianOf(o.threadStart, "p90"), first: medianOf(o.threadStart, "first") };
  const turn10 = summarize(t10.map((s) => s.ms));
  const turn50 = summarize(t50.map((s) => s.ms));
  const per1k10 = turn10.median / 10;
  const per1k50 = turn50.median / 50;
  const growth = per1k50 / per1k10;
  const conc = summarize(o.concurrent.map((s) => s.ms));
  const concMiB = summarize(o.concurrent.map((s) => s.peakMiB));
  const pooled = o.probe.flatMap((s) => s.probes);
  const probe = { ...summarize(pooled), max: Math.max(...pooled), runMedian: medianOf(o.probe, "median"), runMax: medianOf(o.probe, "max") };
  const probeStream = summarize(o.probe.map((s) => s.streamMs));
  const probeMiB = summarize(o.probe.map((s) => s.peakMiB));

  console.log(`== v2 threads and turns (median of runs; a fresh server and CODEX_HOME per run, after 1 warm-up) ==`);
  console.log(`ours:      node ${ours.args.slice(0, -1).map((a) => `${a} `).join("")}bin/codex-app-server.js (node ${process.version})`);
  console.log(`model:     plain-JS fake Responses API on ${fake.url}, 1,000 SSE events per write; approval_policy "never"`);
  console.log(`client:    reads and JSON-parses every stdout line; times run from writing the request line`);
  console.log(`peak RSS:  /proc/<pid>/status VmHWM of the server, read after the last turn/completed, before stdin closes`);
  if (process.env.BENCH_CPU_PROF) console.log(`profiling: --cpu-prof into ${path.resolve(process.env.BENCH_CPU_PROF)} (figures include its overhead)`);
  console.log("");

  const header = ["measure", "runs", "ours (median / p90)", "per 1k deltas", "peak RSS", ...(ref ? ["reference (measured)"] : []), "target", "", "reference (issue)"];
  const refCell = (text) => (ref ? [text] : []);
  const rows = [
    [
      `thread/start, ${THREAD_START_CALLS} sequential (median / p90 of each run)`,
      o.threadStart.length,
      `${ms1(ts.median)} / ${ms1(ts.p90)} ms`,
      "",
      "",
      ...refCell(ref ? `${ms0(medianOf(ref.threadStart, "median"))} / ${ms0(medianOf(ref.threadStart, "p90"))} ms (${REFERENCE_THREAD_START_CALLS} calls × ${ref.runs})` : ""),
      `≤ ${TARGETS.threadStartMs} ms`,
      verdict(ts.median <= TARGETS.threadStartMs),
      ISSUE_REFERENCE.threadStart,
    ],
    ["  first thread/start of the process", o.threadStart.length, `${ms1(ts.first)} ms`, "", "", ...refCell(ref ? `${ms0(medianOf(ref.threadStart, "first"))} ms` : ""), "", "", ""],
    [
      "turn of 10,000 deltas: turn/start → turn/completed",
      t10.length,
      `${ms0(turn10.median)} / ${ms0(turn10.p90)} ms`,
      `${ms1(per1k10)} ms`,
      mib(summarize(t10.map((s) => s.peakMiB)).median),
      ...refCell(ref ? `${ms0(summarize(ref.turn10k.map((s) => s.ms)).median)} ms (${ref.runs} runs)` : ""),
      `≤ ${TARGETS.turn10kMs} ms`,
      verdict(turn10.median <= TARGETS.turn10kMs),
      "",
    ],
    [
      "turn of 50,000 deltas: turn/start → turn/completed",
      t50.length,
      `${ms0(turn50.median)} / ${ms0(turn50.p90)} ms`,
      `${ms1(per1k50)} ms`,
      mib(summarize(t50.map((s) => s.peakMiB)).median),
      ...refCell("not run"),
      `≤ ${TARGETS.turn50kMs} ms`,
      verdict(turn50.median <= TARGETS.turn50kMs),
      "",
    ],
    ["  growth: per-1k cost at 50k / at 10k", "", `${growth.toFixed(2)} ×`, "", "", ...refCell(""), `≤ ${TARGETS.linearSlack} × (linear)`, verdict(growth <= TARGETS.linearSlack), ""],
    [
      `${CONCURRENT} threads at once, thread/start + one turn: wall time`,
      o.concurrent.length,
      `${ms0(conc.median)} / ${ms0(conc.p90)} ms`,
      "",
      "",
      ...refCell("not run"),
      `≤ ${TARGETS.concurrentMs} ms`,
      verdict(conc.median <= TARGETS.concurrentMs),
      "",
    ],
    [
      `  ${CONCURRENT} at once: server peak RSS`,
      o.concurrent.length,
      "",
      "",
      `${concMiB.median.toFixed(1)} / ${concMiB.p90.toFixed(1)} MiB`,
      ...refCell("not run"),
      `≤ ${TARGETS.concurrentMiB} MiB`,
      verdict(concMiB.median <= TARGETS.concurrentMiB),
      "",
    ],
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
  printTable(header, rows, ["l", "r", "r", "r", "r", ...(ref ? ["r"] : []), "l", "l", "r"]);

  console.log("");
  const checked = [...t10, ...t50];
  console.log(
    `deltas checked: ${checked.filter((s) => s.whole).length} of ${checked.length} turns delivered exactly N item/agentMessage/delta ` +
      `with the whole text (deltas and agentMessage item), status completed (stdout lines per 10k turn: ${summarize(t10.map((s) => s.lines)).median}; ` +
      `turn/start reply ${ms1(summarize(checked.map((s) => s.turnStartMs)).median)} ms median)`,
  );
  console.log(
    `${CONCURRENT} at once: all ${CONCURRENT} thread/start replies after ${ms0(summarize(o.concurrent.map((s) => s.createMs)).median)} ms (median); ` +
      `${o.concurrent.filter((s) => s.whole).length} of ${o.concurrent.length} runs had every turn whole and completed`,
  );
  console.log(
    `probes: ${pooled.length} getUserAgent in ${o.probe.length} runs, one sent every ${PROBE_GAP_MS} ms from the first delta to the last turn/completed ` +
      `(${o.probe.reduce((a, s) => a + s.late, 0)} answered after it); streaming lasted ${ms0(probeStream.median)} ms (median) for ` +
      `${fmtInt(CONCURRENT * PROBE_TURN_DELTAS)} deltas; on the idle server before the turns ${ms1(medianOf(o.probe, "idleMs"))} ms; slowest turn/start reply ${ms0(medianOf(o.probe, "turnStartMaxMs"))} ms (median); ` +
      `${o.probe.filter((s) => s.whole).length} of ${o.probe.length} runs whole`,
  );
  console.log(`fake model requests: ${JSON.stringify(fake.counts())}`);
  for (const line of errorLines(results)) console.log(line);
  if (ref) {
    console.log(`reference: ${ctx.reference.command} app-server (${ctx.reference.version}); its proxy pinned to a local listener that refused ${blackhole.attempts()} connection(s)`);
  } else if (withReference) {
    console.log(`reference: not installed (${REFERENCE_INSTALL_HINT}); BENCH_REFERENCE_CONVERSATIONS=1 had nothing to run`);
  } else {
    console.log(`reference: thread/start figure from the issue (codex-cli 0.90.0); BENCH_REFERENCE_CONVERSATIONS=1 measures figure 1 and the 10k turn (minutes)`);
  }
  console.log(`runs: ${runs} per figure (BENCH_RUNS; default ${DEFAULT_RUNS}); 50k turn capped at ${CAPS.deltas50k}, reference at ${CAPS.reference}`);
  console.log("");

  ctx.json({
    runs,
    medians: {
      threadStartMs: ts.median,
      threadStartP90Ms: ts.p90,
      firstThreadStartMs: ts.first,
      turn10kMs: turn10.median,
      turn50kMs: turn50.median,
      per1kDeltas10kMs: per1k10,
      per1kDeltas50kMs: per1k50,
      growth,
      turn10kPeakMiB: summarize(t10.map((s) => s.peakMiB)).median,
      turn50kPeakMiB: summarize(t50.map((s) => s.peakMiB)).median,
      concurrentMs: conc.median,
      concurrentPeakMiB: concMiB.median,
      probeMedianMs: probe.median,
      probeP90Ms: probe.p90,
      probeMaxMs: probe.max,
      probeRunMaxMedianMs: probe.runMax,
      probeCount: pooled.length,
      probeStreamMs: probeStream.median,
      probeTurnStartMaxMs: medianOf(o.probe, "turnStartMaxMs"),
      probeIdleMs: medianOf(o.probe, "idleMs"),
      probePeakMiB: probeMiB.median,
    },
    reference: ref
      ? { runs: ref.runs, threadStartMs: medianOf(ref.threadStart, "median"), turn10kMs: summarize(ref.turn10k.map((s) => s.ms)).median }
      : null,
    targets: TARGETS,
    fakeModelRequests: fake.counts(),
  });
}

function medianOf(samples, key) {
  return summarize(samples.map((s) => s[key])).median;
}

/** Error-level stderr records of our runs (and the reference's), each with how many runs had it. */
function errorLines(results) {
  const lines = [];
  for (const [who, r] of Object.entries(results)) {
    if (!r) continue;
    const all = [r.threadStart, ...Object.values(r.turns ?? {}), r.turn10k, r.concurrent, r.probe].filter(Boolean).flat();
    const seen = new Map();
    for (const s of all) for (const e of new Set(loggedErrors(s.stderr ?? ""))) seen.set(e, (seen.get(e) ?? 0) + 1);
    for (const [msg, n] of seen) lines.push(`stderr error: ${who} in ${n} of ${all.length} runs: ${msg.slice(0, 200)}`);
  }
  return lines;
}

const verdict = (ok) => (ok ? "ok" : "MISSED");
const ms0 = (v) => v.toFixed(0);
const ms1 = (v) => v.toFixed(1);
const mib = (v) => `${v.toFixed(1)} MiB`;
const fmtInt = (v) => v.toLocaleString("en-US");
