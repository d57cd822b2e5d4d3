// One configured MCP server: started once (connect + tools/list within its startup timeout), its
// calls bounded by its tool timeout, restarted on the next use after it died. Startup failures
// are kept as the server's status; they never throw at the caller.
import type { McpServerConfig } from "../config/mcp-servers.js";
import type { Logger } from "../logging/logger.js";
import { registerSecret, scrubSecrets } from "../logging/redact.js";
import type { CallToolResult, ElicitHandler, McpSession, McpTool, StartupStatus } from "./session.js";

export interface ServerConnectionDeps {
  env: NodeJS.ProcessEnv;
  log?: Logger;
  onStatus(server: string, status: StartupStatus): void;
  onElicit(server: string): ElicitHandler;
}

export interface CallOptions {
  signal: AbortSignal;
  onProgress?(message: string): void;
  /** W3C trace context sent as params._meta (the OpenTelemetry MCP conventions' carrier). */
  trace?: { traceparent: string; tracestate?: string };
}

type Sdk = typeof import("./mcp-sdk.js");
let sdk: Promise<Sdk> | undefined;
const loadSdk = () => (sdk ??= import("./mcp-sdk.js"));
/** The SDK client of a running session. */
type SessionClient = McpSession["client"];

export class McpServerConnection {
  status: StartupStatus = { state: "starting" };
  tools: McpTool[] = [];
  serverInfo: Record<string, unknown> | null = null;
  capabilities: Record<string, unknown> | null = null;
  private session: McpSession | undefined;
  private starting: Promise<McpSession | undefined> | undefined;
  private readonly stopper = new AbortController();
  private closed = false;
  /** The transport's last error (an oversized message is only named here; the call sees "closed"). */
  private transportError: unknown;

