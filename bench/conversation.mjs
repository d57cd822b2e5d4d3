// Conversation bench: what an IDE feels once the server is up — newConversation latency, one long
// streamed turn (10,000 and 50,000 text deltas), and 20 conversations driven at once — against a
// plain-JS fake Responses API on 127.0.0.1 (bench/lib.mjs). The client reads and JSON-parses every
// stdout line, as an IDE does.
//   BENCH_RUNS=N                       runs per figure (default 5 here; slow figures capped, see CAPS)
//   BENCH_REFERENCE_CONVERSATIONS=1    also run the reference for figure 1 and the 10k turn (minutes)
//   BENCH_CPU_PROF=DIR                 run our server under node --cpu-prof, profiles written to DIR
import path from "node:path";
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
  startFakeResponses,
  startRefusingProxy,
  startRpcSession,
  summarize,
} from "./lib.mjs";

export const name = "conversation";

const DEFAULT_RUNS = 5;
// Upper bounds on runs for the figures that take long; BENCH_RUNS above them is cut to them.
const CAPS = { deltas50k: 5, reference: 3 };
const NEW_CONVERSATION_CALLS = 20;
const REFERENCE_NEW_CONVERSATION_CALLS = 5; // ~3 s each on the reference
const CONCURRENT = 20;
const CONCURRENT_TURN = { count: 5, delta: "word " };
const DELTA = "tok ";
const DELTA_COUNTS = [10_000, 50_000];

// Printed beside the figures; a miss is reported, never fatal.
const TARGETS = {
  newConversationMs: 20,
  turn10kMs: 500,
  turn50kMs: 2000,
  // "linear growth": the cost per 1,000 deltas at 50k may not exceed the cost at 10k by more than this.
  linearSlack: 1.25,
  concurrentMs: 1000,
  concurrentMiB: 90,
};

// From the issue (codex-cli 0.90.0), printed as context; not measured here unless asked.
const ISSUE_REFERENCE = {
  newConversation: "~3 s",
  turn10k: "15 s",
  turn50k: "107 s",
  concurrent: "64 s",
  concurrentMiB: "57 MiB",
};

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const withReference = process.env.BENCH_REFERENCE_CONVERSATIONS === "1";
  const ours = profiledOursTarget();
  const fake = await startFakeResponses();
  const blackhole = withReference && ctx.reference ? await startRefusingProxy() : null;

  const results = { ours: {}, reference: null };
  const failures = [];
  try {
    // Warm-up (discarded): fills the V8 code cache and the page cache for both process kinds.
    await timeTurn(ours, fake, 100);
    progress("[conversation] warm-up done ");

    results.ours.newConversation = await repeat(runs, () => timeNewConversations(ours, fake, NEW_CONVERSATION_CALLS));
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

    if (withReference && ctx.reference) {
      const ref = { ...ctx.reference, env: blackhole.env };
      const refRuns = Math.min(runs, CAPS.reference);
      progress(" [reference, slow] ");
      results.reference = {
        runs: refRuns,
        newConversation: await repeat(refRuns, () => timeNewConversations(ref, fake, REFERENCE_NEW_CONVERSATION_CALLS)),
        turn10k: await repeat(refRuns, () => timeTurn(ref, fake, 10_000)),
      };
    }
  } finally {
    progress("\n");
    await fake.close();
    await blackhole?.close();
  }

  for (const [n, samples] of Object.entries(results.ours.turns)) {
    for (const s of samples) if (s.deltas !== Number(n) || s.chars !== Number(n) * DELTA.length) failures.push(s);
  }
  for (const s of results.reference?.turn10k ?? []) if (s.deltas !== 10_000) failures.push(s);

  report(ctx, { runs, withReference, ours, fake, blackhole, results });
  if (failures.length) {
    const f = failures[0];
    throw new Error(`a turn delivered the wrong deltas (${f.deltas} agent_message_delta, ${f.chars} chars; expected ${f.expected})`);
  }
}



