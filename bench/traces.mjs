// Traces bench: what exporting traces costs. (1) a 10,000-delta v2 turn (turn/start →
// turn/completed) with no exporter vs with `trace_exporter` pointed at a local OTLP sink, in the same
// run, alternating: the first turn of a process (the telemetry worker is still loading the SDK
// beside it) and the second (steady state); (2) start-up (spawn → initialize reply, and a one-request session's whole
// process) with the log exporter only vs the log and trace exporters.
//   BENCH_RUNS=N   runs per figure (default 7 here)
import { performance } from "node:perf_hooks";
import {
  closeCleanly,
  expectResult,
  FAKE_PROVIDER_ENV,
  fakeProviderToml,
  oursTarget,
  printTable,
  progress,
  REPO_ROOT,
  startFakeResponses,
  startOtlpSink,
  startRpcSession,
  summarize,
  timeInitReply,
  timeWholeProcess,
} from "./lib.mjs";

export const name = "traces";

const DELTAS = 10_000;
const DEFAULT_RUNS = 7;
// Printed beside the figures; a miss is reported, never fatal.
const TARGETS = { turnRatio: 1.1, startupRatio: 1.0 };

const logsToml = (port) => `exporter = { otlp-http = { endpoint = "http://127.0.0.1:${port}/v1/logs", protocol = "binary" } }\n`;
const tracesToml = (port) => `trace_exporter = { otlp-http = { endpoint = "http://127.0.0.1:${port}/v1/traces", protocol = "binary" } }\n`;

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const target = oursTarget();
  const fake = await startFakeResponses();
  const sink = await startOtlpSink();
  const turn = { none: { first: [], second: [] }, traces: { first: [], second: [] } };
  const startup = { logs: { reply: [], whole: [] }, traces: { reply: [], whole: [] } };
  try {
    fake.respondWith({ count: DELTAS, delta: "tok " });
    const turnConfigs = {
      none: fakeProviderToml(fake.url),
      traces: `${fakeProviderToml(fake.url)}\n[otel]\n${tracesToml(sink.port)}`,
    };
    await timeTurns(target, turnConfigs.traces); // warm-up: code caches, page cache
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? ["none", "traces"] : ["traces", "none"];
      for (const key of order) {
        const [first, second] = await timeTurns(target, turnConfigs[key]);
        turn[key].first.push(first);
        turn[key].second.push(second);
      }
      progress(".");
    }
    const startupConfigs = {
      logs: `[otel]\n${logsToml(sink.port)}`,
      traces: `[otel]\n${logsToml(sink.port)}${tracesToml(sink.port)}`,
    };
    for (let i = -1; i < runs; i++) {
      const order = i % 2 === 0 ? ["logs", "traces"] : ["traces", "logs"];
      for (const key of order) {
        const reply = await timeInitReply(target, { configToml: startupConfigs[key] });
        const whole = await timeWholeProcess(target, { configToml: startupConfigs[key] });
        if (i >= 0) {
          startup[key].reply.push(reply.ms);
          startup[key].whole.push(whole.ms);
        }
      }
      progress(".");
    }
  } finally {
    progress("\n");
    await fake.close();
    await sink.close();
  }

  const none = summarize(turn.none.second);
  const traced = summarize(turn.traces.second);
  const ratio = traced.median / none.median;
  const noneFirst = summarize(turn.none.first);
  const tracedFirst = summarize(turn.traces.first);
  const firstRatio = tracedFirst.median / noneFirst.median;
  const replyRatio = summarize(startup.traces.reply).median / summarize(startup.logs.reply).median;
  const wholeRatio = summarize(startup.traces.whole).median / summarize(startup.logs.whole).median;
  console.log(`\n## traces (${runs} runs each, medians; sink received ${sink.counts()["/v1/traces"] ?? 0} trace exports)\n`);
  printTable(
    ["figure", "without", "with trace_exporter", "ratio", "target", "verdict"],
    [
      [`v2 turn, ${DELTAS.toLocaleString("en-US")} deltas (second of a process)`, `${none.median.toFixed(0)} ms`, `${traced.median.toFixed(0)} ms`, ratio.toFixed(2), `≤ ${TARGETS.turnRatio}×`, ratio <= TARGETS.turnRatio ? "ok" : "MISSED"],
      [`  first turn of a process (SDK loading beside it)`, `${noneFirst.median.toFixed(0)} ms`, `${tracedFirst.median.toFixed(0)} ms`, firstRatio.toFixed(2), "", ""],
      ["spawn→initialize reply (logs exporter on)", `${summarize(startup.logs.reply).median.toFixed(1)} ms`, `${summarize(startup.traces.reply).median.toFixed(1)} ms`, replyRatio.toFixed(2), `≤ ${TARGETS.startupRatio}× (noise ±5%)`, replyRatio <= TARGETS.startupRatio * 1.05 ? "ok" : "MISSED"],
      ["whole one-request process (logs exporter on)", `${summarize(startup.logs.whole).median.toFixed(0)} ms`, `${summarize(startup.traces.whole).median.toFixed(0)} ms`, wholeRatio.toFixed(2), `≤ ${TARGETS.startupRatio}× (noise ±5%)`, wholeRatio <= TARGETS.startupRatio * 1.05 ? "ok" : "MISSED"],
    ],
  );
  if (process.env.BENCH_JSON === "1") {
    console.log(JSON.stringify({ bench: name, turnNone: none.median, turnTraces: traced.median, ratio, firstRatio, replyRatio, wholeRatio }));
  }
}

/** One fresh server: thread/start, then two turns of DELTAS deltas each; returns both times. */
async function timeTurns(target, configToml) {
  const s = startRpcSession(target, { configToml, env: FAKE_PROVIDER_ENV, timeoutMs: 120_000 });
  await s.initialize();
  const thread = expectResult(await s.request("thread/start", { cwd: REPO_ROOT }), "thread/start").thread;
  let deltas = 0;
  s.on("item/agentMessage/delta", () => void deltas++);
  const times = [];
  for (let i = 1; i <= 2; i++) {
    let seen = 0;
    const completed = s.waitFor("turn/completed", (p) => p.threadId === thread.id && ++seen === 1);
    const sentAt = performance.now();
    expectResult(await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: "go" }] }), "turn/start");
    times.push((await completed) - sentAt);
  }
  await closeCleanly(target, s);
  if (deltas !== 2 * DELTAS) throw new Error(`expected ${2 * DELTAS} deltas, got ${deltas}`);
  return times;
}
