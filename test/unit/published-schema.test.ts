// The published wire contract: schema/ matches the code, the JSON Schemas accept real messages and
// refuse broken ones, the TypeScript printer prints what we expect, and every method names the
// failing field of bad params.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { clientRequests, serverNotifications, serverRequests } from "../../src/protocol/methods.js";
import {
  buildContract,
  definitionKey,
  generateJsonSchemaFiles,
  pascalCaseMethod,
  writeFiles,
  type ContractSource,
} from "../../src/protocol/publish/json-schema.js";
import { protocolModules } from "../../src/protocol/publish/modules.js";
import { generateTypeScriptFiles, printDefinitionFile, printType } from "../../src/protocol/publish/typescript.js";
import * as s from "../../src/protocol/schema.js";
import { useTempDirs } from "../support/temp-dirs.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCHEMA_DIR = path.join(ROOT, "schema");
const tempDir = useTempDirs(afterEach, "codex-schema-");

function listFiles(dir: string, prefix = ""): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

// A validator for the subset of JSON Schema we publish.
type Json = Record<string, unknown>;
function validate(schema: Json, value: unknown, root: Json = schema, at = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const key = schema.$ref.replace(/^#\/definitions\//, "");
    const target = (root.definitions as Record<string, Json> | undefined)?.[key];
    if (!target) return [`${at}: unresolvable ${schema.$ref}`];
    return validate(target, value, root, at);
  }
  const errors: string[] = [];
  if ("const" in schema && value !== schema.const) errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: not in enum`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual =
      value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
    if (!types.some((t) => t === actual || (t === "number" && actual === "integer"))) return [`${at}: expected ${types.join("|")}, got ${actual}`];
  }
  if (typeof schema.pattern === "string" && typeof value === "string" && !new RegExp(schema.pattern).test(value)) {
    errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const obj = value as Json;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) errors.push(`${at}.${key}: missing`);
    const properties = (schema.properties as Record<string, Json> | undefined) ?? {};
    for (const [key, v] of Object.entries(obj)) {
      if (key in properties) errors.push(...validate(properties[key]!, v, root, `${at}.${key}`));
      else if (typeof schema.additionalProperties === "object") {
        errors.push(...validate(schema.additionalProperties as Json, v, root, `${at}.${key}`));
      } else if (schema.additionalProperties === false) errors.push(`${at}.${key}: not allowed`);
    }
  }
  if (Array.isArray(value) && typeof schema.items === "object") {
    value.forEach((v, i) => errors.push(...validate(schema.items as Json, v, root, `${at}[${i}]`)));
  }
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((m) => validate(m as Json, value, root, at).length === 0)) {
    errors.push(`${at}: matches no anyOf member`);
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((m) => validate(m as Json, value, root, at).length === 0).length;
    if (matching !== 1) errors.push(`${at}: matches ${matching} oneOf members`);
  }
  return errors;
}

const files = generateJsonSchemaFiles();
const doc = (file: string): Json => JSON.parse(files.get(file)!) as Json;

describe("committed schema/", () => {
  it("is what the code generates, byte for byte (run `npm run schema` after changing a wire shape)", () => {
    const out = tempDir();
    writeFiles(out, files);
    const generated = listFiles(out);
    const committed = listFiles(SCHEMA_DIR);
    const stale = [
      ...generated.filter((f) => !committed.includes(f)).map((f) => `missing from schema/: ${f}`),
      ...committed.filter((f) => !generated.includes(f)).map((f) => `no longer generated: schema/${f}`),
      ...generated
        .filter((f) => committed.includes(f))
        .filter((f) => !readFileSync(path.join(out, f)).equals(readFileSync(path.join(SCHEMA_DIR, f))))
        .map((f) => `differs: schema/${f}`),
    ];
    expect(stale, `schema/ has drifted from src/protocol/: run \`npm run schema\` and commit schema/\n${stale.join("\n")}`).toEqual([]);
  });

  it("is generated the same way every time", () => {
    expect(generateJsonSchemaFiles()).toEqual(files);
    expect(generateTypeScriptFiles()).toEqual(generateTypeScriptFiles());
  });

  it("lists every protocol module, so every shape is published under its own name", () => {
    const dir = path.join(ROOT, "src/protocol");
    const modules = listFiles(dir).filter((f) => f.endsWith(".ts") && !f.startsWith("publish/") && f !== "schema.ts" && f !== "methods.ts");
    const registered = protocolModules.map((m) => m.file);
    const missing = modules.filter((f) => !registered.includes(f));
    expect(missing, `add these to src/protocol/publish/modules.ts: ${missing.join(", ")}`).toEqual([]);
  });
});

