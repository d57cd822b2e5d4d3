// Shared drivers for the conversation benches (bench/conversation.mjs, v1; bench/v2.mjs, v2): the
// same figures — creation latency, one long streamed turn (10,000 and 50,000 deltas), 20
// conversations driven at once — and the same report, through a protocol "face" that says how to
// create a conversation, start a turn, and recognise its delta and turn-end notifications.
//
// A face:
//   name, title, key ("newConversation" | "threadStart": result and JSON key), createMethod,
//   turnLabel ("sendUserMessage → task_complete"), concurrentLabel, endLabel, issueNote,
//   create(s) → { id, ms }; listen?(s, ids); startTurn(s, id, text) → { ms };
//   stream: { delta: [method, p → { id, text }], end: [method, p → { id, status }], item?: [method, p → { id, text } | null] },
//   checkAll (also check the concurrent and extra figures), failureMessage(sample),
//   extraFigures?: [{ key, measure(target, fake) }], extraRows?(o, refCell), notes(o, t10, t50), extraMedians?(o), growthInJson
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  closeCleanly,
  FAKE_PROVIDER_ENV,
  fakeProviderToml,
  loggedErrors,
  printTable,
  profiledOursTarget,
  progress,
  REFERENCE_INSTALL_HINT,
  repeat,
  startFakeResponses,
  startRefusingProxy,
  startRpcSession,
  summarize,
} from "./lib.mjs";

export const DEFAULT_RUNS = 5;
// Upper bounds on runs for the figures that take long; BENCH_RUNS above them is cut to them.
export const CAPS = { deltas50k: 5, reference: 3 };
export const CREATE_CALLS = 20;
export const REFERENCE_CREATE_CALLS = 5; // ~3 s each on the reference
export const CONCURRENT = 20;
export const CONCURRENT_TURN = { count: 5, delta: "word " };
export const DELTA = "tok ";
export const DELTA_COUNTS = [10_000, 50_000];

// A process that outlives this is killed and the bench fails: ours should need seconds at most;
// the reference needs ~15 s for a 10k turn and ~3 s per conversation created.
const TIMEOUT_MS = { ours: 180_000, reference: 600_000 };

export function open(target, fake) {
  return startRpcSession(target, {
    configToml: fakeProviderToml(fake.url),
    env: { ...FAKE_PROVIDER_ENV, ...target.env },
    timeoutMs: TIMEOUT_MS[target.key] ?? TIMEOUT_MS.reference,
  });
}

/** Runs every figure of `face` and prints its section; `targets` and `issue` are printed beside them. */
export async function runBench(ctx, face, { targets, issue }) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const withReference = process.env.BENCH_REFERENCE_CONVERSATIONS === "1";
  const ours = profiledOursTarget();
  const fake = await startFakeResponses();
  const blackhole = withReference && ctx.reference ? await startRefusingProxy() : null;

  const results = { ours: {}, reference: null };
  try {
    // Warm-up (discarded): fills the V8 code cache and the page cache.
    await timeTurn(face, ours, fake, 100);
    progress(`[${face.name}] warm-up done `);

    results.ours[face.key] = await repeat(runs, () => timeCreates(face, ours, fake, CREATE_CALLS));
    const turns = Object.fromEntries(DELTA_COUNTS.map((n) => [n, []]));
    for (let i = 0; i < runs; i++) {
      for (const n of DELTA_COUNTS) {
        if (n === 50_000 && i >= CAPS.deltas50k) continue;
        turns[n].push(await timeTurn(face, ours, fake, n));
        progress(".");
      }
    }
    results.ours.turns = turns;
    results.ours.concurrent = await repeat(runs, () => timeConcurrent(face, ours, fake, CONCURRENT));
    for (const fig of face.extraFigures ?? []) results.ours[fig.key] = await repeat(runs, () => fig.measure(ours, fake));

    if (withReference && ctx.reference) {
      const ref = { ...ctx.reference, env: blackhole.env };
      const refRuns = Math.min(runs, CAPS.reference);
      progress(" [reference, slow] ");
      results.reference = {
        runs: refRuns,
        [face.key]: await repeat(refRuns, () => timeCreates(face, ref, fake, REFERENCE_CREATE_CALLS)),
        turn10k: await repeat(refRuns, () => timeTurn(face, ref, fake, 10_000)),
      };
    }
  } finally {
    progress("\n");
    await fake.close();
    await blackhole?.close();
  }

  const o = results.ours;
  const checked = [...Object.values(o.turns).flat(), ...(results.reference?.turn10k ?? [])];
  if (face.checkAll) checked.push(...o.concurrent, ...(face.extraFigures ?? []).flatMap((fig) => o[fig.key]));
  const failures = checked.filter((s) => !s.whole);

  report(ctx, face, { runs, withReference, ours, fake, blackhole, results, targets, issue });
  if (failures.length) throw new Error(face.failureMessage(failures[0]));
}

