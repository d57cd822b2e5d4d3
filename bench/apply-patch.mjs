// apply_patch bench: the wall time of applying one patch that updates 100 files (plan: read,
// match and compute every file in memory; commit: stage temp files, rename, all or nothing).
// The library is timed in-process (src/tools/apply-patch bundled with esbuild into a temp file);
// target from issue 9: ≤ 100 ms. Then the same patch through the server: a v1 turn whose model
// answers with the apply_patch call, from sendUserMessage to patch_apply_end, beside a turn that
// answers with text (user message → task_complete): the difference is what the patch costs a
// client, events and approval checks included.
// Beside it, a floor measured in the same run: the bare filesystem work any atomic apply must
// do (read each file, write a temp beside it, rename it over), with no parsing, matching or
// checks, so a loaded machine's figures can still be read as "library cost over the floor".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  closeCleanly,
  expectResult,
  fakeProviderToml,
  importSource,
  FAKE_PROVIDER_ENV,
  oursTarget,
  printTable,
  repeat,
  startFakeResponses,
  startRpcSession,
  summarize,
} from "./lib.mjs";

export const name = "apply-patch";

const FILES = 100;
const LINES_PER_FILE = 200;
const TARGET_MS = 100;
const DEFAULT_RUNS = 30;

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
    const lib = await importSource("src/tools/apply-patch/index.ts");
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
    const served = await throughServer(cwd, reset, patch, runs);
    console.log(`## apply_patch through the server: the same patch as a v1 turn's tool call (${runs} runs)`);
    printTable(
      ["turn", "median ms", "p90 ms"],
      [
        ["apply_patch call: sendUserMessage → patch_apply_end", served.patch.median.toFixed(1), served.patch.p90.toFixed(1)],
        ["text answer: sendUserMessage → task_complete", served.text.median.toFixed(1), served.text.p90.toFixed(1)],
      ],
      ["l", "r", "r"],
    );
    console.log(`patch cost seen by a client: ${(served.patch.median - served.text.median).toFixed(1)} ms (median difference)\n`);
    ctx.json({
      files: FILES,
      runs,
      medianMs: total.median,
      p90Ms: total.p90,
      floorMedianMs: floorStats.median,
      serverPatchTurnMedianMs: served.patch.median,
      serverTextTurnMedianMs: served.text.median,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// One v1 conversation under workspace-write / never (the patch lies in the cwd: applied without
// asking). Each run resets the files, then times a patch turn and a text turn, interleaved.
async function throughServer(cwd, reset, patch, runs) {
  const fake = await startFakeResponses();
  const configToml = `sandbox_mode = "workspace-write"\n${fakeProviderToml(fake.url)}`;
  const session = startRpcSession(oursTarget(), { configToml, env: FAKE_PROVIDER_ENV });
  try {
    await session.initialize();
    const conv = expectResult(await session.request("newConversation", { cwd }), "newConversation");
    const conversationId = conv.conversationId;
    expectResult(await session.request("addConversationListener", { conversationId }), "addConversationListener");
    const text = { count: 3, delta: "ok " };
    const say = async () => {
      const t0 = performance.now();
      expectResult(await session.request("sendUserMessage", { conversationId, items: [{ type: "text", data: { text: "go" } }] }), "sendUserMessage");
      return t0;
    };
    const patchTurn = async () => {
      reset();
      fake.respondWith({ functionCall: { name: "apply_patch", arguments: JSON.stringify({ input: patch }) }, then: text });
      const ended = session.waitFor("codex/event/patch_apply_end", (p) => p.msg.success === true);
      const done = session.waitFor("codex/event/task_complete");
      const t0 = await say();
      const at = await ended;
      await done;
      return at - t0;
    };
    const textTurn = async () => {
      fake.respondWith(text);
      const done = session.waitFor("codex/event/task_complete");
      const t0 = await say();
      return (await done) - t0;
    };
    await patchTurn(); // warm-up
    await textTurn();
    const patches = [];
    const texts = [];
    await repeat(runs, async () => {
      patches.push(await patchTurn());
      texts.push(await textTurn());
    });
    await closeCleanly(oursTarget(), session);
    return { patch: summarize(patches), text: summarize(texts) };
  } finally {
    await session.close();
    await fake.close();
  }
}
