// Compaction bench: a conversation of 200 turns (each a question, a shell call with 2 KB of output
// and an answer) is resumed from its rollout, then
//   - full: one more turn sends the whole history (the floor this bench compares against);
//   - compacted: thread/compact/start summarises it (one summarisation request), then the same
//     turn sends the compacted history.
// Printed side by side from the same run: the model request's size and the turn's time
// (turn/start → turn/completed), and the compaction's own time. The fake model answers every
// request with a short text at once, so the times are the server's own work on the history.
//   BENCH_RUNS=N   runs (default 5 here)
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { closeCleanly, expectResult, FAKE_PROVIDER_ENV, fakeProviderToml, oursTarget, printTable, progress, REPO_ROOT, startRpcSession, summarize } from "./lib.mjs";

export const name = "compaction";

const TURNS = 200;
const OUTPUT_BYTES = 2048;
const DEFAULT_RUNS = 5;

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const fake = await startFake();
  const samples = { fullMs: [], fullBytes: [], compactMs: [], summariseBytes: [], afterMs: [], afterBytes: [] };
  try {
    await measureFull(fake); // warm-up, discarded
    for (let i = 0; i < runs; i++) {
      const full = await measureFull(fake);
      samples.fullMs.push(full.ms);
      samples.fullBytes.push(full.bytes);
      const compacted = await measureCompacted(fake);
      samples.compactMs.push(compacted.compactMs);
      samples.summariseBytes.push(compacted.summariseBytes);
      samples.afterMs.push(compacted.ms);
      samples.afterBytes.push(compacted.bytes);
      progress(".");
    }
  } finally {
    progress("\n");
    await fake.close();
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v).median]));
  const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
  console.log(`\n== compaction: a turn after a ${TURNS}-turn history, full vs compacted (v2, medians of ${runs}) ==`);
  printTable(
    ["", "model request", "turn/start → turn/completed"],
    [
      ["full history (floor)", kib(m.fullBytes), `${m.fullMs.toFixed(1)} ms`],
      ["after compaction", kib(m.afterBytes), `${m.afterMs.toFixed(1)} ms`],
      ["the compaction itself", `${kib(m.summariseBytes)} (summarisation)`, `${m.compactMs.toFixed(1)} ms (thread/compact/start → turn/completed)`],
    ],
    ["", "r", "r"],
  );
  console.log(`request size after / before: ${(m.afterBytes / m.fullBytes).toFixed(3)}×; turn time after / before: ${(m.afterMs / m.fullMs).toFixed(2)}×`);
  ctx.json(m);
}

/** Resumes the long conversation and runs one turn on its full history. */
async function measureFull(fake) {
  return withResumed(fake, async (s, threadId) => {
    const before = fake.requests.length;
    const ms = await timedTurn(s, threadId);
    return { ms, bytes: fake.requests[before].bytes };
  });
}

/** Resumes it, compacts it, then runs the same turn on the compacted history. */
async function measureCompacted(fake) {
  return withResumed(fake, async (s, threadId) => {
    const first = fake.requests.length;
    const compacted = s.waitFor("turn/completed", (p) => p.threadId === threadId);
    const sent = performance.now();
    expectResult(await s.request("thread/compact/start", { threadId }), "thread/compact/start");
    const compactMs = (await compacted) - sent;
    const summariseBytes = fake.requests[first].bytes;
    const before = fake.requests.length;
    const ms = await timedTurn(s, threadId);
    const bytes = fake.requests[before].bytes;
    if (fake.requests[before].text.includes("answer 1 ")) throw new Error("the request after compaction still carries the history");
    return { compactMs, summariseBytes, ms, bytes };
  });
}

async function withResumed(fake, measure) {
  const target = oursTarget();
  const s = startRpcSession(target, { configToml: fakeProviderToml(fake.url), env: FAKE_PROVIDER_ENV, timeoutMs: 120_000 });
  try {
    await s.initialize();
    const file = writeLongRollout(s.home);
    const threadId = expectResult(await s.request("thread/resume", { path: file }), "thread/resume").thread.id;
    const result = await measure(s, threadId);
    await closeCleanly(target, s);
    return result;
  } finally {
    await s.close();
  }
}

async function timedTurn(s, threadId) {
  const done = s.waitFor("turn/completed", (p) => p.threadId === threadId);
  const sent = performance.now();
  expectResult(await s.request("turn/start", { threadId, input: [{ type: "text", text: "one more question" }] }), "turn/start");
  return (await done) - sent;
}

/** A rollout of TURNS turns in the session store of `home`, as our writer lays it out. */
function writeLongRollout(home) {
  const id = randomUUID();
  const stamp = "2026-12-01T00-00-00";
  const dir = path.join(home, "sessions", "2026", "12", "01");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `rollout-${stamp}-${id}.jsonl`);
  const ts = new Date("2026-12-01T00:00:00Z").toISOString();
  const line = (type, payload) => JSON.stringify({ timestamp: ts, type, payload });
  const msg = (role, type, text) => ({ type: "message", role, content: [{ type, text }] });
  const lines = [
    line("session_meta", { id, timestamp: ts, cwd: REPO_ROOT, originator: "bench", cli_version: "0.0.0", source: "vscode", model_provider: "fake" }),
    line("response_item", msg("user", "input_text", `<environment_context>\n  <cwd>${REPO_ROOT}</cwd>\n  <shell>bash</shell>\n</environment_context>`)),
  ];
  const output = "x".repeat(OUTPUT_BYTES);
  for (let t = 1; t <= TURNS; t++) {
    lines.push(line("response_item", msg("user", "input_text", `question ${t}: please look at module ${t} and fix what is wrong with it`)));
    lines.push(line("event_msg", { type: "user_message", message: `question ${t}`, images: [], local_images: [], text_elements: [] }));
    const callId = `call_${t}`;
    lines.push(line("response_item", { type: "function_call", call_id: callId, name: "shell", arguments: JSON.stringify({ command: ["cat", `src/m${t}.ts`] }) }));
    lines.push(line("response_item", { type: "function_call_output", call_id: callId, output: JSON.stringify({ output, metadata: { exit_code: 0, duration_seconds: 0.01 } }) }));
    lines.push(line("response_item", msg("assistant", "output_text", `answer ${t} : module ${t} had an off-by-one error in its loop; fixed and tested.`)));
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** POST /v1/responses: a short text answer at once; records each request's size and text. */
async function startFake() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      requests.push({ bytes: body.length, text: body.toString("utf8") });
      const ev = (e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
      const text = "Summary: 200 modules were fixed; nothing is left to do.";
      const item = { type: "message", role: "assistant", id: "msg_c", status: "completed", content: [{ type: "output_text", text, annotations: [] }] };
      const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 110 };
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(
        ev({ type: "response.created", response: { id: "resp_c" } }) +
          ev({ type: "response.output_item.added", output_index: 0, item: { ...item, content: [], status: "in_progress" } }) +
          ev({ type: "response.output_text.delta", item_id: "msg_c", output_index: 0, content_index: 0, delta: text }) +
          ev({ type: "response.output_item.done", output_index: 0, item }) +
          ev({ type: "response.completed", response: { id: "resp_c", usage } }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