  constructor(
    readonly config: McpServerConfig,
    private readonly deps: ServerConnectionDeps,
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** Starts (once, or again after the server died); resolves when it is ready or failed. */
  start(): Promise<McpSession | undefined> {
    if (this.session) return Promise.resolve(this.session);
    return (this.starting ??= this.connect().finally(() => (this.starting = undefined)));
  }

  private async connect(): Promise<McpSession | undefined> {
    const { name, startupTimeoutMs } = this.config;
    this.setStatus({ state: "starting" });
    // Credentials read from the environment never reach a log line or an error: registered as they
    // are read.
    const t = this.config.transport;
    if (t.kind === "http") {
      if (t.bearerTokenEnvVar) registerSecret(this.deps.env[t.bearerTokenEnvVar]);
      for (const variable of Object.values(t.envHttpHeaders)) registerSecret(this.deps.env[variable]);
    }
    const deadline = AbortSignal.any([this.stopper.signal, AbortSignal.timeout(Math.max(startupTimeoutMs, 1))]);
    let session: McpSession | undefined;
    try {
      const { connect } = await loadSdk();
      const work = (async () => {
        session = await connect(this.config, {
          env: this.deps.env,
          signal: deadline,
          onStderr: (chunk) => this.deps.log?.debug({ server: name, stderr: chunk.toString("utf8").slice(0, 2000) }, "mcp server stderr"),
          onElicit: this.deps.onElicit(name),
        });
        const tools: McpTool[] = [];
        let cursor: string | undefined;
        do {
          const page = await session.client.listTools(cursor ? { cursor } : undefined, { signal: deadline, timeout: 2 ** 31 - 1 });
          tools.push(...(page.tools as McpTool[]));
          cursor = page.nextCursor === cursor ? undefined : page.nextCursor;
        } while (cursor);
        return tools;
      })();
      const stopped = new Promise<never>((_, reject) => deadline.addEventListener("abort", () => reject(deadline.reason), { once: true }));
      const tools = await Promise.race([work, stopped]);
      if (this.closed) throw new Error("cancelled");
      this.tools = tools;
      this.serverInfo = (session!.client.getServerVersion() as Record<string, unknown> | undefined) ?? null;
      this.capabilities = (session!.client.getServerCapabilities() as Record<string, unknown> | undefined) ?? null;
      const live = session!;
      this.transportError = undefined;
      live.client.onerror = (error) => {
        this.transportError = error;
      };
      live.client.onclose = () => {
        // Died (or closed by us): the next use starts it again.
        if (this.session === live) this.session = undefined;
      };
      this.session = live;
      this.setStatus({ state: "ready" });
      return live;
    } catch (error) {
      void session?.close();
      if (this.closed) {
        this.setStatus({ state: "cancelled" });
        return undefined;
      }
      const timedOut = deadline.aborted && !this.stopper.signal.aborted;
      const message = timedOut
        ? `MCP client for \`${name}\` timed out after ${startupTimeoutMs / 1000} seconds. Add or adjust \`startup_timeout_sec\` in your config.toml:\n[mcp_servers.${name}]\nstartup_timeout_sec = XX`
        : `MCP client for \`${name}\` failed to start: ${describe(error)}`;
      this.deps.log?.warn({ server: name, err: error }, "mcp server failed to start");
      this.setStatus({ state: "failed", error: message });
      return undefined;
    }
  }

  private setStatus(status: StartupStatus): void {
    this.status = status;
    this.deps.onStatus(this.name, status);
  }

  async callTool(tool: string, args: Record<string, unknown> | undefined, options: CallOptions): Promise<CallToolResult> {
    const session = await this.start();
    if (!session) throw new Error(this.status.state === "failed" ? this.status.error : `MCP server \`${this.name}\` is not running`);
    try {
      const meta = options.trace ? { _meta: { ...options.trace } } : {};
      const result = await session.client.callTool({ name: tool, ...(args !== undefined ? { arguments: args } : {}), ...meta }, undefined, {
        signal: options.signal,
        timeout: Math.max(this.config.toolTimeoutMs, 1),
        ...(options.onProgress
          ? {
              onprogress: (p: { progress: number; total?: number; message?: string }) =>
                options.onProgress!(p.message ?? (p.total !== undefined ? `${p.progress}/${p.total}` : String(p.progress))),
            }
          : {}),
      });
      return result as CallToolResult;
    } catch (error) {
      const cause = oversized(this.transportError) ? this.transportError : error;
      throw new Error(`tool call failed for \`${this.name}/${tool}\`: ${describe(cause)}`);
    }
  }

  async readResource(uri: string): Promise<{ contents: Record<string, unknown>[] }> {
    const session = await this.start();
    if (!session) throw new Error(this.status.state === "failed" ? this.status.error : `MCP server \`${this.name}\` is not running`);
    try {
      const result = await session.client.readResource({ uri }, { timeout: Math.max(this.config.toolTimeoutMs, 1) });
      return { contents: result.contents as Record<string, unknown>[] };
    } catch (error) {
      throw new Error(`resources/read failed for \`${this.name}\` (${uri}): ${describe(error)}`);
    }
  }

  /** resources/list (all pages) when the server offers resources. */
  listResources(): Promise<Record<string, unknown>[]> {
    return this.resourcePages(async (client, cursor, options) => {
      const page = await client.listResources(cursor ? { cursor } : undefined, options);
      return { items: page.resources, nextCursor: page.nextCursor };
    });
  }

  /** resources/templates/list (all pages) when the server offers resources. */
  listResourceTemplates(): Promise<Record<string, unknown>[]> {
    return this.resourcePages(async (client, cursor, options) => {
      const page = await client.listResourceTemplates(cursor ? { cursor } : undefined, options);
      return { items: page.resourceTemplates, nextCursor: page.nextCursor };
    });
  }

  /** Every page of a resources listing; a server repeating its cursor ends it. */
  private async resourcePages(
    fetchPage: (client: SessionClient, cursor: string | undefined, options: { timeout: number }) => Promise<{ items: unknown[]; nextCursor?: string }>,
  ): Promise<Record<string, unknown>[]> {
    const session = this.session;
    if (!session || !this.capabilities?.resources) return [];
    const out: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const page = await fetchPage(session.client, cursor, { timeout: Math.max(this.config.toolTimeoutMs, 1) });
      out.push(...(page.items as Record<string, unknown>[]));
      cursor = page.nextCursor === cursor ? undefined : page.nextCursor;
    } while (cursor);
    return out;
  }

  /** At process exit, when there is no time for a clean close. */
  killNow(): void {
    this.session?.killNow();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopper.abort(new Error("MCP server stopped"));
    await this.starting?.catch(() => undefined);
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }
}

function oversized(error: unknown): boolean {
  return error instanceof Error && /ReadBuffer exceeded maximum size|exceeds \d+ bytes/.test(error.message);
}

/** An error for the client and the model: one line, no stack, no credential a server's reply echoed. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ReadBuffer exceeded maximum size/.test(message)) return "the server sent a message larger than 10 MiB";
  return scrubSecrets(message.split("\n")[0]!).slice(0, 500);
}