// ---------------------------------------------------------------------------------------------
// The three measurements. Each runs in its own fresh server process and CODEX_HOME.

// A process that outlives this is killed and the bench fails: ours should need seconds at most;
// the reference needs ~15 s for a 10k turn and ~3 s per newConversation.
const TIMEOUT_MS = { ours: 180_000, reference: 600_000 };

function open(target, fake) {
  return startRpcSession(target, {
    configToml: fakeProviderToml(fake.url),
    env: { ...FAKE_PROVIDER_ENV, ...target.env },
    timeoutMs: TIMEOUT_MS[target.key] ?? TIMEOUT_MS.reference,
  });
}

/** After initialize: `calls` sequential newConversation requests, each timed write → reply. */
async function timeNewConversations(target, fake, calls) {
  const s = open(target, fake);
  try {
    await s.initialize();
    const ms = [];
    for (let i = 0; i < calls; i++) {
      const res = await s.request("newConversation", { cwd: REPO_ROOT });
      expectResult(res, "newConversation");
      ms.push(res.ms);
    }
    const done = await closeCleanly(target, s);
    return { ms, ...summarize(ms), first: ms[0], stderr: done.stderrTail };
  } finally {
    await s.close();
  }
}

/** One conversation, one turn of `count` deltas: sendUserMessage written → task_complete arrived. */
async function timeTurn(target, fake, count) {
  const s = open(target, fake);
  try {
    await s.initialize();
    const conv = expectResult(await s.request("newConversation", { cwd: REPO_ROOT }), "newConversation");
    expectResult(await s.request("addConversationListener", { conversationId: conv.conversationId }), "addConversationListener");
    let deltas = 0;
    let chars = 0;
    s.on("codex/event/agent_message_delta", (p) => {
      deltas++;
      chars += p.msg.delta.length;
    });
    fake.respondWith({ count, delta: DELTA });
    const complete = s.waitFor("codex/event/task_complete", (p) => p.conversationId === conv.conversationId);
    complete.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const sent = performance.now();
    expectResult(await s.request("sendUserMessage", userMessage(conv.conversationId, "stream")), "sendUserMessage");
    const ms = (await complete) - sent;
    const peakKiB = s.peakRssKiB();
    const done = await closeCleanly(target, s);
    return { ms, deltas, chars, expected: count, peakMiB: peakKiB / 1024, lines: s.lines(), stderr: done.stderrTail };
  } finally {
    await s.close();
  }
}

/** `count` conversations at once: all newConversation, all listeners, all sendUserMessage; wall time. */
async function timeConcurrent(target, fake, count) {
  const s = open(target, fake);
  try {
    await s.initialize();
    fake.respondWith(CONCURRENT_TURN);
    const t0 = performance.now();
    const convs = (await Promise.all(Array.from({ length: count }, () => s.request("newConversation", { cwd: REPO_ROOT })))).map((r) =>
      expectResult(r, "newConversation"),
    );
    const ids = new Set(convs.map((c) => c.conversationId));
    const ended = new Map();
    const allDone = new Promise((resolve) =>
      s.on("codex/event/task_complete", (p, at) => {
        if (ids.has(p.conversationId) && !ended.has(p.conversationId)) ended.set(p.conversationId, at);
        if (ended.size === ids.size) resolve(Math.max(...ended.values()));
      }),
    );
    const exited = s.waitFor("__never__"); // rejects if the server dies first
    exited.catch(() => {});
    const created = performance.now();
    for (const r of await Promise.all(convs.map((c) => s.request("addConversationListener", { conversationId: c.conversationId })))) {
      expectResult(r, "addConversationListener");
    }
    for (const r of await Promise.all(convs.map((c) => s.request("sendUserMessage", userMessage(c.conversationId, "go"))))) {
      expectResult(r, "sendUserMessage");
    }
    const last = await Promise.race([allDone, exited]);
    const peakKiB = s.peakRssKiB();
    const done = await closeCleanly(target, s);
    return { ms: last - t0, createMs: created - t0, peakMiB: peakKiB / 1024, stderr: done.stderrTail };
  } finally {
    await s.close();
  }
}

