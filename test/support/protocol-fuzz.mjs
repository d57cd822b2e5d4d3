// A seeded, reproducible stream of hostile stdin input for the protocol: random lines and
// mutations of valid requests, with numbered requests interleaved that must each get exactly one
// reply. Pure (no I/O), plain JS so the soak scenarios (bench/soak/) can use it as well as the tests.

/** A small, fast seeded PRNG (mulberry32): the same seed gives the same stream. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Numbered ids are "n-<k>" or NUMBERED_BASE + k; fuzz ids stay out of both ranges. */
const NUMBERED_BASE = 1_000_000;
const UUID = "67e55044-10b1-426f-9247-bb680e5fe0c8";

/** Valid-looking requests of every method: the material the mutations start from. */
const TEMPLATES = [
  ["initialize", { clientInfo: { name: "fuzz", title: null, version: "1.0.0" } }],
  ["getUserAgent", undefined],
  ["getUserSavedConfig", undefined],
  ["newConversation", { model: "test-model", approvalPolicy: "never", sandbox: "read-only" }],
  ["addConversationListener", { conversationId: UUID }],
  ["removeConversationListener", { subscriptionId: UUID }],
  ["sendUserMessage", { conversationId: UUID, items: [{ type: "text", data: { text: "hi" } }] }],
  [
    "sendUserTurn",
    {
      conversationId: UUID,
      items: [{ type: "localImage", data: { path: "img.png" } }],
      cwd: "/",
      approvalPolicy: "never",
      sandboxPolicy: { mode: "read-only" },
      model: "m",
      summary: "auto",
    },
  ],
  ["interruptConversation", { conversationId: UUID }],
  ["listConversations", { pageSize: 2, cursor: "2025-01-01T00-00-00|x" }],
  ["getConversationSummary", { rolloutPath: "sessions/none.jsonl" }],
  ["resumeConversation", { path: "sessions/none.jsonl", overrides: { model: "m" } }],
  ["forkConversation", { conversationId: UUID }],
  ["archiveConversation", { conversationId: UUID, rolloutPath: "sessions/none.jsonl" }],
  ["thread/start", { model: "test-model", approvalPolicy: "never" }],
  ["thread/resume", { threadId: UUID }],
  ["thread/fork", { threadId: UUID }],
  ["thread/archive", { threadId: UUID }],
  ["thread/unarchive", { threadId: UUID }],
  ["thread/name/set", { threadId: UUID, name: "fuzzed" }],
  ["thread/list", { limit: 2, sortKey: "updated_at", archived: false }],
  ["thread/read", { threadId: UUID, includeTurns: true }],
  ["thread/loaded/list", {}],
  ["turn/start", { threadId: UUID, input: [{ type: "text", text: "hi" }] }],
  ["turn/interrupt", { threadId: UUID, turnId: "1" }],
  ["setDefaultModel", { model: "test-model", reasoningEffort: "high" }],
  ["config/read", { includeLayers: true, cwd: "/" }],
  ["config/value/write", { keyPath: "model_verbosity", value: "low", mergeStrategy: "replace" }],
  ["config/batchWrite", { edits: [{ keyPath: "sandbox_workspace_write", value: { network_access: false }, mergeStrategy: "upsert" }], expectedVersion: "sha256:0" }],
  ["configRequirements/read", undefined],
];

/** Requests a numbered line may carry: each is answered (a result or an error) without a model. */
const NUMBERED = [
  ["getUserAgent", undefined],
  ["getUserSavedConfig", undefined],
  ["thread/loaded/list", {}],
  ["thread/read", { threadId: UUID }],
  ["interruptConversation", { conversationId: UUID }],
  ["no/such/method", { a: 1 }],
  ["getUserAgent", []],
  ["thread/list", { limit: "many" }],
];

const ODD_METHODS = [
  "$/cancelRequest", "$/progress", "$/setTrace", "$/logTrace", "initialized", "exit", "shutdown",
  "__proto__", "constructor", "toString", "hasOwnProperty", "", " ", "getUserAgent ", "GETUSERAGENT",
  "thread/", "thread/start/x", "codex/event/task_started", "execCommandApproval", "item/commandExecution/requestApproval",
  "é→☃", "\u0000", "a".repeat(5000),
];

/**
 * Builds the input. Every line ends with LF, so no line can swallow the next; `writes` are the
 * chunks to write, cut mostly between lines and sometimes inside one.
 * @param {{ seed: number, lines: number, maxHugeBytes?: number }} options
 */
