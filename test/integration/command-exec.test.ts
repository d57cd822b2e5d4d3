// command/exec and v1 execOneOffCommand over the real bin: buffered results, the sandbox the
// policy names (the configured one by default; refused, never run plain, without bubblewrap),
// streamed output with stdin writes, terminate, timeout, a pty with resize, binary and capped
// output, codex 0.169's validation errors, the server answering other requests while a command
// runs, and commands dying with the connection. Shapes are checked against 0.169's schema.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { runningMembers } from "../support/process-groups.js";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type JsonObject, type RpcResponse, type ServerProcess, type SpawnOptions } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";

const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "command-exec-");

const FULL = { type: "dangerFullAccess" };
const b64 = (text: string) => Buffer.from(text).toString("base64");

async function server(options: SpawnOptions = {}): Promise<ServerProcess> {
  const s = start(options);
  await s.initialize("exec_client", "1.0");
  return s;
}

function conforms(schema: string, value: unknown): void {
  expect(referenceSchemaProblems(loadReferenceSchema(`v2/${schema}.json`), value)).toEqual([]);
}

async function exec(s: ServerProcess, params: JsonObject): Promise<RpcResponse> {
  conforms("CommandExecParams", params);
  const res = await s.request("command/exec", params, 20_000);
  if (res.error === undefined) conforms("CommandExecResponse", res.result);
  return res;
}

/** Sends command/exec without waiting; returns its request id. */
let nextId = 10_000;
function send(s: ServerProcess, method: string, params: JsonObject): number {
  const id = nextId++;
  s.send({ id, method, params });
  return id;
}

/** Everything streamed for `processId` on `stream` so far, decoded. */
function streamed(s: ServerProcess, processId: string, stream = "stdout"): string {
  return Buffer.concat(
    s
      .notifications("command/exec/outputDelta")
      .map((n) => n.params as JsonObject)
      .filter((p) => p.processId === processId && p.stream === stream)
      .map((p) => Buffer.from(String(p.deltaBase64), "base64")),
  ).toString("utf8");
}

const waitForOutput = (s: ServerProcess, processId: string, pattern: RegExp) =>
  s.waitFor(() => pattern.exec(streamed(s, processId)) ?? undefined, 10_000, `output ${pattern} from ${processId}`);

const answered = (s: ServerProcess, id: number) => s.messages.some((m) => m.id === id && ("result" in m || "error" in m));

