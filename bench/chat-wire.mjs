// Chat wire bench: one turn of 10,000 text deltas over the Chat Completions wire and over the
// Responses wire, in the same run, against a plain-JS fake server that speaks both (bench/lib.mjs's
// batching: 1,000 SSE frames per write). Runs alternate between the wires so both see the same
// machine load. Target: the chat turn within 1.2× of the Responses turn. The client is v2
// (thread/start, turn/start → turn/completed) and JSON-parses every stdout line.
// A second figure weighs the `openai` npm package as the chat client (issue 12 asks): the same
// 10,000-chunk stream consumed in-process by our client (src/model/chat-client.ts, bundled on the
// fly with esbuild) and by the SDK's `chat.completions.create({ stream: true })`, plus the cost of
// importing each. Skipped when the package is not installed (it is not a dependency).
//   BENCH_RUNS=N   runs per wire (default 5 here)
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { closeCleanly, expectResult, FAKE_PROVIDER_ENV, fakeProviderToml, oursTarget, printTable, progress, REPO_ROOT, startRpcSession, summarize } from "./lib.mjs";

export const name = "chat-wire";

const DELTAS = 10_000;
const DELTA = "tok ";
const FRAMES_PER_WRITE = 1000;
const TARGET_RATIO = 1.2;
const DEFAULT_RUNS = 5;

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : DEFAULT_RUNS;
  const fake = await startBothWires();
  const samples = { responses: [], chat: [] };
  try {
    for (const wire of ["responses", "chat"]) await timeTurn(fake, wire, 100); // warm-up, discarded
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? ["responses", "chat"] : ["chat", "responses"];
      for (const wire of order) {
        const s = await timeTurn(fake, wire, DELTAS);
        if (s.deltas !== DELTAS) throw new Error(`${wire}: ${s.deltas} item/agentMessage/delta, expected ${DELTAS}`);
        samples[wire].push(s.ms);
        progress(".");
      }
    }
  } finally {
    progress("\n");
    await fake.close();
  }
  const r = summarize(samples.responses);
  const c = summarize(samples.chat);
  const ratio = c.median / r.median;
  console.log(`\n== chat wire: a ${DELTAS.toLocaleString("en")}-delta turn, Chat Completions vs Responses (v2, turn/start → turn/completed) ==`);
  console.log(`runs: ${runs} per wire, alternating`);
  printTable(
    ["wire", "median", "p90", "per 1k deltas"],
    [
      ["responses", `${r.median.toFixed(0)} ms`, `${r.p90.toFixed(0)} ms`, `${(r.median / (DELTAS / 1000)).toFixed(1)} ms`],
      ["chat", `${c.median.toFixed(0)} ms`, `${c.p90.toFixed(0)} ms`, `${(c.median / (DELTAS / 1000)).toFixed(1)} ms`],
    ],
    ["", "r", "r", "r"],
  );
  console.log(`chat / responses: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? "ok" : "MISSED"}`);
  const sdk = await compareSdk(runs);
  ctx.json({ responsesMs: r.median, chatMs: c.median, ratio, ...(sdk ?? {}) });
}

