// Models and accounts bench: model/list latency, the first call of a process (loads the v2 face
// and asks the provider's GET /models, which the fake answers 404 → built-in list) and warm (the
// cached answer, paged); account/read and account/rateLimits/read warm.
//   BENCH_RUNS=N   processes (default 5); each measures WARM_CALLS warm calls per method
import { performance } from "node:perf_hooks";
import { closeCleanly, expectResult, FAKE_PROVIDER_ENV, fakeProviderToml, oursTarget, printTable, progress, startFakeResponses, startRpcSession, summarize } from "./lib.mjs";

export const name = "models";

const DEFAULT_RUNS = 5;
const WARM_CALLS = 50;
// Issue 10's target for a warm model/list, printed beside the figure; a miss is reported, never fatal.
const WARM_TARGET_MS = 5;

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const target = oursTarget();
  const fake = await startFakeResponses();
  const first = [];
  const warm = { "model/list": [], "account/read": [], "account/rateLimits/read": [] };
  try {
    for (let i = 0; i < runs; i++) {
      const s = startRpcSession(target, { configToml: fakeProviderToml(fake.url), env: FAKE_PROVIDER_ENV });
      await s.initialize();
      let t = performance.now();
      expectResult(await s.request("model/list", {}), "model/list");
      first.push(performance.now() - t);
      for (const method of Object.keys(warm)) {
        for (let n = 0; n < WARM_CALLS; n++) {
          t = performance.now();
          expectResult(await s.request(method, method === "model/list" ? { limit: 2, includeHidden: true } : {}), method);
          warm[method].push(performance.now() - t);
        }
      }
      await closeCleanly(target, s);
      progress(".");
    }
  } finally {
    progress("\n");
    await fake.close();
  }
  const f = summarize(first);
  const w = Object.fromEntries(Object.entries(warm).map(([m, samples]) => [m, summarize(samples)]));
  console.log(`\n## models (${runs} processes; warm: ${WARM_CALLS} calls each per process; GET /models served ${fake.counts()["GET /v1/models"] ?? 0}×)\n`);
  printTable(
    ["figure", "median", "p90", "target", "verdict"],
    [
      ["model/list, first of a process (face load + GET /models)", `${f.median.toFixed(1)} ms`, `${f.p90.toFixed(1)} ms`, "", ""],
      ["model/list, warm (cached)", `${w["model/list"].median.toFixed(2)} ms`, `${w["model/list"].p90.toFixed(2)} ms`, `≤ ${WARM_TARGET_MS} ms`, w["model/list"].median <= WARM_TARGET_MS ? "ok" : "MISSED"],
      ["account/read, warm (reads auth.json)", `${w["account/read"].median.toFixed(2)} ms`, `${w["account/read"].p90.toFixed(2)} ms`, "", ""],
      ["account/rateLimits/read, warm", `${w["account/rateLimits/read"].median.toFixed(2)} ms`, `${w["account/rateLimits/read"].p90.toFixed(2)} ms`, "", ""],
    ],
  );
  if (process.env.BENCH_JSON === "1") {
    console.log(JSON.stringify({ bench: name, modelListFirst: f.median, modelListWarm: w["model/list"].median, accountReadWarm: w["account/read"].median }));
  }
}
