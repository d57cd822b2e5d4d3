// Threads bench: thread/list's first page over 10,000 stored threads and thread/read of a thread
// with 1,000 turns, on one long-lived server (first call and warm median). Side by side: a floor
// measured in this process on the same files (the least work the answer needs: list the newest
// day directories and read the heads of one page of files / read and parse the whole rollout), and
// the 0.169 reference when installed (it indexes rollouts into its own SQLite store on start).
import { open, readdir, readFile } from "node:fs/promises";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { existsSync } from "node:fs";
import { makeHome, oursTarget, printTable, startRpcSession, summarize } from "./lib.mjs";

export const name = "threads";

const THREADS = 10_000;
const TURNS = 1_000;
const PAGE = 25;
const TARGET_LIST_MS = 50;
const TARGET_READ_MS = 100;
const REF169 = "/tmp/ref169/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";

// A session_meta as our server writes it: base instructions make the first line several KB.
const INSTRUCTIONS = "You are a coding agent. ".repeat(400);
const pad = (n, w = 2) => String(n).padStart(w, "0");

/** A UUIDv7 for `ms` (the id's time matches the file name, as the server's own ids do). */
function uuidv7(ms, seq) {
  const hex = ms.toString(16).padStart(12, "0");
  const rand = seq.toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-${rand}`;
}

function line(type, payload, at) {
  return `${JSON.stringify({ timestamp: at, type, payload })}\n`;
}

function message(role, text) {
  return { type: "message", role, content: [{ type: role === "assistant" ? "output_text" : "input_text", text }] };
}

/** One rollout file of `turns` turns, created at `ms`; returns its path. */
function writeRollout(home, ms, seq, turns) {
  const d = new Date(ms);
  const id = uuidv7(ms, seq);
  const dir = path.join(home, "sessions", String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
  mkdirSync(dir, { recursive: true });
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
  const file = path.join(dir, `rollout-${stamp}-${id}.jsonl`);
  const at = d.toISOString();
  const parts = [
    line("session_meta", { id, timestamp: at, cwd: "/work/project", originator: "codex_vscode", cli_version: "0.1.0", source: "vscode", model_provider: "openai", base_instructions: { text: INSTRUCTIONS } }, at),
    line("response_item", message("developer", "<permissions instructions>sandbox: workspace-write</permissions instructions>"), at),
    line("response_item", message("user", "<environment_context>\n  <cwd>/work/project</cwd>\n</environment_context>"), at),
  ];
  for (let t = 0; t < turns; t++) {
    const q = `question ${t} of thread ${seq}: please look at src/module-${t}.ts`;
    parts.push(
      line("response_item", message("user", q), at),
      line("event_msg", { type: "user_message", message: q, images: [], local_images: [], text_elements: [] }, at),
      line("turn_context", { cwd: "/work/project", approval_policy: "on-request", sandbox_policy: { type: "workspace-write" }, model: "gpt-5.1-codex", effort: null, summary: "auto" }, at),
      line("response_item", message("assistant", `answer ${t}: the module exports three functions; the second one needs a test.`), at),
      line("event_msg", { type: "agent_message", message: `answer ${t}` }, at),
      line("event_msg", { type: "token_count", info: null, rate_limits: null }, at),
    );
  }
  writeFileSync(file, parts.join(""));
  return { id, file };
}

/** 10,000 one-turn threads, 100 a day, and one thread of 1,000 turns (the newest). */
function buildStore(home) {
  const start = Date.UTC(2026, 0, 1, 12);
  for (let i = 0; i < THREADS - 1; i++) writeRollout(home, start + Math.floor(i / 100) * 86_400_000 + (i % 100) * 60_000, i, 1);
  return writeRollout(home, start + 120 * 86_400_000, THREADS, TURNS);
}

// The floor: what any implementation must do for the first page, done directly.
async function floorList(home) {
  const sessions = path.join(home, "sessions");
  const heads = [];
  const desc = async (dir) => (await readdir(dir)).sort().reverse();
  outer: for (const y of await desc(sessions)) {
    for (const m of await desc(path.join(sessions, y))) {
      for (const d of await desc(path.join(sessions, y, m))) {
        const dir = path.join(sessions, y, m, d);
        const names = (await desc(dir)).slice(0, PAGE - heads.length);
        heads.push(...(await Promise.all(names.map((n) => readHead(path.join(dir, n))))));
        if (heads.length >= PAGE) break outer;
      }
    }
  }
  return heads;
}

async function readHead(file) {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const lines = buf.subarray(0, bytesRead).toString("utf8").split("\n");
    return lines.slice(0, 4).map((l) => JSON.parse(l));
  } finally {
    await fh.close();
  }
}

async function floorRead(file) {
  return (await readFile(file, "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

async function timeFloor(n, work) {
  const t0 = performance.now();
  await work();
  const first = performance.now() - t0;
  const samples = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await work();
    samples.push(performance.now() - s);
  }
  return { first, min: Math.min(...samples), ...summarize(samples) };
}

async function timeServer(session, n, method, params, check) {
  const once = async () => {
    const { msg, ms } = await session.request(method, params);
    if (msg.error) throw new Error(`${method}: ${msg.error.message}`);
    check(msg.result);
    return ms;
  };
  const first = await once();
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(await once());
  return { first, min: Math.min(...samples), ...summarize(samples) };
}

export async function run(ctx) {
  const n = Math.max(ctx.runs, 10);
  const home = makeHome(null);
  const rows = [];
  const json = {};
  try {
    const t0 = performance.now();
    const long = buildStore(home);
    const built = performance.now() - t0;
    const listParams = { limit: PAGE };
    const readParams = { threadId: long.id, includeTurns: true };
    const listCheck = (r) => {
      if (r.data.length !== PAGE) throw new Error(`thread/list gave ${r.data.length} threads`);
    };
    const readCheck = (r) => {
      if (r.thread.turns.length !== TURNS) throw new Error(`thread/read gave ${r.thread.turns.length} turns`);
    };
    const targets = [oursTarget()];
    if (existsSync(REF169)) targets.push({ key: "ref169", label: "reference 0.169", command: REF169, args: ["app-server"] });
    for (const target of targets) {
      // The store is shared: a server started on a copy would measure the copy's page cache.
      const session = startRpcSession(target, { env: { CODEX_HOME: home } });
      try {
        const init = await session.request("initialize", { clientInfo: { name: "bench", version: "1" } });
        if (init.msg.error) throw new Error(init.msg.error.message);
        session.notify?.("initialized");
        let list;
        let read;
        try {
          list = await timeServer(session, n, "thread/list", listParams, listCheck);
          read = await timeServer(session, n, "thread/read", readParams, readCheck);
        } catch (error) {
          rows.push([target.label, "(failed)", "", "", "", "", error.message.slice(0, 60)]);
          continue;
        }
        const mark = target.key === "ours";
        rows.push([target.label, `thread/list first page (${PAGE} of ${THREADS.toLocaleString("en-US")})`, list.first.toFixed(1), list.min.toFixed(1), list.median.toFixed(1), list.p90.toFixed(1), mark ? `≤ ${TARGET_LIST_MS} ${list.median <= TARGET_LIST_MS ? "ok" : "MISSED"}` : ""]);
        rows.push([target.label, `thread/read (${TURNS.toLocaleString("en-US")} turns)`, read.first.toFixed(1), read.min.toFixed(1), read.median.toFixed(1), read.p90.toFixed(1), mark ? `≤ ${TARGET_READ_MS} ${read.median <= TARGET_READ_MS ? "ok" : "MISSED"}` : ""]);
        json[target.key] = { listFirstMs: list.first, listMs: list.median, readFirstMs: read.first, readMs: read.median };
      } finally {
        await session.close();
      }
    }
    const fl = await timeFloor(n, () => floorList(home));
    const fr = await timeFloor(n, () => floorRead(long.file));
    rows.push(["floor (in-process fs)", `list newest dirs + read ${PAGE} heads`, fl.first.toFixed(1), fl.min.toFixed(1), fl.median.toFixed(1), fl.p90.toFixed(1), ""]);
    rows.push(["floor (in-process fs)", "read + JSON.parse the rollout", fr.first.toFixed(1), fr.min.toFixed(1), fr.median.toFixed(1), fr.p90.toFixed(1), ""]);
    json.floor = { listMs: fl.median, readMs: fr.median };
    console.log(`\n== threads: ${THREADS.toLocaleString("en-US")} stored threads (written in ${(built / 1000).toFixed(1)} s), one of ${TURNS} turns; ms ==`);
    // min beside the median: on a shared machine the median carries other processes' load.
    printTable(["target", "request", "first", "min", "median", "p90", "target"], rows, ["l", "l", "r", "r", "r", "r", "l"]);
    ctx.json(json);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
