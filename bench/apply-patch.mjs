// apply_patch bench: the wall time of applying one patch that updates 100 files (plan: read,
// match and compute every file in memory; commit: stage temp files, rename, all or nothing).
// The library is not wired into the server yet, so this bundles src/tools/apply-patch with
// esbuild into a temp file and times it in-process. Target from issue 9: ≤ 100 ms.
// Beside it, a floor measured in the same run: the bare filesystem work any atomic apply must
// do (read each file, write a temp beside it, rename it over), with no parsing, matching or
// checks, so a loaded machine's figures can still be read as "library cost over the floor".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { printTable, repeat, REPO_ROOT, summarize } from "./lib.mjs";

export const name = "apply-patch";

const FILES = 100;
const LINES_PER_FILE = 200;
const TARGET_MS = 100;
const DEFAULT_RUNS = 30;

async function loadLibrary(tmp) {
  const outfile = path.join(tmp, "apply-patch.mjs");
  await build({
    entryPoints: [path.join(REPO_ROOT, "src/tools/apply-patch/index.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    outfile,
    logLevel: "warning",
  });
  return import(pathToFileURL(outfile).href);
}

function original(i) {
  const lines = [];
  for (let l = 0; l < LINES_PER_FILE; l++) lines.push(`export const value_${i}_${l} = ${l}; // line ${l}`);
  return lines.join("\n") + "\n";
}

// One Update hunk per file, two chunks each: one near the top (with an @@ context line), one
// near the bottom.
function patchText() {
  let text = "*** Begin Patch\n";
  for (let i = 0; i < FILES; i++) {
    text += `*** Update File: src/file-${i}.ts\n`;
    text += `@@ export const value_${i}_9 = 9; // line 9\n`;
    text += ` export const value_${i}_10 = 10; // line 10\n-export const value_${i}_11 = 11; // line 11\n+export const value_${i}_11 = 1100; // changed\n export const value_${i}_12 = 12; // line 12\n`;
    text += `@@\n export const value_${i}_180 = 180; // line 180\n-export const value_${i}_181 = 181; // line 181\n+export const value_${i}_181 = 18100; // changed\n`;
  }
  return text + "*** End Patch\n";
}

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bench-apply-patch-"));
  try {
    const lib = await loadLibrary(tmp);
    const cwd = path.join(tmp, "ws");
    mkdirSync(path.join(cwd, "src"), { recursive: true });
    const originals = Array.from({ length: FILES }, (_, i) => original(i));
    const reset = () => originals.forEach((content, i) => writeFileSync(path.join(cwd, `src/file-${i}.ts`), content));
    const patch = patchText();

    const sample = async () => {
      reset();
      const t0 = performance.now();
      const plan = await lib.planPatch(patch, { cwd });
      const t1 = performance.now();
      await lib.commitPatch(plan, { writableRoots: [cwd] });
      const t2 = performance.now();
      return { plan: t1 - t0, commit: t2 - t1, total: t2 - t0 };
    };
    const floor = async () => {
      reset();
      const t0 = performance.now();
      await Promise.all(
        originals.map(async (_, i) => {
          const file = path.join(cwd, `src/file-${i}.ts`);
          const text = await readFile(file, "utf8");
          await writeFile(`${file}.tmp`, text.replace("= 11;", "= 1100;"));
          await rename(`${file}.tmp`, file);
        }),
      );
      return performance.now() - t0;
    };
    await sample(); // warm-up: JIT and the page cache
    await floor();
    // Interleaved, so both see the same machine load.
    const samples = [];
    const floors = [];
    await repeat(runs, async () => {
      samples.push(await sample());
      floors.push(await floor());
    });
    if (process.stderr.isTTY) process.stderr.write("\n");

    const rows = ["plan", "commit", "total"].map((key) => {
      const s = summarize(samples.map((x) => x[key]));
      return [key, s.median.toFixed(1), s.p90.toFixed(1)];
    });
    const floorStats = summarize(floors);
    rows.push(["floor (read+write+rename only)", floorStats.median.toFixed(1), floorStats.p90.toFixed(1)]);
    const total = summarize(samples.map((x) => x.total));
    console.log(`## apply_patch: one patch updating ${FILES} files of ${LINES_PER_FILE} lines (${runs} runs)`);
    printTable(["phase", "median ms", "p90 ms"], rows, ["l", "r", "r"]);
    console.log(`target: total median ≤ ${TARGET_MS} ms — ${total.median <= TARGET_MS ? "met" : "MISSED"} (floor ${floorStats.median.toFixed(1)} ms, ratio ${(total.median / floorStats.median).toFixed(2)})\n`);
    ctx.json({ files: FILES, runs, medianMs: total.median, p90Ms: total.p90, floorMedianMs: floorStats.median });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
