// Soak: many rounds of model faults on one v1 conversation, each followed by a turn that must
// succeed; the server's memory and open descriptors must not grow with the rounds. The idle
// timeout is 2 s, not less: the fake model shares this process with the client, and parsing a
// 10 MB line here can hold up its writes for a few hundred ms.
//   SOAK_FAULT_ROUNDS=N   fault rounds (default 140: 20 of each kind)
import { pathToFileURL } from "node:url";
import { startFaultModelServer, GARBAGE } from "../fault-model-server.mjs";
import { closeCleanly, FAKE_PROVIDER_ENV, fakeProviderToml, oursTarget, printTable, startRpcSession } from "../lib.mjs";
import { memory, mib, openFds, v1Conversation } from "../soak-lib.mjs";

export const name = "model faults";

const TEN_MB = "x".repeat(10 * 1024 * 1024);

// Each fault: the replies it takes (request_max_retries = 1), and whether its turn must fail.
const FAULTS = [
  { kind: "HTTP 500", replies: [{ kind: "error", status: 500, body: "boom" }, { kind: "error", status: 500, body: "boom" }], fails: true },
  { kind: "429 + Retry-After", replies: [{ kind: "error", status: 429, body: "slow down", headers: { "retry-after-ms": "50" } }, { kind: "text", text: "waited" }], fails: false },
  { kind: "cut stream", replies: [{ kind: "cut" }], fails: true },
  { kind: "silent stream", replies: [{ kind: "silent" }], fails: true },
  { kind: "no headers", replies: [{ kind: "stall" }], fails: true },
  { kind: "garbage SSE", replies: [{ kind: "raw", body: GARBAGE.repeat(100) }], fails: true },
  // The conversation keeps this answer in its history: only in the first cycle, so memory that
  // grows after it is a leak, not history.
  { kind: "10 MB delta", replies: [{ kind: "text", text: TEN_MB }], fails: false, once: true },
];

export async function run() {
  const rounds = Number(process.env.SOAK_FAULT_ROUNDS ?? 140);
  const model = await startFaultModelServer();
  const target = oursTarget();
  const toml = fakeProviderToml(model.url).replace("request_max_retries = 0", "request_max_retries = 1") + "stream_idle_timeout_ms = 2000\n";
  const session = startRpcSession(target, { configToml: toml, env: FAKE_PROVIDER_ENV, timeoutMs: 30 * 60_000 });
  const problems = [];
  const samples = [];
  const started = Date.now();
  try {
    await session.initialize();
    const conversation = await v1Conversation(session);
    const pid = session.child.pid;
    const sample = (round) => samples.push({ round, ...memory(pid), fds: openFds(pid) });
    sample(0);
    for (let round = 1; round <= rounds; round++) {
      let fault = FAULTS[(round - 1) % FAULTS.length];
      if (fault.once && round > FAULTS.length) fault = FAULTS[0];
      model.enqueue(...fault.replies);
      const faulty = await conversation.turn(`fault round ${round}: ${fault.kind}`);
      if (Boolean(faulty.error) !== fault.fails) problems.push(`round ${round} (${fault.kind}): error=${faulty.error}`);
      model.enqueue({ kind: "text", text: `round ${round} ok` });
      const next = await conversation.turn("and now?");
      if (next.error || next.lastAgentMessage !== `round ${round} ok`) problems.push(`round ${round}: next turn ${JSON.stringify(next).slice(0, 200)}`);
      if (round % FAULTS.length === 0 || round === rounds) sample(round);
    }
    const alive = await session.request("getUserAgent");
    if (alive.msg.error) problems.push("getUserAgent failed at the end");
  } finally {
    await closeCleanly(target, session).catch((error) => problems.push(error.message));
    await model.close();
  }
  const first = samples[1] ?? samples[0];
  const last = samples.at(-1);
  printTable(
    ["round", "RSS", "peak RSS", "open fds"],
    samples.filter((_, i) => i === 0 || i === 1 || i === samples.length - 1 || i % 5 === 0).map((s) => [String(s.round), mib(s.rss), mib(s.hwm), String(s.fds)]),
    ["r", "r", "r", "r"],
  );
  console.log(`${rounds} fault rounds (${FAULTS.map((f) => f.kind).join(", ")}), ${rounds * 2} turns in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`after the first cycle → end: RSS ${mib(first.rss)} → ${mib(last.rss)}, open fds ${first.fds} → ${last.fds}`);
  if (last.fds > first.fds + 5) problems.push(`open descriptors grew from ${first.fds} to ${last.fds}`);
  if (last.rss > first.rss + 50) problems.push(`RSS grew from ${mib(first.rss)} to ${mib(last.rss)} after the first cycle`);
  if (problems.length) throw new Error(`${problems.length} problem(s):\n  ${problems.slice(0, 20).join("\n  ")}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run();