describe("published layout", () => {
  it("has the envelopes, the bundle and one Params/Response file per method", () => {
    for (const f of ["ClientRequest.json", "ServerRequest.json", "ServerNotification.json", "ClientNotification.json"]) {
      expect(files.has(f), f).toBe(true);
    }
    const bundle = doc("codex_app_server_protocol.schemas.json");
    const definitions = bundle.definitions as Record<string, Json>;
    const contract = buildContract();
    for (const m of [...contract.clientRequests, ...contract.serverRequests]) {
      const dir = m.namespace === "" ? "" : `${m.namespace}/`;
      const base = pascalCaseMethod(m.method);
      expect(files.has(`${dir}${base}Params.json`), m.method).toBe(true);
      expect(files.has(`${dir}${base}Response.json`), m.method).toBe(true);
      expect(definitions[definitionKey(m.namespace, `${base}Params`)], m.method).toBeDefined();
    }
    for (const m of contract.serverNotifications) {
      expect(files.has(`${m.namespace === "" ? "" : `${m.namespace}/`}${pascalCaseMethod(m.method)}Notification.json`), m.method).toBe(true);
    }
    // Every method of the tables is in an envelope.
    const methodsIn = (file: string) =>
      ((doc(file).oneOf as Json[]) ?? []).map((m) => ((m.properties as Json).method as Json).const ?? (m.properties as Json).method);
    expect(methodsIn("ClientRequest.json")).toEqual(Object.keys(clientRequests));
    expect(methodsIn("ServerRequest.json")).toEqual(Object.keys(serverRequests));
    expect(methodsIn("ServerNotification.json")).toEqual([...Object.keys(serverNotifications), { type: "string", pattern: "^codex/event/" }]);
  });

  it("maps slash methods to safe file names", () => {
    expect(pascalCaseMethod("thread/start")).toBe("ThreadStart");
    expect(pascalCaseMethod("item/commandExecution/requestApproval")).toBe("ItemCommandExecutionRequestApproval");
    expect(pascalCaseMethod("codex/event/")).toBe("CodexEvent");
    for (const f of files.keys()) expect(f).toMatch(/^(v2\/)?[A-Za-z0-9_.]+\.json$/);
  });

  it("writes stand-alone files: every $ref resolves inside its own file", () => {
    for (const [file, text] of files) {
      const refs = [...text.matchAll(/"\$ref": "#\/definitions\/([^"]+)"/g)].map((m) => m[1]!);
      const definitions = (JSON.parse(text) as Json).definitions as Json | undefined;
      for (const r of refs) expect(definitions?.[r], `${file} -> ${r}`).toBeDefined();
      expect(text.endsWith("}\n")).toBe(true);
    }
  });
});

