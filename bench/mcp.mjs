// MCP bench: (1) time from spawning the server to a thread's first model request with 5 stdio MCP
// servers configured, beside those 5 servers' own start (spawn + initialize + tools/list, in
// parallel, straight from the SDK) and beside the same server with no MCP servers; (2) one MCP
// call's overhead: mcpServer/tool/call through our server against the same call made directly
// with the SDK client, both against one running test server.
import { performance } from "node:perf_hooks";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { FAKE_PROVIDER_ENV, fakeProviderToml, median, oursTarget, printTable, progress, REPO_ROOT, startFakeResponses, startRpcSession, summarize } from "./lib.mjs";

export const name = "mcp";

const SERVERS = 5;
const TEST_SERVER = path.join(REPO_ROOT, "test/support/mcp-test-server.mjs");
const TARGET_RATIO = 1.5;
const TARGET_OVERHEAD_MS = 5;

function serversToml(count) {
  let toml = "";
  for (let i = 0; i < count; i++) toml += `\n[mcp_servers.s${i}]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(TEST_SERVER)}]\n`;
  return toml;
}

/** The 5 servers' own start: spawn, initialize and tools/list, in parallel, with the SDK. */
async function ownStartMs() {
  const t0 = performance.now();
  const clients = await Promise.all(
    Array.from({ length: SERVERS }, async () => {
      const client = new Client({ name: "bench", version: "0" });
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [TEST_SERVER], stderr: "ignore" }));
      await client.listTools();
      return client;
    }),
  );
  const ms = performance.now() - t0;
  await Promise.all(clients.map((c) => c.close()));
  return ms;
}

/** Spawn → first model request of a v2 turn started as soon as the server answers. */
async function firstRequestMs(count) {
  const model = await startFakeResponses();
  const t0 = performance.now();
  const session = startRpcSession(oursTarget(), { configToml: fakeProviderToml(model.url) + serversToml(count), env: FAKE_PROVIDER_ENV });
  try {
    await session.initialize();
    const thread = await session.request("thread/start", { cwd: REPO_ROOT });
    const threadId = thread.msg.result.thread.id;
    const done = session.waitFor("turn/completed");
    await session.request("turn/start", { threadId, input: [{ type: "text", text: "hi" }] });
    await done;
    const [first] = model.arrivals();
    if (first === undefined) throw new Error("no model request");
    return { firstMs: first - t0, threadStartMs: thread.ms };
  } finally {
    await session.close();
    await model.close();
  }
}

async function callOverhead(calls) {
  // Direct: the SDK client against the test server.
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [TEST_SERVER], stderr: "ignore" }));
  const direct = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await client.callTool({ name: "echo", arguments: { text: "x" } });
    direct.push(performance.now() - t);
  }
  await client.close();
  // Through us: mcpServer/tool/call over our stdio JSON-RPC to the same kind of server.
  const model = await startFakeResponses();
  const session = startRpcSession(oursTarget(), { configToml: fakeProviderToml(model.url) + serversToml(1), env: FAKE_PROVIDER_ENV });
  const ours = [];
  try {
    await session.initialize();
    const warm = await session.request("mcpServer/tool/call", { threadId: "bench", server: "s0", tool: "echo", arguments: { text: "x" } });
    if (warm.msg.error) throw new Error(JSON.stringify(warm.msg.error));
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const res = await session.request("mcpServer/tool/call", { threadId: "bench", server: "s0", tool: "echo", arguments: { text: "x" } });
      if (res.msg.error) throw new Error(JSON.stringify(res.msg.error));
      ours.push(performance.now() - t);
    }
  } finally {
    await session.close();
    await model.close();
  }
  return { direct, ours };
}

export async function run(ctx) {
  const runs = ctx.runsSet ? ctx.runs : 7;
  console.log(`\n## mcp (${runs} runs; ${SERVERS} stdio test servers, node ${process.version})`);
  const own = [];
  const withServers = [];
  const without = [];
  for (let i = 0; i < runs; i++) {
    own.push(await ownStartMs());
    withServers.push(await firstRequestMs(SERVERS));
    without.push(await firstRequestMs(0));
    progress(".");
  }
  // thread/start must not wait for the servers (they start after its reply).
  const threadWith = summarize(withServers.map((r) => r.threadStartMs));
  const threadWithout = summarize(without.map((r) => r.threadStartMs));
  const o = summarize(own);
  const w = summarize(withServers.map((r) => r.firstMs));
  const n = summarize(without.map((r) => r.firstMs));
  const ratio = w.median / o.median;
  printTable(
    ["measure", "median ms", "p90 ms"],
    [
      [`${SERVERS} servers' own start (SDK, parallel)`, o.median.toFixed(1), o.p90.toFixed(1)],
      [`ours: spawn → first model request, ${SERVERS} servers`, w.median.toFixed(1), w.p90.toFixed(1)],
      ["ours: spawn → first model request, no servers", n.median.toFixed(1), n.p90.toFixed(1)],
      [`ours: thread/start reply, ${SERVERS} servers`, threadWith.median.toFixed(1), threadWith.p90.toFixed(1)],
      ["ours: thread/start reply, no servers", threadWithout.median.toFixed(1), threadWithout.p90.toFixed(1)],
    ],
    ["l", "r", "r"],
  );
  console.log(`ratio to the servers' own start: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? "ok" : "MISSED"}`);

  const calls = ctx.runsSet ? ctx.runs * 20 : 200;
  const { direct, ours } = await callOverhead(calls);
  const overhead = median(ours) - median(direct);
  printTable(
    ["one echo call", "median ms", "p90 ms"],
    [
      ["direct SDK client", median(direct).toFixed(3), summarize(direct).p90.toFixed(3)],
      ["ours: mcpServer/tool/call", median(ours).toFixed(3), summarize(ours).p90.toFixed(3)],
    ],
    ["l", "r", "r"],
  );
  console.log(`overhead per call: ${overhead.toFixed(3)} ms (target ≤ ${TARGET_OVERHEAD_MS} ms) ${overhead <= TARGET_OVERHEAD_MS ? "ok" : "MISSED"}`);
  ctx.json({ threadStartMs: threadWith.median, threadStartNoServersMs: threadWithout.median, ownStartMs: o.median, firstRequestMs: w.median, firstRequestNoServersMs: n.median, ratio, directCallMs: median(direct), oursCallMs: median(ours), overheadMs: overhead });
}
