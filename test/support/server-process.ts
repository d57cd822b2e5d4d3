// Spawns the built bin over stdio, as an IDE does, and speaks newline-delimited JSON-RPC to it.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { notificationProblems, resultProblems, serverRequestProblems } from "./reference-contract.js";
import { RpcPeer, type JsonObject } from "./rpc-peer.js";

export const BIN = fileURLToPath(new URL("../../bin/codex-app-server.js", import.meta.url));

export type { JsonObject, RpcResponse } from "./rpc-peer.js";

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  args?: string[];
  /** Written to $CODEX_HOME/config.toml before start. */
  configToml?: string;
  codexHome?: string;
  /** Another server binary and its arguments (the reference, for compatibility tests). */
  command?: string[];
  /** Messages it returns true for are handed over instead of kept (floods of notifications). */
  consume?: (message: JsonObject) => boolean;
  /**
   * Check every v2 message read (results, notifications, server requests) against codex 0.169's
   * schema; what fails is reported when the server is disposed. On unless `command` is given.
   */
  referenceCheck?: boolean;
  /** Sent on dispose after stdin closes (a server listening on sockets does not stop at EOF). */
  stopSignal?: NodeJS.Signals;
}

export class ServerProcess extends RpcPeer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly codexHome: string;
  /** Every stdout line, raw, in order. */
  readonly lines: string[] = [];
  stderr = "";
  /** Pieces of the stdout line not yet ended. */
  private readonly partial: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private ownsHome: boolean;
  private readonly consume: ((message: JsonObject) => boolean) | undefined;
  /** Methods of the requests we sent, by id, so a result is checked against its method's schema. */
  private readonly sentMethods = new Map<unknown, string>();
  private readonly referenceCheck: boolean;
  /** Messages that broke codex 0.169's v2 contract ("what: path: why"), unique, in order. */
  readonly conformanceProblems: string[] = [];
  private readonly stopSignal: NodeJS.Signals | undefined;

  constructor(options: SpawnOptions = {}) {
    super();
    this.stopSignal = options.stopSignal;
    this.ownsHome = !options.codexHome;
    this.consume = options.consume;
    this.referenceCheck = options.referenceCheck ?? options.command === undefined;
    this.codexHome = options.codexHome ?? mkdtempSync(path.join(os.tmpdir(), "codex-home-"));
    if (options.configToml !== undefined) writeFileSync(path.join(this.codexHome, "config.toml"), options.configToml);
    const env: Record<string, string | undefined> = { ...process.env, CODEX_HOME: this.codexHome, ...options.env };
    delete env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE;
    if (options.env && "CODEX_INTERNAL_ORIGINATOR_OVERRIDE" in options.env) {
      env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE = options.env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE;
    }
    const [file, ...args] = options.command ?? [process.execPath, BIN, ...(options.args ?? [])];
    this.child = spawn(file!, args, {
      env: env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.onStdout(chunk));
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => resolve({ code, signal })));
  }

  private onStdout(chunk: string): void {
    // Only the new chunk is searched for a line end: a multi-megabyte line must not cost O(n²).
    let nl = chunk.indexOf("\n");
    if (nl < 0) {
      this.partial.push(chunk);
      return;
    }
    let start = 0;
    for (; nl >= 0; start = nl + 1, nl = chunk.indexOf("\n", start)) {
      this.partial.push(chunk.slice(start, nl));
      const line = this.partial.join("");
      this.partial.length = 0;
      let message: JsonObject | undefined;
      try {
        message = JSON.parse(line) as JsonObject;
      } catch {
        // Kept in `lines`; tests assert every line is JSON.
      }
      if (message !== undefined && this.referenceCheck) this.checkReference(message);
      if (message !== undefined && this.consume?.(message)) continue;
      this.lines.push(line);
      if (message !== undefined) this.record(message);
    }
    if (start < chunk.length) this.partial.push(chunk.slice(start));
    this.wake();
  }

  private checkReference(message: JsonObject): void {
    try {
      this.recordProblems(this.referenceProblems(message));
    } catch (error) {
      this.recordProblems([`checking ${JSON.stringify(message).slice(0, 200)}: ${String(error)}`]);
    }
  }

  private referenceProblems(message: JsonObject): string[] {
    if (typeof message.method === "string") {
      return "id" in message ? serverRequestProblems(message.method, message.params) : notificationProblems(message.method, message.params);
    }
    if ("result" in message && this.sentMethods.has(message.id)) return resultProblems(this.sentMethods.get(message.id)!, message.result);
    return [];
  }

  private recordProblems(problems: string[]): void {
    for (const problem of problems) {
      if (this.conformanceProblems.length < 50 && !this.conformanceProblems.includes(problem)) this.conformanceProblems.push(problem);
    }
  }

  /** Writes raw text to stdin (for framing tests). */
  writeRaw(text: string | Buffer): void {
    this.child.stdin.write(text);
  }

  send(message: JsonObject): void {
    if (typeof message.method === "string" && "id" in message) this.sentMethods.set(message.id, message.method);
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  protected describe(): string {
    // Long lines shortened: a failure must stay readable when a test streams megabytes.
    const stdout = this.lines.map((l) => (l.length > 2_000 ? `${l.slice(0, 2_000)}… (${l.length} chars)` : l)).join("\n");
    return `stdout:\n${stdout}\nstderr:\n${this.stderr}`;
  }

  /** Waits for a line of stderr matching `pattern` (listeners print their address there). */
  async stderrMatch(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stderr);
      if (match) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`stderr never matched ${pattern}; stderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Closes stdin and resolves with the exit status and how long it took. */
  async closeStdin(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    this.child.stdin.end();
    const status = await this.exited;
    return { ...status, ms: Date.now() - started };
  }

  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.end();
      if (this.stopSignal) this.child.kill(this.stopSignal);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownsHome) rmSync(this.codexHome, { recursive: true, force: true });
    if (this.conformanceProblems.length > 0) {
      throw new Error(`messages that break codex 0.169's v2 schema:\n  ${this.conformanceProblems.join("\n  ")}`);
    }
  }
}

/** Servers started through the returned function are disposed after each test. */
export function useServers(afterEachHook: (fn: () => Promise<void>) => void, check?: (s: ServerProcess) => void) {
  const servers: ServerProcess[] = [];
  afterEachHook(async () => {
    // Every server is disposed even when one fails its checks; the first failure is reported.
    let failure: unknown;
    for (const s of servers.splice(0)) {
      try {
        check?.(s);
      } catch (error) {
        failure ??= error;
      }
      await s.dispose().catch((error: unknown) => (failure ??= error));
    }
    if (failure !== undefined) throw failure;
  });
  return (options?: SpawnOptions): ServerProcess => {
    const server = new ServerProcess(options);
    servers.push(server);
    return server;
  };
}

/** stdout carries JSON-RPC lines only. */
export function expectOnlyJsonLines(s: ServerProcess): void {
  for (const line of s.lines) {
    if (!line.startsWith("{")) throw new Error(`non-JSON stdout line: ${line.slice(0, 200)}`);
    JSON.parse(line);
  }
}