describe("published JSON Schema against real messages", () => {
  const ok = (file: string, value: unknown) => expect(validate(doc(file), value)).toEqual([]);
  const bad = (file: string, value: unknown) => expect(validate(doc(file), value)).not.toEqual([]);

  it("client requests", () => {
    ok("ClientRequest.json", { id: 0, method: "initialize", params: { clientInfo: { name: "my_ide", title: null, version: "1.2.3" } } });
    ok("ClientRequest.json", { id: "a", method: "getUserAgent" });
    ok("ClientRequest.json", {
      id: 7,
      method: "sendUserTurn",
      params: {
        conversationId: "c1",
        items: [{ type: "text", data: { text: "hi" } }, { type: "localImage", data: { path: "/tmp/a.png" } }],
        cwd: "/work",
        approvalPolicy: "untrusted",
        sandboxPolicy: { type: "workspace-write", writable_roots: ["/tmp"], network_access: false },
        model: "gpt-5",
        summary: "auto",
      },
    });
    ok("ClientRequest.json", { id: 8, method: "getConversationSummary", params: { rolloutPath: "/x.jsonl" } });
    ok("ClientRequest.json", { id: 9, method: "thread/start", params: {} });
    bad("ClientRequest.json", { id: 1, method: "initialize", params: { clientInfo: { name: 5, version: "1" } } });
    bad("ClientRequest.json", { id: 1, method: "initialize" });
    bad("ClientRequest.json", { id: 1.5, method: "getUserAgent" });
    bad("ClientRequest.json", { id: 1, method: "noSuchMethod", params: {} });
    bad("ClientRequest.json", { id: 1, method: "sendUserMessage", params: { conversationId: "c", items: [{ type: "video", data: {} }] } });
    ok("ClientNotification.json", { method: "initialized" });
  });

  it("server notifications and requests, and the responses to them", () => {
    ok("ServerNotification.json", {
      method: "codex/event/task_complete",
      params: { id: "0", msg: { type: "task_complete", last_agent_message: "done" }, conversationId: "c1" },
    });
    ok("ServerNotification.json", {
      method: "configWarning",
      params: { summary: "Invalid configuration; using defaults.", details: "config.toml:1:5: bad", path: null, range: null },
    });
    ok("ServerNotification.json", {
      method: "sessionConfigured",
      params: { sessionId: "s", model: "m", reasoningEffort: null, historyLogId: 0, historyEntryCount: 0, initialMessages: null, rolloutPath: "/r" },
    });
    bad("ServerNotification.json", { method: "codex/other", params: { id: "0", msg: {}, conversationId: "c" } });
    bad("ServerNotification.json", { method: "sessionConfigured", params: { sessionId: "s" } });
    ok("ServerRequest.json", {
      id: 0,
      method: "execCommandApproval",
      params: {
        conversationId: "c1",
        callId: "call_1",
        command: ["bash", "-lc", "cat a.txt"],
        cwd: "/work",
        reason: null,
        parsedCmd: [{ type: "read", cmd: "cat a.txt", name: "a.txt", path: "a.txt" }],
      },
    });
    ok("ExecCommandApprovalResponse.json", { decision: "approved_for_session" });
    bad("ExecCommandApprovalResponse.json", { decision: "yes" });
    ok("NewConversationResponse.json", { conversationId: "c1", model: "gpt-5", reasoningEffort: "medium", rolloutPath: "/r.jsonl" });
    ok("SendUserMessageResponse.json", {});
    ok("ListConversationsResponse.json", {
      items: [
        {
          conversationId: "c1",
          path: "/r.jsonl",
          preview: "hi",
          timestamp: "2025-01-01T00:00:00Z",
          updatedAt: null,
          modelProvider: "openai",
          cwd: "/work",
          cliVersion: "0.1.0",
          source: "vscode",
          gitInfo: { sha: null, branch: "main", origin_url: null },
        },
      ],
      nextCursor: null,
    });
  });

  it("agrees with the code's own parser on empty params, for every method", () => {
    for (const [method, contract] of Object.entries(clientRequests)) {
      const m = buildContract().clientRequests.find((c) => c.method === method)!;
      const file = `${m.namespace === "" ? "" : `${m.namespace}/`}${pascalCaseMethod(method)}Params.json`;
      let parses = true;
      try {
        contract.params.parse({});
      } catch {
        parses = false;
      }
      expect(validate(doc(file), {}).length === 0, method).toBe(parses);
    }
  });
});

describe("invalid params name the field, on every method", () => {
  it("a bad value is a SchemaIssue with a path, which the router answers with -32602", () => {
    for (const [method, contract] of Object.entries(clientRequests)) {
      for (const value of [{}, 42, "x"]) {
        try {
          contract.params.parse(value);
        } catch (e) {
          expect(e, method).toBeInstanceOf(s.SchemaIssue);
          const issue = e as s.SchemaIssue;
          // `{}` fails on a named field; a non-object fails on `params` itself.
          if (typeof value === "object") expect(issue.path.length, `${method}: ${issue.message}`).toBeGreaterThan(0);
          expect(issue.message, method).toMatch(/^[A-Za-z_[\]0-9.]+: /);
        }
      }
    }
  });
});

describe("contract naming", () => {
  const shared = s.object({});
  const Position = s.object({ line: s.integer() });
  const source = (overrides: Partial<ContractSource> = {}): ContractSource => ({
    clientRequests: {
      "thing/get": { params: s.object({ at: Position }), result: shared },
      ping: { params: s.noParams(), result: shared },
    },
    serverRequests: {},
    serverNotifications: { moved: s.object({ from: Position, to: s.nullable(Position) }) },
    serverNotificationFamilies: {},
    clientNotifications: [],
    modules: [
      { file: "common.ts", exports: { Position, Shared: shared } },
      { file: "v2/thing.ts", exports: { Position } },
    ],
    ...overrides,
  });

  it("names shapes after their export, methods after themselves, shared results by alias", () => {
    const c = buildContract(source());
    expect(Object.keys(c.definitions)).toEqual([
      "ClientNotification",
      "ClientRequest",
      "ClientRequestResponses",
      "MovedNotification",
      "PingParams",
      "PingResponse",
      "Position",
      "RequestId",
      "ServerNotification",
      "ServerRequest",
      "ServerRequestResponses",
      "Shared",
      "v2.ThingGetParams",
      "v2.ThingGetResponse",
    ]);
    expect(c.definitions["PingResponse"]).toEqual({ $ref: "#/definitions/Shared" });
    expect(c.definitions["v2.ThingGetParams"]).toEqual({
      type: "object",
      properties: { at: { $ref: "#/definitions/Position" } },
      required: ["at"],
    });
    expect(c.clientRequests.map((m) => [m.method, m.paramsOptional])).toEqual([["thing/get", false], ["ping", true]]);
  });

  it("refuses two different shapes under one name", () => {
    const Other = s.object({ column: s.integer() });
    expect(() =>
      buildContract(source({ serverNotifications: { moved: s.object({ a: Position, b: Other }) }, modules: [{ file: "a.ts", exports: { Position } }, { file: "b/c.ts", exports: { Position: Other } }] })),
    ).toThrow(/Position/);
  });
});

