// Fuzzy file search bench: fuzzyFileSearch over a generated 100,000-file tree, through the real
// server: the first query of a process (walk + index + match), then 10 keystrokes each extending
// the query (the index reused), all with one cancellationToken as a picker sends them; and how
// long a getUserAgent waits while the first search runs. Ours, the reference 0.90 and, when
// installed, codex 0.169, one process each per run, alternating, in the same run.
//   BENCH_RUNS=N   processes per target (default 5)
//   BENCH_FUZZY_FILES=N  tree size (default 100000; the tree is generated once and kept in $TMPDIR)
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { closeCleanly, expectResult, oursTarget, printTable, progress, referenceTarget, startRefusingProxy, startRpcSession, summarize } from "./lib.mjs";

export const name = "fuzzy";

const DEFAULT_RUNS = 5;
const FIRST_TARGET_MS = 300;
const REF169 = "/tmp/ref169/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";
// The first query is two letters; each keystroke adds one more.
const TYPED = "comp7file12";
const FIRST_LENGTH = 1;

/** 100,000 files: 40 top folders × 50 sub-folders × 50 files, with a .gitignore hiding one more. */
function generateTree(files) {
  const root = path.join(tmpdir(), `codex-bench-fuzzy-${files}`);
  const marker = path.join(root, ".complete");
  if (existsSync(marker)) return root;
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, ".gitignore"), "ignored/\n");
  mkdirSync(path.join(root, "ignored"), { recursive: true });
  for (let i = 0; i < 1000; i++) writeFileSync(path.join(root, "ignored", `file${i}.txt`), "");
  const perDir = 50;
  let made = 0;
  for (let a = 0; made < files; a++) {
    for (let b = 0; b < 50 && made < files; b++) {
      const dir = path.join(root, `pkg${a}`, `component${b}`);
      mkdirSync(dir, { recursive: true });
      for (let c = 0; c < perDir && made < files; c++, made++) writeFileSync(path.join(dir, `file${c}_${a}${b}.ts`), "");
    }
  }
  writeFileSync(marker, "");
  return root;
}

function targets(ctx) {
  const list = [oursTarget()];
  const ref = ctx.reference ?? referenceTarget();
  if (ref) list.push({ ...ref, label: `reference ${ref.version}` });
  if (existsSync(REF169)) list.push({ key: "ref169", label: "reference 0.169", command: REF169, args: ["app-server"] });
  return list;
}

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const files = Number(process.env.BENCH_FUZZY_FILES ?? 100_000);
  progress(`generating ${files} files (once)... `);
  const root = generateTree(files);
  progress("done\n");
  const proxy = await startRefusingProxy();
  const list = targets(ctx);
  const samples = new Map(list.map((t) => [t.key, { first: [], keystroke: [], probe: [], firstCount: [], session: [] }]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const target of list) {
        const s = startRpcSession(target, { env: proxy.env });
        await s.initialize();
        const m = samples.get(target.key);
        const firstQuery = TYPED.slice(0, FIRST_LENGTH);
        const first = s.request("fuzzyFileSearch", { query: firstQuery, roots: [root], cancellationToken: "bench" });
        // Sent right behind the search: how long a request waits while the walk runs.
        const probe = await s.request("getUserAgent", {});
        m.probe.push(probe.ms);
        const r = await first;
        m.first.push(r.ms);
        m.firstCount.push(expectResult(r, "fuzzyFileSearch").files.length);
        for (let k = FIRST_LENGTH + 1; k <= TYPED.length; k++) {
          const res = await s.request("fuzzyFileSearch", { query: TYPED.slice(0, k), roots: [root], cancellationToken: "bench" });
          expectResult(res, "fuzzyFileSearch");
          m.keystroke.push(res.ms);
        }
        await closeCleanly(target, s);
        // The session variant (0.169's, experimental): sessionStart then sessionUpdate at once, timed
        // to the first sessionUpdated holding results (partial ones count: that is what a picker shows).
        if (target.key !== "reference") {
          const t = startRpcSession(target, { env: proxy.env });
          expectResult(await t.request("initialize", { clientInfo: { name: "bench", title: null, version: "0.0.1" }, capabilities: { experimentalApi: true } }), "initialize");
          t.notify("initialized");
          const firstUpdate = t.waitFor("fuzzyFileSearch/sessionUpdated", (p) => p.query === TYPED.slice(0, FIRST_LENGTH) && p.files.length > 0);
          const sent = performance.now();
          t.request("fuzzyFileSearch/sessionStart", { sessionId: "bench", roots: [root] });
          t.request("fuzzyFileSearch/sessionUpdate", { sessionId: "bench", query: TYPED.slice(0, FIRST_LENGTH) });
          m.session.push((await firstUpdate) - sent);
          await closeCleanly(target, t);
        }
        progress(".");
      }
    }
  } finally {
    progress("\n");
    await proxy.close();
  }
  console.log(`\n## fuzzy (${files} files + 1,000 gitignored; ${runs} processes per target; first query "${TYPED.slice(0, FIRST_LENGTH)}", then ${TYPED.length - FIRST_LENGTH} keystrokes to "${TYPED}")\n`);
  const rows = [];
  for (const target of list) {
    const m = samples.get(target.key);
    const f = summarize(m.first);
    const k = summarize(m.keystroke);
    const p = summarize(m.probe);
    rows.push([
      target.label,
      `${f.median.toFixed(0)} / ${f.p90.toFixed(0)} ms`,
      `${k.median.toFixed(1)} / ${k.p90.toFixed(1)} ms`,
      `${p.median.toFixed(1)} / ${p.p90.toFixed(1)} ms`,
      String(Math.min(...m.firstCount)),
      target.key === "ours" ? `≤ ${FIRST_TARGET_MS} ms: ${f.median <= FIRST_TARGET_MS ? "ok" : "MISSED"}` : "",
    ]);
  }
  printTable(["target", "first query (median / p90)", "keystroke", "getUserAgent during the first", "results", "target"], rows);
  console.log("\nsession variant, sessionStart + sessionUpdate → first sessionUpdated with results:");
  for (const target of list) {
    const m = samples.get(target.key);
    if (m.session.length === 0) continue;
    const x = summarize(m.session);
    console.log(`  ${target.label}: ${x.median.toFixed(0)} / ${x.p90.toFixed(0)} ms (median / p90)`);
  }
  ctx.json({ first: Object.fromEntries(list.map((t) => [t.key, summarize(samples.get(t.key).first).median])), keystroke: Object.fromEntries(list.map((t) => [t.key, summarize(samples.get(t.key).keystroke).median])) });
}
