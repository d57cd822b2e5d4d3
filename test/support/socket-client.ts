// Clients of a server started with --listen: a WebSocket (one JSON-RPC message per text frame) and
// a Unix socket (newline-delimited JSON), with the request/notification helpers of RpcPeer.
import { readFileSync } from "node:fs";
import net from "node:net";
import WebSocket from "ws";
import { RpcPeer, type JsonObject } from "./rpc-peer.js";
import type { ServerProcess, SpawnOptions } from "./server-process.js";

export class WsClient extends RpcPeer {
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    super();
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      this.record(JSON.parse(String(data)) as JsonObject);
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  }

  /** Resolves once open; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once("open", () => resolve(new WsClient(socket)));
      socket.once("unexpected-response", (_req, res) => reject(new UpgradeRefused(res.statusCode ?? 0)));
      socket.once("error", reject);
    });
  }

  send(message: JsonObject): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): Promise<unknown> {
    this.socket.close();
    return this.closed;
  }

  protected describe(): string {
    return `received: ${JSON.stringify(this.messages).slice(0, 4_000)}`;
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

export class UnixClient extends RpcPeer {
  readonly closed: Promise<void>;
  private partial = "";

  private constructor(readonly socket: net.Socket) {
    super();
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      const lines = (this.partial + chunk).split("\n");
      this.partial = lines.pop()!;
      for (const line of lines) if (line.trim() !== "") this.record(JSON.parse(line) as JsonObject);
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
  }

  static connect(path: string): Promise<UnixClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      socket.once("connect", () => resolve(new UnixClient(socket)));
      socket.once("error", reject);
    });
  }

  send(message: JsonObject): void {
    this.socket.write(`${JSON.stringify(message)}\n`);
  }

  close(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  protected describe(): string {
    return `received: ${JSON.stringify(this.messages).slice(0, 4_000)}`;
  }
}

/** Spawn options for a server listening on sockets only: SIGTERM on dispose (stdin EOF does not stop it). */
export function listening(urls: string[], options: SpawnOptions = {}): SpawnOptions {
  return { ...options, args: [...urls.flatMap((u) => ["--listen", u]), ...(options.args ?? [])], stopSignal: "SIGTERM" };
}

/** The ws:// address the server printed on stderr, and the generated token (if any) from the file it names. */
export async function wsAddress(s: ServerProcess): Promise<{ url: string; token: string | undefined; http: string }> {
  const [, url] = await s.stderrMatch(/listening on: (ws:\/\/\S+)/);
  const file = /token file: (\S+)/.exec(s.stderr)?.[1];
  const token = file === undefined ? undefined : readFileSync(file, "utf8").trim();
  return { url: url!, token, http: url!.replace(/^ws:/, "http:") };
}

/** Connects with the generated token as a bearer token and initializes. */
export async function wsClient(s: ServerProcess, name = "ws_client"): Promise<WsClient> {
  const { url, token } = await wsAddress(s);
  const client = await WsClient.connect(url, token ? { authorization: `Bearer ${token}` } : {});
  const init = await client.initialize(name, "1.0.0");
  if (init.error) throw new Error(`initialize failed: ${JSON.stringify(init.error)}`);
  return client;
}