describe("TypeScript printer", () => {
  const ctx = { reference: (key: string) => key.replace(/^v2\./, "") };
  const print = (schema: s.JsonSchema) => printType(schema, ctx);

  it("prints the subset our schemas use", () => {
    expect(print({ type: "string" })).toBe("string");
    expect(print({ type: "integer" })).toBe("number");
    expect(print({})).toBe("unknown");
    expect(print({ const: "read" })).toBe('"read"');
    expect(print({ type: "string", enum: ["a", "b"] })).toBe('"a" | "b"');
    expect(print({ anyOf: [{ type: "string" }, { type: "null" }] })).toBe("string | null");
    expect(print({ type: "array", items: { $ref: "#/definitions/v2.Turn" } })).toBe("Array<Turn>");
    expect(print({ type: "object", additionalProperties: {} })).toBe("{ [key: string]: unknown }");
    expect(print({ type: "object", properties: {} })).toBe("Record<string, never>");
    expect(print({ type: "string", pattern: "^codex/event/" })).toBe("`codex/event/${string}`");
    expect(print(s.object({ a: s.integer(), "b-c": s.optional(s.literal("x")) }).json)).toBe('{ a: number; "b-c"?: "x" }');
  });

  it("breaks long objects and unions over lines", () => {
    const Policy = s.union([
      s.object({ type: s.literal("read-only") }),
      s.object({ type: s.literal("workspace-write"), writable_roots: s.optional(s.array(s.string())), network_access: s.boolean() }),
    ]);
    expect(print(s.object({ policy: Policy, note: s.nullable(s.string()) }).json)).toBe(
      [
        "{",
        "  policy:",
        '    | { type: "read-only" }',
        "    | {",
        '        type: "workspace-write";',
        "        writable_roots?: Array<string>;",
        "        network_access: boolean;",
        "      };",
        "  note: string | null;",
        "}",
      ].join("\n"),
    );
  });

  it("writes one file per type, importing what it uses (aliased when two share a name)", () => {
    const text = printDefinitionFile("v2.GitInfo", {
      type: "object",
      properties: { old: { $ref: "#/definitions/GitInfo" }, mode: { $ref: "#/definitions/AskForApproval" } },
      required: ["old"],
    });
    expect(text).toBe(
      [
        "// Generated by `codex-app-server generate-ts` from src/protocol/. Do not edit.",
        'import type { AskForApproval } from "../AskForApproval.js";',
        'import type { GitInfo as RootGitInfo } from "../GitInfo.js";',
        "",
        "export type GitInfo = { old: RootGitInfo; mode?: AskForApproval };",
        "",
      ].join("\n"),
    );
  });

  it("prints the real contract: an index per namespace and the envelopes", () => {
    const ts = generateTypeScriptFiles();
    expect(ts.get("index.ts")).toContain('export type { ClientRequest } from "./ClientRequest.js";');
    expect(ts.get("index.ts")).toContain('export type * as v2 from "./v2/index.js";');
    expect(ts.get("ServerNotification.ts")).toContain('| { method: `codex/event/${string}`; params: CodexEventNotification }');
    expect(ts.get("ExecCommandApprovalResponse.ts")).toContain("export type ExecCommandApprovalResponse = { decision: ReviewDecision };");
  });
});

describe("generate commands on the command line", () => {
  it("parses --out, -o and --out=, with or without the app-server word", async () => {
    const { parseCli, CliError } = await import("../../src/cli.js");
    expect(parseCli(["generate-json-schema", "--out", "schema"])).toEqual({ kind: "generate", target: "json-schema", out: "schema" });
    expect(parseCli(["app-server", "generate-ts", "-o", "d", "-c", "model=x"])).toEqual({ kind: "generate", target: "ts", out: "d" });
    expect(parseCli(["generate-ts", "--out=d"])).toEqual({ kind: "generate", target: "ts", out: "d" });
    expect(parseCli(["generate-ts", "--help"])).toEqual({ kind: "help" });
    expect(() => parseCli(["generate-ts"])).toThrow(CliError);
    expect(() => parseCli(["generate-ts", "--out"])).toThrow(CliError);
    expect(() => parseCli(["generate-ts", "--out", "d", "extra"])).toThrow(/unexpected argument 'extra'/);
    expect(parseCli([])).toEqual({ kind: "serve", overrides: [], listen: [{ kind: "stdio" }], wsAuth: {} });
  });
});