/** In-process: our chat client vs the openai SDK reading the same stream; null when the SDK is absent. */
async function compareSdk(runs) {
  let OpenAI;
  const importStarted = performance.now();
  try {
    OpenAI = (await import("openai")).default;
  } catch {
    console.log("openai package not installed: SDK comparison skipped");
    return null;
  }
  const sdkImportMs = performance.now() - importStarted;
  // Inside the repository: the bundle's external imports (pino) resolve from its node_modules.
  const dir = mkdtempSync(path.join(REPO_ROOT, ".chat-wire-bench-"));
  const fake = await startBothWires();
  try {
    const { build } = await import("esbuild");
    const out = path.join(dir, "chat-client.mjs");
    await build({ entryPoints: [path.join(REPO_ROOT, "src/model/chat-client.ts")], bundle: true, platform: "node", format: "esm", outfile: out, logLevel: "error", external: ["pino", "thread-stream"] });
    const oursStarted = performance.now();
    const { createChatClient } = await import(pathToFileURL(out).href);
    const oursImportMs = performance.now() - oursStarted;
    fake.respondWith(DELTAS);
    const provider = { id: "b", name: "b", baseUrl: fake.url, wireApi: "chat", queryParams: {}, httpHeaders: {}, envHttpHeaders: {}, requestMaxRetries: 0, streamMaxRetries: 0, streamIdleTimeoutMs: 30_000, requiresOpenaiAuth: false };
    const ours = createChatClient(provider, { codexHome: dir, env: {} });
    const sdk = new OpenAI({ baseURL: fake.url, apiKey: "sk-bench", maxRetries: 0 });
    const request = { model: "bench-model", instructions: "x", input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "go" }] }], tools: [], conversationId: "bench" };
    const timeOurs = async () => {
      const t = performance.now();
      let n = 0;
      for await (const e of ours.stream(request, new AbortController().signal)) if (e.type === "output_text_delta") n++;
      if (n !== DELTAS) throw new Error(`ours: ${n} deltas`);
      return performance.now() - t;
    };
    const timeSdk = async () => {
      const t = performance.now();
      let n = 0;
      const stream = await sdk.chat.completions.create({ model: "bench-model", messages: [{ role: "user", content: "go" }], stream: true, stream_options: { include_usage: true } });
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) n++;
      if (n !== DELTAS) throw new Error(`openai SDK: ${n} deltas`);
      return performance.now() - t;
    };
    await timeOurs();
    await timeSdk();
    const o = [];
    const k = [];
    for (let i = 0; i < runs * 2; i++) {
      o.push(await timeOurs());
      k.push(await timeSdk());
    }
    const om = summarize(o).median;
    const km = summarize(k).median;
    console.log(`\n== the same ${DELTAS.toLocaleString("en")}-chunk chat stream read in-process: our client vs the openai SDK ==`);
    printTable(
      ["client", "median read", "import"],
      [
        ["ours (chat-client.ts)", `${om.toFixed(1)} ms`, `${oursImportMs.toFixed(1)} ms`],
        ["openai SDK", `${km.toFixed(1)} ms`, `${sdkImportMs.toFixed(1)} ms`],
      ],
      ["", "r", "r"],
    );
    return { oursReadMs: om, sdkReadMs: km, oursImportMs, sdkImportMs };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeTurn(fake, wire, count) {
  const toml = fakeProviderToml(fake.url).replace('wire_api = "responses"', `wire_api = "${wire}"`);
  const target = oursTarget();
  const s = startRpcSession(target, { configToml: toml, env: FAKE_PROVIDER_ENV, timeoutMs: 120_000 });
  try {
    await s.initialize();
    const threadId = expectResult(await s.request("thread/start", { cwd: REPO_ROOT }), "thread/start").thread.id;
    let deltas = 0;
    s.on("item/agentMessage/delta", () => deltas++);
    fake.respondWith(count);
    const done = s.waitFor("turn/completed", (p) => p.threadId === threadId);
    const sent = performance.now();
    expectResult(await s.request("turn/start", { threadId, input: [{ type: "text", text: "stream" }] }), "turn/start");
    const ms = (await done) - sent;
    await closeCleanly(target, s);
    return { ms, deltas };
  } finally {
    await s.close();
  }
}

/** POST /v1/responses and /v1/chat/completions, each answering a text turn of `count` deltas. */
async function startBothWires() {
  let count = 3;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const path = req.url.split("?")[0];
      const play = path === "/v1/responses" ? playResponses : path === "/v1/chat/completions" ? playChat : null;
      if (req.method !== "POST" || !play) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      play(res, count).catch(() => res.destroy());
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    respondWith: (n) => void (count = n),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

async function writeRepeated(res, one, count) {
  const batch = one.repeat(FRAMES_PER_WRITE);
  for (let left = count; left > 0; left -= FRAMES_PER_WRITE) {
    if (!res.write(left >= FRAMES_PER_WRITE ? batch : one.repeat(left))) await new Promise((resolve) => res.once("drain", resolve));
    if (res.destroyed) return;
  }
}

async function playResponses(res, count) {
  const ev = (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  const message = (text) => ({ type: "message", role: "assistant", id: "msg_b", status: "completed", content: text ? [{ type: "output_text", text, annotations: [] }] : [] });
  res.writeHead(200, SSE_HEADERS);
  res.write(ev({ type: "response.created", response: { id: "resp_b" } }) + ev({ type: "response.output_item.added", output_index: 0, item: message("") }));
  await writeRepeated(res, ev({ type: "response.output_text.delta", item_id: "msg_b", output_index: 0, content_index: 0, delta: DELTA }), count);
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: count, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 10 + count };
  res.end(ev({ type: "response.output_item.done", output_index: 0, item: message(DELTA.repeat(count)) }) + ev({ type: "response.completed", response: { id: "resp_b", usage } }));
}

async function playChat(res, count) {
  const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ id: "chatcmpl-b", object: "chat.completion.chunk", created: 0, model: "bench-model", choices, ...extra })}\n\n`;
  res.writeHead(200, SSE_HEADERS);
  res.write(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]));
  await writeRepeated(res, chunk([{ index: 0, delta: { content: DELTA }, finish_reason: null }]), count);
  res.end(
    chunk([{ index: 0, delta: {}, finish_reason: "stop" }]) +
      chunk([], { usage: { prompt_tokens: 10, completion_tokens: count, total_tokens: 10 + count } }) +
      "data: [DONE]\n\n",
  );
}
