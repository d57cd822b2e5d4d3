// `codex-app-server generate-json-schema|generate-ts --out DIR` over the real bin: files appear,
// stdout carries one summary line and no protocol traffic, the server never starts.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";
import { generateJsonSchemaFiles } from "../../src/protocol/publish/json-schema.js";
import { generateTypeScriptFiles } from "../../src/protocol/publish/typescript.js";
import { BIN } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tempDir = useTempDirs(afterEach, "codex-generate-");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin with stdin left open: a started server would wait on it and never exit. */
function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, CODEX_HOME: tempDir() } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`codex-app-server ${args.join(" ")} did not exit; stderr: ${stderr}`));
    }, 10_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(path.join(dir, name)).isDirectory() ? listFiles(path.join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]));
}

describe("codex-app-server generate-*", () => {
  it("generate-json-schema writes the JSON Schema files and one summary line", async () => {
    const out = path.join(tempDir(), "nested", "schema");
    const r = await run(["generate-json-schema", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const expected = generateJsonSchemaFiles();
    expect(r.stdout).toBe(`Wrote ${expected.size} JSON Schema files to ${out}\n`);
    expect(listFiles(out)).toEqual([...expected.keys()].sort());
    for (const f of ["ClientRequest.json", "ServerNotification.json", "codex_app_server_protocol.schemas.json", "InitializeParams.json"]) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    // The bin's output is the source generator's, byte for byte.
    for (const [file, text] of expected) expect(readFileSync(path.join(out, file), "utf8"), file).toBe(text);
  });

  it("generate-ts writes TypeScript that type-checks, and one summary line", async () => {
    const out = tempDir();
    // The reference's spelling works too.
    const r = await run(["app-server", "generate-ts", "-o", out, "-c", "model=x"]);
    expect(r.code, r.stderr).toBe(0);
    const expected = generateTypeScriptFiles();
    expect(r.stdout).toBe(`Wrote ${expected.size} TypeScript files to ${out}\n`);
    expect(listFiles(out)).toEqual([...expected.keys()].sort());
    expect(readFileSync(path.join(out, "index.ts"), "utf8")).toContain('export type { ClientRequest } from "./ClientRequest.js";');

    const program = ts.createProgram({
      rootNames: listFiles(out).map((f) => path.join(out, f)),
      options: {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        noUnusedLocals: true,
        types: [],
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
    // Type-checking the generated tree takes seconds on its own; a loaded 2-core machine needs slack.
  }, 60_000);

  it("refuses a missing --out with exit code 2 and nothing on stdout", async () => {
    const r = await run(["generate-ts"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("generate-ts needs --out <DIR>");
  });

  it("reports a folder it cannot write on stderr, exit code 2", async () => {
    const blocker = path.join(tempDir(), "file");
    await run(["generate-json-schema", "--out", blocker]);
    const r = await run(["generate-json-schema", "--out", path.join(blocker, "InitializeParams.json", "x")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^codex-app-server: generate-json-schema: /);
  });
});