describe("command/exec buffered", () => {
  it("returns the exit code and both streams", async () => {
    const s = await server();
    const res = await exec(s, { command: ["sh", "-c", "echo hi; echo err >&2; exit 3"], cwd: "/tmp", sandboxPolicy: FULL });
    expect(res.result).toEqual({ exitCode: 3, stdout: "hi\n", stderr: "err\n" });
  });

  it("merges env overrides into the configured environment; null unsets", async () => {
    const s = await server({ env: { KEPT_VAR: "kept", DROPPED_VAR: "dropped", OPENAI_API_KEY: "sk-must-not-leak" } });
    const res = await exec(s, {
      // The server's credentials stay out, as for the model's commands.
      command: ["sh", "-c", 'echo "$KEPT_VAR ${DROPPED_VAR:-unset} $EXTRA${OPENAI_API_KEY:-}"'],
      env: { DROPPED_VAR: null, EXTRA: "extra" },
      sandboxPolicy: FULL,
    });
    expect(res.result).toEqual({ exitCode: 0, stdout: "kept unset extra\n", stderr: "" });
  });

  it("kills a command that outlives timeoutMs (124) and answers other requests meanwhile", async () => {
    const s = await server();
    const dir = tempDir();
    const slow = send(s, "command/exec", { command: ["sh", "-c", "echo $$ > pid; exec sleep 60"], cwd: dir, timeoutMs: 5_000, sandboxPolicy: FULL });
    await s.waitFor(() => (existsSync(path.join(dir, "pid")) ? true : undefined), 10_000, "the slow command to start");
    // While the slow one runs, another command and an fs call are served.
    const quick = await exec(s, { command: ["echo", "quick"], sandboxPolicy: FULL });
    expect(quick.result).toEqual({ exitCode: 0, stdout: "quick\n", stderr: "" });
    expect((await s.request("fs/getMetadata", { path: dir })).error).toBeUndefined();
    expect(answered(s, slow)).toBe(false);
    const res = await s.response(slow, 15_000);
    expect(res.result).toEqual({ exitCode: 124, stdout: "", stderr: "" });
    const pgid = Number(readFileSync(path.join(dir, "pid"), "utf8"));
    expect(runningMembers(pgid)).toBe(0);
  });

  it("caps binary output: valid UTF-8, at most the cap, outputBytesCap keeps the first bytes", async () => {
    const s = await server();
    const big = await exec(s, { command: ["head", "-c", "3000000", "/dev/urandom"], sandboxPolicy: FULL });
    const out = (big.result as { stdout: string }).stdout;
    // Each kept byte decodes to at most one UTF-16 unit; invalid sequences become U+FFFD.
    expect(out.length).toBeGreaterThan(0);
    expect(out.length).toBeLessThanOrEqual(1024 * 1024);
    expect(out.includes("\uFFFD")).toBe(true);
    expect(Buffer.from(out, "utf8").toString("utf8")).toBe(out);

    const capped = await exec(s, { command: ["sh", "-c", "printf 'abcdefghijklmnop'; printf 'XYZ' >&2"], outputBytesCap: 5, sandboxPolicy: FULL });
    expect(capped.result).toEqual({ exitCode: 0, stdout: "abcde", stderr: "XYZ" });
  });
});

describe("command/exec sandbox", () => {
  it("runs under the configured sandbox_mode by default (read-only: writes fail)", async () => {
    const s = await server({ configToml: 'sandbox_mode = "read-only"\n' });
    const dir = tempDir();
    const res = await exec(s, { command: ["sh", "-c", "echo x > out.txt"], cwd: dir });
    expect((res.result as { exitCode: number }).exitCode).not.toBe(0);
    expect((res.result as { stderr: string }).stderr).toMatch(/Read-only file system/);
    expect(existsSync(path.join(dir, "out.txt"))).toBe(false);
  });

  it("follows the request's policy: workspaceWrite lets it write its cwd only", async () => {
    const s = await server({ configToml: 'sandbox_mode = "read-only"\n' });
    const dir = tempDir();
    const other = tempDir();
    const policy = { type: "workspaceWrite", writableRoots: [], networkAccess: false, excludeSlashTmp: true, excludeTmpdirEnvVar: true };
    const res = await exec(s, { command: ["sh", "-c", `echo x > out.txt; echo y > '${other}/out.txt'`], cwd: dir, sandboxPolicy: policy });
    expect((res.result as { exitCode: number }).exitCode).not.toBe(0);
    expect(readFileSync(path.join(dir, "out.txt"), "utf8")).toBe("x\n");
    expect(existsSync(path.join(other, "out.txt"))).toBe(false);
  });

  it("refuses, and runs nothing, when the policy needs a sandbox this machine cannot build", async () => {
    const dir = tempDir();
    const s = await server({ configToml: 'sandbox_mode = "read-only"\n', env: { CODEX_APP_SERVER_BWRAP_PATHS: path.join(dir, "missing-bwrap") } });
    const marker = path.join(dir, "ran");
    const res = await exec(s, { command: ["touch", marker], cwd: dir });
    expect(res.error?.code).toBe(-32600);
    expect(res.error?.message).toMatch(/Command not run: sandbox_mode "read-only" cannot be enforced/);
    const v1 = await s.request("execOneOffCommand", { command: ["touch", marker], cwd: dir });
    expect(v1.error?.message).toMatch(/cannot be enforced/);
    expect(existsSync(marker)).toBe(false);
    // danger-full-access needs no sandbox and still runs.
    expect((await exec(s, { command: ["touch", marker], cwd: dir, sandboxPolicy: FULL })).result).toMatchObject({ exitCode: 0 });
    expect(existsSync(marker)).toBe(true);
  });
});