function userMessage(conversationId, text) {
  return { conversationId, items: [{ type: "text", data: { text } }] };
}



// ---------------------------------------------------------------------------------------------
// Report.

function report(ctx, { runs, withReference, ours, fake, blackhole, results }) {
  const o = results.ours;
  const ref = results.reference;
  const refTarget = ctx.reference;
  const t10 = o.turns[10_000];
  const t50 = o.turns[50_000];
  const newConv = {
    median: medianOf(o.newConversation, "median"),
    p90: medianOf(o.newConversation, "p90"),
    first: medianOf(o.newConversation, "first"),
  };
  const turn10 = summarize(t10.map((s) => s.ms));
  const turn50 = summarize(t50.map((s) => s.ms));
  const per1k10 = turn10.median / 10;
  const per1k50 = turn50.median / 50;
  const conc = summarize(o.concurrent.map((s) => s.ms));
  const concMiB = summarize(o.concurrent.map((s) => s.peakMiB));

  console.log(`== conversations (median of runs; a fresh server and CODEX_HOME per run, after 1 warm-up) ==`);
  console.log(`ours:      node ${ours.args.slice(0, -1).map((a) => `${a} `).join("")}bin/codex-app-server.js (node ${process.version})`);
  console.log(`model:     plain-JS fake Responses API on ${fake.url}, 1,000 SSE events per write; approval_policy "never"`);
  console.log(`client:    reads and JSON-parses every stdout line; times run from writing the request line`);
  console.log(`peak RSS:  /proc/<pid>/status VmHWM of the server, read after the last task_complete, before stdin closes`);
  if (process.env.BENCH_CPU_PROF) console.log(`profiling: --cpu-prof into ${path.resolve(process.env.BENCH_CPU_PROF)} (figures include its overhead)`);
  console.log("");

  const header = ["measure", "runs", "ours (median / p90)", "per 1k deltas", "peak RSS", ...(ref ? ["reference (measured)"] : []), "target", "", "reference (issue)"];
  const refCell = (text) => (ref ? [text] : []);
  const rows = [
    [
      `newConversation, ${NEW_CONVERSATION_CALLS} sequential (median / p90 of each run)`,
      o.newConversation.length,
      `${ms1(newConv.median)} / ${ms1(newConv.p90)} ms`,
      "",
      "",
      ...refCell(ref ? `${ms0(medianOf(ref.newConversation, "median"))} / ${ms0(medianOf(ref.newConversation, "p90"))} ms (${REFERENCE_NEW_CONVERSATION_CALLS} calls × ${ref.runs})` : ""),
      `≤ ${TARGETS.newConversationMs} ms`,
      verdict(newConv.median <= TARGETS.newConversationMs),
      ISSUE_REFERENCE.newConversation,
    ],
    ["  first newConversation of the process", o.newConversation.length, `${ms1(newConv.first)} ms`, "", "", ...refCell(ref ? `${ms0(medianOf(ref.newConversation, "first"))} ms` : ""), "", "", ""],
    [
      "turn of 10,000 deltas: sendUserMessage → task_complete",
      t10.length,
      `${ms0(turn10.median)} / ${ms0(turn10.p90)} ms`,
      `${ms1(per1k10)} ms`,
      mib(summarize(t10.map((s) => s.peakMiB)).median),
      ...refCell(ref ? `${ms0(summarize(ref.turn10k.map((s) => s.ms)).median)} ms (${ref.runs} runs)` : ""),
      `≤ ${TARGETS.turn10kMs} ms`,
      verdict(turn10.median <= TARGETS.turn10kMs),
      ISSUE_REFERENCE.turn10k,
    ],
    [
      "turn of 50,000 deltas: sendUserMessage → task_complete",
      t50.length,
      `${ms0(turn50.median)} / ${ms0(turn50.p90)} ms`,
      `${ms1(per1k50)} ms`,
      mib(summarize(t50.map((s) => s.peakMiB)).median),
      ...refCell("not run"),
      `≤ ${TARGETS.turn50kMs} ms`,
      verdict(turn50.median <= TARGETS.turn50kMs),
      ISSUE_REFERENCE.turn50k,
    ],
    [
      "  growth: per-1k cost at 50k / at 10k",
      "",
      `${(per1k50 / per1k10).toFixed(2)} ×`,
      "",
      "",
      ...refCell(""),
      `≤ ${TARGETS.linearSlack} × (linear)`,
      verdict(per1k50 <= per1k10 * TARGETS.linearSlack),
      "",
    ],
    [
      `${CONCURRENT} conversations at once, create + one turn: wall time`,
      o.concurrent.length,
      `${ms0(conc.median)} / ${ms0(conc.p90)} ms`,
      "",
      "",
      ...refCell("not run"),
      `≤ ${TARGETS.concurrentMs} ms`,
      verdict(conc.median <= TARGETS.concurrentMs),
      ISSUE_REFERENCE.concurrent,
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
      ISSUE_REFERENCE.concurrentMiB,
    ],
  ];
  printTable(header, rows, ["l", "r", "r", "r", "r", ...(ref ? ["r"] : []), "l", "l", "r"]);

  console.log("");
  const checked = [...t10, ...t50];
  console.log(
    `deltas checked: ${checked.filter((s) => s.deltas === s.expected && s.chars === s.expected * DELTA.length).length} of ${checked.length} turns ` +
      `delivered exactly N agent_message_delta notifications with all the text` +
      ` (stdout lines per 10k turn: ${summarize(t10.map((s) => s.lines)).median})`,
  );
  console.log(`${CONCURRENT} at once: all ${CONCURRENT} newConversation replies after ${ms0(summarize(o.concurrent.map((s) => s.createMs)).median)} ms (median)`);
  console.log(`fake model requests: ${JSON.stringify(fake.counts())}`);
  for (const line of errorLines(results)) console.log(line);
  if (ref) {
    console.log(`reference: ${refTarget.command} app-server (${refTarget.version}); its proxy pinned to a local listener that refused ${blackhole.attempts()} connection(s)`);
  } else if (withReference) {
    console.log(`reference: not installed (${REFERENCE_INSTALL_HINT}); BENCH_REFERENCE_CONVERSATIONS=1 had nothing to run`);
  } else {
    console.log(`reference: figures from the issue (codex-cli 0.90.0); BENCH_REFERENCE_CONVERSATIONS=1 measures figure 1 and the 10k turn (minutes)`);
  }
  console.log(`runs: ${runs} per figure (BENCH_RUNS; default ${DEFAULT_RUNS}); 50k turn capped at ${CAPS.deltas50k}, reference at ${CAPS.reference}`);
  console.log("");

  ctx.json({
    runs,
    medians: {
      newConversationMs: newConv.median,
      newConversationP90Ms: newConv.p90,
      firstNewConversationMs: newConv.first,
      turn10kMs: turn10.median,
      turn50kMs: turn50.median,
      per1kDeltas10kMs: per1k10,
      per1kDeltas50kMs: per1k50,
      turn10kPeakMiB: summarize(t10.map((s) => s.peakMiB)).median,
      turn50kPeakMiB: summarize(t50.map((s) => s.peakMiB)).median,
      concurrentMs: conc.median,
      concurrentPeakMiB: concMiB.median,
    },
    reference: ref
      ? {
          runs: ref.runs,
          newConversationMs: medianOf(ref.newConversation, "median"),
          turn10kMs: summarize(ref.turn10k.map((s) => s.ms)).median,
        }
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
    const all = [r.newConversation, ...Object.values(r.turns ?? {}), r.turn10k, r.concurrent].filter(Boolean).flat();
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