export function protocolFuzz({ seed, lines, maxHugeBytes = 1 << 20 }) {
  const random = seededRandom(seed);
  const int = (n) => Math.floor(random() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => random() < p;
  const numbered = [];
  const recentFuzzIds = [];
  const out = [];

  const randomString = (max = 24) => {
    const alphabet = ["a", "Z", "0", " ", "\"", "\\", "/", "é", "→", "☃", "\u0000", "\u2028", "\ud83d\ude00", "\ud800", "\t", "\r", "$"];
    let s = "";
    for (let i = int(max); i > 0; i--) s += pick(alphabet);
    return s;
  };
  const fuzzId = () => {
    const id = pick([
      () => int(1000),
      () => -int(1000),
      () => 0,
      () => int(1000) + 0.5,
      () => 2 ** 53 + 2,
      () => 1e300,
      () => `f-${int(1000)}`,
      () => String(int(1000)),
      () => "",
      () => randomString(40),
      () => (recentFuzzIds.length ? pick(recentFuzzIds) : 1),
    ])();
    recentFuzzIds.push(id);
    if (recentFuzzIds.length > 20) recentFuzzIds.shift();
    return id;
  };
  const badId = () => pick([null, true, false, {}, { id: 1 }, [], [1], -0, 1e400 /* Infinity -> null in JSON */]);
  const deep = (depth) => "[".repeat(depth) + "]".repeat(depth);
  const huge = () => "x".repeat(1024 + int(maxHugeBytes));
  const randomValue = (level = 0) =>
    pick([
      () => null,
      () => random() < 0.5,
      () => int(2 ** 31) - 2 ** 30,
      () => random() * 1e308,
      () => randomString(),
      () => (level < 2 ? [randomValue(level + 1), randomValue(level + 1)] : []),
      () => (level < 2 ? { [randomString(6)]: randomValue(level + 1), type: randomString(4) } : {}),
    ])();

  // Replaces, deletes or bloats one value somewhere inside `params`.
  const mutateInside = (value) => {
    if (value === null || typeof value !== "object") return randomValue();
    const keys = Object.keys(value);
    if (keys.length === 0) return randomValue();
    const key = pick(keys);
    const copy = Array.isArray(value) ? [...value] : { ...value };
    const action = int(5);
    if (action === 0) delete copy[key];
    else if (action === 1) copy[key] = randomValue();
    else if (action === 2) copy[key] = mutateInside(copy[key]);
    else if (action === 3) copy[key] = chance(0.01) ? huge() : randomString(200);
    else copy[randomString(8)] = randomValue();
    return copy;
  };

  const mutatedRequest = () => {
    const [method, params] = pick(TEMPLATES);
    const m = { id: fuzzId(), method };
    if (params !== undefined) m.params = params;
    for (let n = 1 + int(3); n > 0; n--) {
      switch (int(10)) {
        case 0: m.id = badId(); break;
        case 1: delete m.id; break;
        case 2: m.method = chance(0.3) ? randomValue() : chance(0.5) ? pick(ODD_METHODS) : randomString(30); break;
        case 3: m.params = pick([undefined, null, [], {}, [params], "params", 7, true]); break;
        case 4:
        case 5:
        case 6: m.params = mutateInside(m.params); break;
        case 7: m.jsonrpc = pick(["1.0", 2, null, "2.0"]); break;
        case 8: Object.assign(m, pick([{ result: {} }, { error: { code: 1, message: "x" } }, { extra: randomValue() }])); break;
        default: m.params = { ...(typeof m.params === "object" ? m.params : {}), nested: JSON.parse(deep(1 + int(200))) };
      }
    }
    let text = JSON.stringify(m);
    if (chance(0.02)) text = text.replace("{", '{"__proto__":{"polluted":true},');
    return Buffer.from(text);
  };

  const cancel = () => {
    const target = chance(0.5) && numbered.length ? pick(numbered.slice(-50)) : fuzzId();
    return Buffer.from(
      pick([
        '{"method":"$/cancelRequest"}',
        '{"method":"$/cancelRequest","params":null}',
        '{"method":"$/cancelRequest","params":[]}',
        '{"method":"$/cancelRequest","params":{}}',
        '{"method":"$/cancelRequest","params":{"id":null}}',
        '{"method":"$/cancelRequest","params":{"id":{}}}',
        '{"method":"$/cancelRequest","params":"x"}',
        `{"method":"$/cancelRequest","params":{"id":${JSON.stringify(target)}}}`,
        `{"jsonrpc":"2.0","method":"$/cancelRequest","params":[${JSON.stringify(target)}]}`,
        `{"id":${JSON.stringify(fuzzId())},"method":"$/cancelRequest","params":{"id":${JSON.stringify(target)}}}`,
      ]),
    );
  };

  const clientResponse = () =>
    Buffer.from(
      JSON.stringify(
        pick([
          () => ({ id: fuzzId(), result: randomValue() }),
          () => ({ jsonrpc: "2.0", id: fuzzId(), error: { code: -32000, message: randomString() } }),
          () => ({ id: null, result: { decision: "approved" } }),
          () => ({ id: null, error: { code: 1, message: "no" } }),
          () => ({ id: 0, result: { decision: "approved" } }),
          () => ({ id: fuzzId(), result: 1, error: { code: 1, message: "both" } }),
          () => ({ id: badId(), result: {} }),
        ])(),
      ),
    );

  const notification = () => {
    const m = { method: chance(0.5) ? pick(ODD_METHODS) : pick(TEMPLATES)[0] };
    if (chance(0.7)) m.params = randomValue();
    return Buffer.from(JSON.stringify(m));
  };

  const randomLine = () =>
    pick([
      () => Buffer.alloc(0),
      () => Buffer.from(" \t "),
      () => Buffer.from("\r"),
      () => Buffer.from(pick(["1", '"text"', "null", "true", "[]", "{}", "[1,2]", '{"id":1}', "{\"method\"", "}{"])),
      () => Buffer.from(deep(1 + int(20_000))),
      () => {
        const depth = 1 + int(3000);
        return Buffer.from(`{"id":"f-deep","method":"thread/start","params":{"config":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}}`);
      },
      () => Buffer.from(`{"id":${"9".repeat(400)},"method":"getUserAgent"}`),
      () => Buffer.from(randomString(200)),
      // Binary: any byte but LF, invalid UTF-8 included.
      () => Buffer.from(Array.from({ length: int(300) }, () => { const b = int(256); return b === 0x0a ? 0x0b : b; })),
      () => Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('{"id":"f-bom","method":"getUserAgent"}')]),
      () => Buffer.from('{"id":"f-two","method":"getUserAgent"}{"id":"f-three","method":"getUserAgent"}'),
    ])();

  // Corrupts the bytes of a line: cut short, invalid UTF-8, CR, NUL, a flipped byte.
  const corrupt = (bytes) => {
    const at = int(bytes.length + 1);
    const insert = (extra) => Buffer.concat([bytes.subarray(0, at), Buffer.from(extra), bytes.subarray(at)]);
    switch (int(6)) {
      case 0: return bytes.subarray(0, at);
      case 1: return insert([pick([0x80, 0xc3, 0xff, 0xfe, 0xed]), pick([0xa0, 0x28, 0xbf])]);
      case 2: return insert([0x0d]);
      case 3: return insert([0x00]);
      case 4: {
        const copy = Buffer.from(bytes);
        if (copy.length) copy[int(copy.length)] = int(256) || 1;
        for (let i = 0; i < copy.length; i++) if (copy[i] === 0x0a) copy[i] = 0x20;
        return copy;
      }
      default: return Buffer.concat([bytes, bytes]);
    }
  };

  const fuzzLine = () => {
    const r = random();
    let line =
      r < 0.45 ? mutatedRequest() : r < 0.6 ? randomLine() : r < 0.72 ? cancel() : r < 0.84 ? clientResponse() : notification();
    if (chance(0.15)) line = corrupt(line);
    if (chance(0.001)) line = Buffer.from(`{"id":"f-huge","method":"getUserAgent","params":{"pad":"${huge()}"}}`);
    return line;
  };

  const numberedLine = () => {
    const k = numbered.length;
    const id = k % 2 === 0 ? `n-${k}` : NUMBERED_BASE + k;
    numbered.push(id);
    const [method, params] = pick(NUMBERED);
    const m = chance(0.5) ? { jsonrpc: "2.0", id, method } : { id, method };
    if (params !== undefined) m.params = params;
    return Buffer.from(JSON.stringify(m) + (chance(0.2) ? "\r" : ""));
  };

  for (let i = 0; i < lines; i++) {
    out.push(fuzzLine(), Buffer.from("\n"));
    if (chance(0.5)) out.push(numberedLine(), Buffer.from("\n"));
  }
  const all = Buffer.concat(out);

  // Mostly 1-64 lines per write; now and then a cut inside a line.
  const writes = [];
  let start = 0;
  while (start < all.length) {
    let end = start;
    for (let n = 1 + int(64); n > 0 && end < all.length; n--) end = all.indexOf(0x0a, end) + 1 || all.length;
    if (chance(0.1) && end < all.length) end += int(Math.min(200, all.length - end));
    writes.push(all.subarray(start, end));
    start = end;
  }
  return { writes, numbered, bytes: all.length };
}

/**
 * Counts the replies each numbered request got among the messages read from stdout.
 * @returns {{ missing: (string|number)[], repeated: (string|number)[] }}
 */
export function checkNumberedReplies(messages, numbered) {
  const counts = new Map(numbered.map((id) => [id, 0]));
  for (const m of messages) {
    if (m && typeof m === "object" && "id" in m && !("method" in m) && counts.has(m.id)) counts.set(m.id, counts.get(m.id) + 1);
  }
  const missing = [];
  const repeated = [];
  for (const [id, n] of counts) {
    if (n === 0) missing.push(id);
    if (n > 1) repeated.push(id);
  }
  return { missing, repeated };
}