describe("command/exec streaming", () => {
  it("streams output as base64 deltas, takes stdin writes, and leaves the result's streams empty", async () => {
    const s = await server();
    const id = send(s, "command/exec", { command: ["cat"], processId: "cat-1", streamStdin: true, streamStdoutStderr: true, sandboxPolicy: FULL });
    const write = { processId: "cat-1", deltaBase64: b64("hello\n") };
    conforms("CommandExecWriteParams", write);
    const wrote = await s.request("command/exec/write", write);
    expect(wrote.result).toEqual({});
    conforms("CommandExecWriteResponse", wrote.result);
    await waitForOutput(s, "cat-1", /hello\n/);
    expect(answered(s, id)).toBe(false);
    expect((await s.request("command/exec/write", { processId: "cat-1", deltaBase64: b64("bye\n"), closeStdin: true })).result).toEqual({});
    expect((await s.response(id)).result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect(streamed(s, "cat-1")).toBe("hello\nbye\n");
    for (const n of s.notifications("command/exec/outputDelta")) conforms("CommandExecOutputDeltaNotification", n.params);
    // Every delta came before the response.
    const responseAt = s.messages.findIndex((m) => m.id === id);
    expect(s.messages.findLastIndex((m) => m.method === "command/exec/outputDelta")).toBeLessThan(responseAt);
    // The process is gone: its id is free and unknown again.
    expect((await s.request("command/exec/write", { processId: "cat-1", deltaBase64: b64("x") })).error).toMatchObject({
      code: -32600,
      message: 'no active command/exec for process id "cat-1"',
    });
  });

  it("stops streaming at outputBytesCap and flags the last chunk", async () => {
    const s = await server();
    const id = send(s, "command/exec", { command: ["sh", "-c", "head -c 100 /dev/zero | tr '\\0' a"], processId: "cap", streamStdoutStderr: true, outputBytesCap: 10, sandboxPolicy: FULL });
    expect((await s.response(id)).result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect(streamed(s, "cap")).toBe("aaaaaaaaaa");
    const deltas = s.notifications("command/exec/outputDelta").map((n) => n.params as JsonObject);
    expect(deltas.at(-1)?.capReached).toBe(true);
    expect(deltas.slice(0, -1).every((d) => d.capReached === false)).toBe(true);
  });

  it("waits for a client that stops reading instead of buffering the output (memory stays bounded)", async () => {
    const total = 200 * 1024 * 1024;
    // Deltas are counted and dropped as they arrive: 270 MB of base64 must not pile up in the test.
    let received = 0;
    let responded: JsonObject | undefined;
    const s = start({
      consume: (m) => {
        if (m.method === "command/exec/outputDelta") {
          received += Buffer.from(String((m.params as JsonObject).deltaBase64), "base64").length;
          return true;
        }
        if (m.id === "flood") responded = m;
        return false;
      },
    });
    await s.initialize("exec_client", "1.0");
    s.send({ id: "flood", method: "command/exec", params: { command: ["head", "-c", String(total), "/dev/zero"], processId: "flood", streamStdoutStderr: true, disableOutputCap: true, disableTimeout: true, sandboxPolicy: FULL } });
    await s.waitFor(() => (received > 0 ? true : undefined), 10_000, "the first delta");
    s.child.stdout.pause();
    const pid = s.child.pid!;
    const rss = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
    const before = rss();
    let peak = before;
    for (let i = 0; i < 30; i++) {
      await delay(100);
      peak = Math.max(peak, rss());
    }
    s.child.stdout.resume();
    const receivedBeforeResume = received;
    await s.waitFor(() => responded, 60_000, "the flood to finish");
    // Generous: a paced server grows by a few MB; one that buffers grows by the output's size.
    expect(peak - before, `RSS ${before.toFixed(1)} MB -> peak ${peak.toFixed(1)} MB`).toBeLessThan(40);
    expect(receivedBeforeResume).toBeLessThan(total / 2);
    expect(received).toBe(total);
    expect(responded?.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
  }, 90_000);

  it("terminate kills the whole process group (exit 137)", async () => {
    const s = await server();
    const id = send(s, "command/exec", { command: ["sh", "-c", "sleep 60 & echo $$; wait"], processId: "sleeper", streamStdoutStderr: true, sandboxPolicy: FULL });
    const pgid = Number((await waitForOutput(s, "sleeper", /(\d+)\n/))[1]);
    expect(runningMembers(pgid)).toBeGreaterThan(0);
    const params = { processId: "sleeper" };
    conforms("CommandExecTerminateParams", params);
    const res = await s.request("command/exec/terminate", params);
    expect(res.result).toEqual({});
    conforms("CommandExecTerminateResponse", res.result);
    expect((await s.response(id)).result).toEqual({ exitCode: 137, stdout: "", stderr: "" });
    await s.waitFor(() => (runningMembers(pgid) === 0 ? true : undefined), 5_000, "the group to be gone");
  });

  it("kills running commands when the client disconnects", async () => {
    const s = await server();
    send(s, "command/exec", { command: ["sh", "-c", "echo $$; exec sleep 60"], processId: "orphan", streamStdoutStderr: true, sandboxPolicy: FULL });
    const pgid = Number((await waitForOutput(s, "orphan", /(\d+)\n/))[1]);
    const exit = await s.closeStdin();
    expect(exit.code).toBe(0);
    await s.waitFor(() => (runningMembers(pgid) === 0 ? true : undefined), 5_000, "the group to be gone");
  });

  it("runs on a pty with the requested size and follows resize", async () => {
    const s = await server();
    const id = send(s, "command/exec", {
      command: ["sh", "-c", "tty; stty size; read line; stty size"],
      processId: "term",
      tty: true,
      size: { rows: 30, cols: 100 },
      sandboxPolicy: FULL,
    });
    await waitForOutput(s, "term", /30 100\r?\n/);
    expect(streamed(s, "term")).toMatch(/^\/dev\/pts\/\d+\r?\n/);
    const resize = { processId: "term", size: { rows: 40, cols: 120 } };
    conforms("CommandExecResizeParams", resize);
    const resized = await s.request("command/exec/resize", resize);
    expect(resized.result).toEqual({});
    conforms("CommandExecResizeResponse", resized.result);
    await s.request("command/exec/write", { processId: "term", deltaBase64: b64("go\r") });
    await waitForOutput(s, "term", /40 120\r?\n/);
    expect((await s.response(id)).result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
  });

  it("runs a pty command inside the sandbox too", async () => {
    const s = await server({ configToml: 'sandbox_mode = "read-only"\n' });
    const dir = tempDir();
    const id = send(s, "command/exec", { command: ["sh", "-c", "echo x > out.txt"], cwd: dir, processId: "ro-term", tty: true });
    expect((await s.response(id)).result).toMatchObject({ stdout: "", stderr: "" });
    expect(((await s.response(id)).result as { exitCode: number }).exitCode).not.toBe(0);
    expect(streamed(s, "ro-term")).toMatch(/Read-only file system/);
    expect(existsSync(path.join(dir, "out.txt"))).toBe(false);
  });
});

describe("command/exec bad input", () => {
  it("answers each with codex 0.169's error and keeps serving", async () => {
    const s = await server();
    const cases: [JsonObject, number, RegExp][] = [
      [{ command: [] }, -32600, /^command must not be empty$/],
      [{ command: ["true"], cwd: "relative/dir" }, -32602, /cwd: must be an absolute path/],
      [{ command: ["true"], tty: true }, -32600, /requires a client-supplied processId/],
      [{ command: ["true"], streamStdin: true }, -32600, /requires a client-supplied processId/],
      [{ command: ["true"], size: { rows: 1, cols: 1 } }, -32602, /size requires tty: true/],
      [{ command: ["true"], timeoutMs: 5, disableTimeout: true }, -32602, /cannot set both timeoutMs and disableTimeout/],
      [{ command: ["true"], outputBytesCap: 5, disableOutputCap: true }, -32602, /cannot set both outputBytesCap and disableOutputCap/],
      [{ command: ["/nonexistent/program"], sandboxPolicy: FULL }, -32603, /failed to spawn command `\/nonexistent\/program`: No such file or directory/],
      [{ command: ["true"], cwd: "/nonexistent/dir", sandboxPolicy: FULL }, -32603, /working directory does not exist: \/nonexistent\/dir/],
    ];
    for (const [params, code, message] of cases) {
      const res = await s.request("command/exec", params);
      expect(res.error?.code, JSON.stringify(params)).toBe(code);
      expect(res.error?.message).toMatch(message);
      expect(res.error?.message).not.toMatch(/\n\s+at /);
    }
    for (const method of ["command/exec/write", "command/exec/terminate"]) {
      const res = await s.request(method, { processId: "nobody" });
      expect(res.error).toMatchObject({ code: -32600, message: 'no active command/exec for process id "nobody"' });
    }
    const resize = await s.request("command/exec/resize", { processId: "nobody", size: { rows: 1, cols: 1 } });
    expect(resize.error?.code).toBe(-32600);
  });

  it("refuses a second command under a processId still running, and writes to one without stdin", async () => {
    const s = await server();
    const id = send(s, "command/exec", { command: ["sh", "-c", "echo up; exec sleep 60"], processId: "dup", streamStdoutStderr: true, sandboxPolicy: FULL });
    await waitForOutput(s, "dup", /up/);
    const again = await s.request("command/exec", { command: ["true"], processId: "dup", sandboxPolicy: FULL });
    expect(again.error).toMatchObject({ code: -32600, message: 'duplicate active command/exec process id: "dup"' });
    expect((await s.request("command/exec/write", { processId: "dup", deltaBase64: b64("x") })).error?.message).toMatch(/not started with streamStdin or tty/);
    expect((await s.request("command/exec/resize", { processId: "dup", size: { rows: 2, cols: 2 } })).error?.message).toMatch(/no tty/);
    await s.request("command/exec/terminate", { processId: "dup" });
    expect((await s.response(id)).result).toMatchObject({ exitCode: 137 });
  });
});

describe("v1 execOneOffCommand", () => {
  it("runs a command with codex 0.90's params and result", async () => {
    const s = await server();
    const dir = tempDir();
    const res = await s.request("execOneOffCommand", { command: ["sh", "-c", "pwd; echo oops >&2; exit 2"], cwd: dir, sandboxPolicy: { type: "danger-full-access" } });
    expect(res.result).toEqual({ exitCode: 2, stdout: `${dir}\n`, stderr: "oops\n" });
  });

  it("uses the configured sandbox and times out", async () => {
    const s = await server({ configToml: 'sandbox_mode = "read-only"\n' });
    const dir = tempDir();
    const ro = await s.request("execOneOffCommand", { command: ["sh", "-c", "echo x > f"], cwd: dir });
    expect(ro.result).toMatchObject({ stderr: expect.stringMatching(/Read-only file system/) as unknown });
    const slow = await s.request("execOneOffCommand", { command: ["sleep", "60"], timeoutMs: 500, sandboxPolicy: { type: "danger-full-access" } });
    // 0.90 answers a timeout with an error ("exec failed: sandbox error: command timed out").
    expect(slow.error).toMatchObject({ code: -32603, message: "exec failed: command timed out after 500 ms" });
    expect((await s.request("execOneOffCommand", { command: [] })).error?.code).toBe(-32600);
  });
});