// ---------------------------------------------------------------------------------------------
// The measurements. Each runs in its own fresh server process and CODEX_HOME.

/**
 * Follows the stream of the conversations in `ids`: deltas counted and kept per conversation, the
 * completed message item's text (when the face has one), and the turn end. `done` resolves with the
 * arrival time of the last turn end; it rejects if the server exits first.
 */
export function followTurns(face, s, ids) {
  const per = new Map([...ids].map((id) => [id, { deltas: 0, chars: 0, parts: [], itemText: null, status: null, at: null }]));
  let left = per.size;
  let resolveDone;
  let rejectDone;
  const done = new Promise((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {}); // awaited by the caller; this only keeps an early failure from going unhandled
  const [deltaMethod, deltaOf] = face.stream.delta;
  s.on(deltaMethod, (p) => {
    const d = deltaOf(p);
    const t = per.get(d.id);
    if (!t) return;
    t.deltas++;
    t.chars += d.text.length;
    t.parts.push(d.text);
  });
  if (face.stream.item) {
    const [itemMethod, itemOf] = face.stream.item;
    s.on(itemMethod, (p) => {
      const item = itemOf(p);
      const t = item && per.get(item.id);
      if (t) t.itemText = item.text;
    });
  }
  const [endMethod, endOf] = face.stream.end;
  s.on(endMethod, (p, at) => {
    const e = endOf(p);
    const t = per.get(e.id);
    if (!t || t.status) return;
    t.status = e.status;
    t.at = at;
    if (--left === 0) resolveDone(at);
  });
  s.on("__exit__", { fn: () => {}, onExit: (why) => rejectDone(new Error(why)) });
  /** Whether every conversation got exactly `count` deltas of `delta`, whole text, status completed. */
  const check = (count, delta) => {
    const expected = delta.repeat(count);
    for (const [id, t] of per) {
      const text = t.parts.join("");
      const problem =
        t.status !== "completed"
          ? `${endMethod} status ${t.status}`
          : t.deltas !== count
            ? `${t.deltas} ${deltaMethod}, expected ${count}`
            : text !== expected
              ? `delta text of ${text.length} chars, expected ${expected.length}`
              : face.stream.item && t.itemText !== expected
                ? `agentMessage item text of ${t.itemText?.length ?? "no"} chars, expected ${expected.length}`
                : null;
      if (problem) return { whole: false, problem: `${face.idLabel} ${id}: ${problem}` };
    }
    return { whole: true, problem: null };
  };
  return { done, per, check, deltas: () => [...per.values()].reduce((a, t) => a + t.deltas, 0) };
}

/** After initialize: `calls` sequential creations, each timed write → reply. */
async function timeCreates(face, target, fake, calls) {
  const s = open(target, fake);
  try {
    await s.initialize();
    const ms = [];
    for (let i = 0; i < calls; i++) ms.push((await face.create(s)).ms);
    const done = await closeCleanly(target, s);
    return { ms, ...summarize(ms), first: ms[0], stderr: done.stderrTail };
  } finally {
    await s.close();
  }
}

/** One conversation, one turn of `count` deltas: turn start written → turn end arrived. */
async function timeTurn(face, target, fake, count) {
  const s = open(target, fake);
  try {
    await s.initialize();
    const conv = await face.create(s);
    await face.listen?.(s, [conv.id]);
    const follow = followTurns(face, s, [conv.id]);
    fake.respondWith({ count, delta: DELTA });
    const sent = performance.now();
    const started = await face.startTurn(s, conv.id, "stream");
    const ms = (await follow.done) - sent;
    const peakKiB = s.peakRssKiB();
    const t = follow.per.get(conv.id);
    const done = await closeCleanly(target, s);
    return {
      ms,
      turnStartMs: started.ms,
      deltas: t.deltas,
      chars: t.chars,
      expected: count,
      ...follow.check(count, DELTA),
      peakMiB: peakKiB / 1024,
      lines: s.lines(),
      stderr: done.stderrTail,
    };
  } finally {
    await s.close();
  }
}

/** `count` conversations at once: all created, then all turns started; wall time to the last turn end. */
async function timeConcurrent(face, target, fake, count) {
  const s = open(target, fake);
  try {
    await s.initialize();
    fake.respondWith(CONCURRENT_TURN);
    const t0 = performance.now();
    const convs = await Promise.all(Array.from({ length: count }, () => face.create(s)));
    const created = performance.now();
    const ids = convs.map((c) => c.id);
    const follow = followTurns(face, s, ids);
    await face.listen?.(s, ids);
    await Promise.all(ids.map((id) => face.startTurn(s, id, "go")));
    const last = await follow.done;
    const peakKiB = s.peakRssKiB();
    const done = await closeCleanly(target, s);
    return { ms: last - t0, createMs: created - t0, peakMiB: peakKiB / 1024, ...follow.check(CONCURRENT_TURN.count, CONCURRENT_TURN.delta), stderr: done.stderrTail };
  } finally {
    await s.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report.

function report(ctx, face, { runs, withReference, ours, fake, blackhole, results, targets, issue }) {
  const o = results.ours;
  const ref = results.reference;
  const k = face.key;
  const K = k[0].toUpperCase() + k.slice(1);
  const t10 = o.turns[10_000];
  const t50 = o.turns[50_000];
  const cr = { median: medianOf(o[k], "median"), p90: medianOf(o[k], "p90"), first: medianOf(o[k], "first") };
  const turn10 = summarize(t10.map((s) => s.ms));
  const turn50 = summarize(t50.map((s) => s.ms));
  const per1k10 = turn10.median / 10;
  const per1k50 = turn50.median / 50;
  const growth = per1k50 / per1k10;
  const conc = summarize(o.concurrent.map((s) => s.ms));
  const concMiB = summarize(o.concurrent.map((s) => s.peakMiB));

  console.log(`== ${face.title} (median of runs; a fresh server and CODEX_HOME per run, after 1 warm-up) ==`);
  console.log(`ours:      node ${ours.args.slice(0, -1).map((a) => `${a} `).join("")}bin/codex-app-server.js (node ${process.version})`);
  console.log(`model:     plain-JS fake Responses API on ${fake.url}, 1,000 SSE events per write; approval_policy "never"`);
  console.log(`client:    reads and JSON-parses every stdout line; times run from writing the request line`);
  console.log(`peak RSS:  /proc/<pid>/status VmHWM of the server, read after the last ${face.endLabel}, before stdin closes`);
  if (process.env.BENCH_CPU_PROF) console.log(`profiling: --cpu-prof into ${path.resolve(process.env.BENCH_CPU_PROF)} (figures include its overhead)`);
  console.log("");

  const header = ["measure", "runs", "ours (median / p90)", "per 1k deltas", "peak RSS", ...(ref ? ["reference (measured)"] : []), "target", "", "reference (issue)"];
  const refCell = (text) => (ref ? [text] : []);
  const turnRow = (n, samples, s, per1k, refText) => [
    `turn of ${fmtInt(n)} deltas: ${face.turnLabel}`,
    samples.length,
    `${ms0(s.median)} / ${ms0(s.p90)} ms`,
    `${ms1(per1k)} ms`,
    mib(summarize(samples.map((x) => x.peakMiB)).median),
    ...refCell(refText),
    `≤ ${targets[`turn${n / 1000}kMs`]} ms`,
    verdict(s.median <= targets[`turn${n / 1000}kMs`]),
    issue[`turn${n / 1000}k`] ?? "",
  ];
  const rows = [
    [
      `${face.createMethod}, ${CREATE_CALLS} sequential (median / p90 of each run)`,
      o[k].length,
      `${ms1(cr.median)} / ${ms1(cr.p90)} ms`,
      "",
      "",
      ...refCell(ref ? `${ms0(medianOf(ref[k], "median"))} / ${ms0(medianOf(ref[k], "p90"))} ms (${REFERENCE_CREATE_CALLS} calls × ${ref.runs})` : ""),
      `≤ ${targets[`${k}Ms`]} ms`,
      verdict(cr.median <= targets[`${k}Ms`]),
      issue[k] ?? "",
    ],
    [`  first ${face.createMethod} of the process`, o[k].length, `${ms1(cr.first)} ms`, "", "", ...refCell(ref ? `${ms0(medianOf(ref[k], "first"))} ms` : ""), "", "", ""],
    turnRow(10_000, t10, turn10, per1k10, ref ? `${ms0(summarize(ref.turn10k.map((s) => s.ms)).median)} ms (${ref.runs} runs)` : ""),
    turnRow(50_000, t50, turn50, per1k50, "not run"),
    ["  growth: per-1k cost at 50k / at 10k", "", `${growth.toFixed(2)} ×`, "", "", ...refCell(""), `≤ ${targets.linearSlack} × (linear)`, verdict(per1k50 <= per1k10 * targets.linearSlack), ""],
    [
      `${CONCURRENT} ${face.concurrentLabel}: wall time`,
      o.concurrent.length,
      `${ms0(conc.median)} / ${ms0(conc.p90)} ms`,
      "",
      "",
      ...refCell("not run"),
      `≤ ${targets.concurrentMs} ms`,
      verdict(conc.median <= targets.concurrentMs),
      issue.concurrent ?? "",
    ],
    [
      `  ${CONCURRENT} at once: server peak RSS`,
      o.concurrent.length,
      "",
      "",
      `${concMiB.median.toFixed(1)} / ${concMiB.p90.toFixed(1)} MiB`,
      ...refCell("not run"),
      `≤ ${targets.concurrentMiB} MiB`,
      verdict(concMiB.median <= targets.concurrentMiB),
      issue.concurrentMiB ?? "",
    ],
    ...(face.extraRows?.(o, refCell) ?? []),
  ];
  printTable(header, rows, ["l", "r", "r", "r", "r", ...(ref ? ["r"] : []), "l", "l", "r"]);

  console.log("");
  for (const line of face.notes(o, t10, t50)) console.log(line);
  console.log(`fake model requests: ${JSON.stringify(fake.counts())}`);
  for (const line of errorLines(face, results)) console.log(line);
  if (ref) {
    console.log(`reference: ${ctx.reference.command} app-server (${ctx.reference.version}); its proxy pinned to a local listener that refused ${blackhole.attempts()} connection(s)`);
  } else if (withReference) {
    console.log(`reference: not installed (${REFERENCE_INSTALL_HINT}); BENCH_REFERENCE_CONVERSATIONS=1 had nothing to run`);
  } else {
    console.log(`reference: ${face.issueNote} from the issue (codex-cli 0.90.0); BENCH_REFERENCE_CONVERSATIONS=1 measures figure 1 and the 10k turn (minutes)`);
  }
  console.log(`runs: ${runs} per figure (BENCH_RUNS; default ${DEFAULT_RUNS}); 50k turn capped at ${CAPS.deltas50k}, reference at ${CAPS.reference}`);
  console.log("");

  ctx.json({
    runs,
    medians: {
      [`${k}Ms`]: cr.median,
      [`${k}P90Ms`]: cr.p90,
      [`first${K}Ms`]: cr.first,
      turn10kMs: turn10.median,
      turn50kMs: turn50.median,
      per1kDeltas10kMs: per1k10,
      per1kDeltas50kMs: per1k50,
      ...(face.growthInJson ? { growth } : {}),
      turn10kPeakMiB: summarize(t10.map((s) => s.peakMiB)).median,
      turn50kPeakMiB: summarize(t50.map((s) => s.peakMiB)).median,
      concurrentMs: conc.median,
      concurrentPeakMiB: concMiB.median,
      ...(face.extraMedians?.(o) ?? {}),
    },
    reference: ref ? { runs: ref.runs, [`${k}Ms`]: medianOf(ref[k], "median"), turn10kMs: summarize(ref.turn10k.map((s) => s.ms)).median } : null,
    targets,
    fakeModelRequests: fake.counts(),
  });
}

export function medianOf(samples, key) {
  return summarize(samples.map((s) => s[key])).median;
}

/** Error-level stderr records of our runs (and the reference's), each with how many runs had it. */
function errorLines(face, results) {
  const lines = [];
  for (const [who, r] of Object.entries(results)) {
    if (!r) continue;
    const extra = (face.extraFigures ?? []).map((fig) => r[fig.key]);
    const all = [r[face.key], ...Object.values(r.turns ?? {}), r.turn10k, r.concurrent, ...extra].filter(Boolean).flat();
    const seen = new Map();
    for (const s of all) for (const e of new Set(loggedErrors(s.stderr ?? ""))) seen.set(e, (seen.get(e) ?? 0) + 1);
    for (const [msg, n] of seen) lines.push(`stderr error: ${who} in ${n} of ${all.length} runs: ${msg.slice(0, 200)}`);
  }
  return lines;
}

export const verdict = (ok) => (ok ? "ok" : "MISSED");
export const ms0 = (v) => v.toFixed(0);
export const ms1 = (v) => v.toFixed(1);
export const mib = (v) => `${v.toFixed(1)} MiB`;
export const fmtInt = (v) => v.toLocaleString("en-US");
