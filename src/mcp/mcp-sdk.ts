// The official MCP SDK's client, behind the few calls the connection needs. Built as a bundle of
// its own (dist/mcp-sdk.cjs): only a server with `[mcp_servers]` configured loads it.
import { existsSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { McpServerConfig } from "../config/mcp-servers.js";
import { resolveTrustedProgram } from "../sandbox/trusted-path.js";
import { APP_VERSION } from "../version.js";
import type { ElicitHandler, McpSession } from "./session.js";

/** A server message larger than this fails the request instead of filling our memory. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

// Variables a stdio server gets from our environment without asking (the reference's list).
const DEFAULT_ENV_VARS = ["HOME", "LOGNAME", "PATH", "SHELL", "USER", "LANG", "LC_ALL", "TERM", "TMPDIR", "TZ"];

// setsid(1) execs the server as the leader of a new process group, so shutdown can kill the
// server together with whatever it started.
const SETSID = ["/usr/bin/setsid", "/bin/setsid"].find((p) => existsSync(p));

export interface ConnectOptions {
  env: NodeJS.ProcessEnv;
  /** The server's stderr lines (logged at debug level). */
  onStderr(chunk: Buffer): void;
  onElicit: ElicitHandler;
  signal: AbortSignal;
}

export async function connect(config: McpServerConfig, options: ConnectOptions): Promise<McpSession> {
  const client = new Client({ name: "codex-mcp-client", version: APP_VERSION, title: "Codex" }, { capabilities: { elicitation: { form: {} } } });
  // extra.signal: the server cancelled its request (or the connection closed), so the client's question is withdrawn.
  client.setRequestHandler(ElicitRequestSchema, async (request, extra) => options.onElicit(request.params as Record<string, unknown>, extra.signal));
  const t = config.transport;
  let pid: number | null = null;
  let transport: StdioClientTransport | StreamableHTTPClientTransport;
  if (t.kind === "stdio") {
    const env: Record<string, string> = {};
    for (const key of [...DEFAULT_ENV_VARS, ...t.envVars]) {
      const value = options.env[key];
      if (value !== undefined) env[key] = value;
    }
    Object.assign(env, t.env);
    // A bare name is looked up here, not by setsid/execvp: a relative PATH entry would find a
    // program of that name in the server's cwd (a repository), and nothing another user can write counts.
    const command = resolveTrustedProgram(t.command, env.PATH);
    const stdio = new StdioClientTransport({
      command: SETSID ?? command,
      args: SETSID ? [command, ...t.args] : t.args,
      env,
      stderr: "pipe",
      ...(t.cwd !== undefined ? { cwd: t.cwd } : {}),
    });
    stdio.stderr?.on("data", options.onStderr);
    transport = stdio;
    const started = stdio.start.bind(stdio);
    // The pid is known once spawned; connect() starts the transport itself.
    stdio.start = async () => {
      await started();
      pid = stdio.pid;
    };
  } else {
    const headers: Record<string, string> = { ...t.httpHeaders };
    for (const [header, variable] of Object.entries(t.envHttpHeaders)) {
      const value = options.env[variable];
      if (value) headers[header] = value;
    }
    if (t.bearerTokenEnvVar !== undefined) {
      const token = options.env[t.bearerTokenEnvVar];
      if (!token) throw new Error(`environment variable ${t.bearerTokenEnvVar} (bearer_token_env_var) is not set`);
      headers.Authorization = `Bearer ${token}`;
    }
    transport = new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers }, fetch: cappedFetch });
  }
  const killGroup = (signal: NodeJS.Signals) => {
    if (pid === null) return;
    try {
      process.kill(SETSID ? -pid : pid, signal);
    } catch {
      // Already gone.
    }
  };
  try {
    await client.connect(transport, { signal: options.signal, timeout: 2 ** 31 - 1 });
  } catch (error) {
    killGroup("SIGKILL");
    void client.close().catch(() => undefined);
    throw error;
  }
  return {
    client,
    get pid() {
      return pid;
    },
    killNow: () => killGroup("SIGKILL"),
    async close() {
      // SIGTERM first so a server can clean up; the group is killed if it lingers.
      killGroup("SIGTERM");
      const closed = client.close().catch(() => undefined);
      const timer = setTimeout(() => killGroup("SIGKILL"), 500);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 600).unref())]);
      clearTimeout(timer);
      killGroup("SIGKILL");
    },
  };
}

/** fetch whose response bodies fail past MAX_MESSAGE_BYTES. */
const cappedFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
  const response = await fetch(url, init);
  if (!response.body) return response;
  let seen = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > MAX_MESSAGE_BYTES) controller.error(new Error(`MCP server response exceeds ${MAX_MESSAGE_BYTES} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
};
