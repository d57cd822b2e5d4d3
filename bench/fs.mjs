// fs/* bench: fs/readFile of a 10 MiB file (read + base64 + one JSON line each way) and
// fs/writeFile of the same bytes (atomic temp + rename), warm, in one process per run.
//   BENCH_RUNS=N   processes (default 5); each measures CALLS calls per method
//   CODEX_REFERENCE_BIN=…   also measures the reference when it serves fs/* (0.169 does; 0.90 does not)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { closeCleanly, expectResult, oursTarget, referenceTarget, printTable, progress, startRpcSession, summarize } from "./lib.mjs";

export const name = "fs";

const DEFAULT_RUNS = 5;
const CALLS = 5;
const SIZE = 10 * 1024 * 1024;

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const rows = [];
  const json = { bench: name };
  for (const target of [oursTarget(), referenceTarget()].filter(Boolean)) {
    // 0.90 answers an unknown method with an error that has no id, so a probe would never resolve.
    const m = servesFs(target) ? await measure(target, runs) : null;
    if (!m) {
      console.log(`\n(${target.label} ${target.version} does not serve fs/readFile: skipped)`);
      continue;
    }
    rows.push([`${target.label}: fs/readFile, 10 MiB (request → parsed reply)`, `${m.r.median.toFixed(1)} ms`, `${m.r.p90.toFixed(1)} ms`]);
    rows.push([`${target.label}: fs/writeFile, 10 MiB`, `${m.w.median.toFixed(1)} ms`, `${m.w.p90.toFixed(1)} ms`]);
    json[`${target.key}ReadFile10MiB`] = m.r.median;
    json[`${target.key}WriteFile10MiB`] = m.w.median;
  }
  console.log(`\n## fs (${runs} processes × ${CALLS} calls each, 10 MiB file)\n`);
  printTable(["figure", "median", "p90"], rows);
  if (process.env.BENCH_JSON === "1") console.log(JSON.stringify(json));
}

/** fs/* arrived after 0.90; ours always serves it. */
function servesFs(target) {
  const match = /(\d+)\.(\d+)\.\d+/.exec(target.version ?? "");
  return !match || Number(match[1]) > 0 || Number(match[2]) >= 100;
}

async function measure(target, runs) {
  const dir = mkdtempSync(join(tmpdir(), "codex-bench-fs-"));
  const file = join(dir, "ten-mb.bin");
  const data = Buffer.alloc(SIZE, 7);
  writeFileSync(file, data);
  const dataBase64 = data.toString("base64");
  const reads = [];
  const writes = [];
  try {
    for (let i = 0; i < runs; i++) {
      const s = startRpcSession(target, {});
      await s.initialize();
      if ((await s.request("fs/getMetadata", { path: dir })).error) {
        await closeCleanly(target, s);
        return null;
      }
      for (let n = 0; n < CALLS; n++) {
        let t = performance.now();
        expectResult(await s.request("fs/readFile", { path: file }), "fs/readFile");
        reads.push(performance.now() - t);
        t = performance.now();
        expectResult(await s.request("fs/writeFile", { path: join(dir, "out.bin"), dataBase64 }), "fs/writeFile");
        writes.push(performance.now() - t);
      }
      await closeCleanly(target, s);
      progress(".");
    }
  } finally {
    progress("\n");
    rmSync(dir, { recursive: true, force: true });
  }
  return { r: summarize(reads), w: summarize(writes) };
}
