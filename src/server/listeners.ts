// Starts the unix:// and ws:// listeners and turns each accepted socket into a ClientConnection over
// the shared core. A connection that goes away (closed, reset, failed ping, stuck reader) is
// dropped: its subscriptions and pending server requests end; its threads keep running.
import path from "node:path";
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import type { WsAuthFlags } from "../cli.js";
import { isLoopbackHost, type ListenTarget } from "../transport/listen-url.js";
import { NdjsonMessageReader } from "../transport/ndjson-reader.js";
import { NdjsonMessageWriter } from "../transport/ndjson-writer.js";
import { startUnixListener } from "../transport/unix-listener.js";
import { setUpWsAuth } from "../transport/ws-auth.js";
import { startWsListener } from "../transport/ws-listener.js";
import { WsMessageReader, WsMessageWriter } from "../transport/ws-transport.js";
import { ClientConnection } from "./client-connection.js";
import type { ServerCore } from "./server-core.js";

export interface ListenLimits {
  maxConnections: number;
  maxFrameBytes: number;
  /** Unread output (characters) after which a WebSocket client is disconnected. */
  maxUnreadChars: number;
  pingIntervalMs: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const given = Number(env[name]);
  return env[name] !== undefined && Number.isInteger(given) && given > 0 ? given : fallback;
}

/** Defaults, each overridable by an environment variable (tests lower them). */
export function listenLimits(env: NodeJS.ProcessEnv): ListenLimits {
  return {
    maxConnections: intFromEnv(env, "CODEX_APP_SERVER_MAX_CONNECTIONS", 2048),
    maxFrameBytes: intFromEnv(env, "CODEX_APP_SERVER_MAX_FRAME_BYTES", 32 * 1024 * 1024),
    maxUnreadChars: intFromEnv(env, "CODEX_APP_SERVER_MAX_UNREAD_CHARS", 64 * 1024 * 1024),
    pingIntervalMs: intFromEnv(env, "CODEX_APP_SERVER_WS_PING_MS", 30_000),
  };
}

/** Starts every socket listener; throws (WsAuthError, UnixListenError, EADDRINUSE…) when one cannot start. */
export async function startListeners(core: ServerCore, targets: readonly ListenTarget[], authFlags: WsAuthFlags, limits: ListenLimits): Promise<void> {
  const admit = () => !core.lifecycle.isStopping && core.connections.size < limits.maxConnections;
  const ws = targets.filter((t): t is Extract<ListenTarget, { kind: "ws" }> => t.kind === "ws");
  const auth = ws.length === 0 ? undefined : await setUpWsAuth(authFlags, { loopbackOnly: ws.every((t) => isLoopbackHost(t.host)), codexHome: core.config.home });
  for (const target of targets) {
    if (target.kind === "unix") {
      const socketPath = target.path ?? path.join(core.config.home, "app-server.sock");
      const listener = await startUnixListener(socketPath, { admit, onConnection: (socket) => serveUnixSocket(core, socket, limits) });
      core.lifecycle.onShutdown(`close ${socketPath}`, () => listener.close());
      process.stderr.write(`codex app-server (Unix socket)\n  listening on: unix://${listener.path}\n`);
    } else if (target.kind === "ws") {
      const listener = await startWsListener({
        host: target.host,
        port: target.port,
        auth: auth?.auth,
        maxFrameBytes: limits.maxFrameBytes,
        admit,
        pingIntervalMs: limits.pingIntervalMs,
        onConnection: (socket) => serveWebSocket(core, socket, limits),
        onRefused: (status, reason) => core.log.info({ status }, `websocket refused: ${reason}`),
      });
      core.lifecycle.onShutdown(`close ${listener.url}`, () => listener.close());
      const http = listener.url.replace(/^ws:/, "http:");
      const lines = [`codex app-server (WebSockets)`, `  listening on: ${listener.url}`];
      if (auth?.generatedToken) {
        // The token itself stays in its 0600 file: stderr often ends up in an IDE's log.
        lines.push(`  token file: ${auth.tokenFile} (send it as Authorization: Bearer <token>, or ?token=<token>)`);
      }
      lines.push(`  readyz: ${http}/readyz`, `  healthz: ${http}/healthz`);
      if (isLoopbackHost(target.host)) lines.push("  note: binds localhost only (use SSH port-forwarding for remote access)");
      process.stderr.write(`${lines.join("\n")}\n`);
    }
  }
}

function serveUnixSocket(core: ServerCore, socket: Socket, limits: ListenLimits): void {
  // Pacing bounds turn output; whatever else piles up this far means the client stopped reading.
  const cap = { chars: limits.maxUnreadChars, onOverflow: () => socket.destroy(new Error("client too slow: unread output over the limit")) };
  const connection = new ClientConnection(core, {
    kind: "unix",
    openReader: (hooks) => new NdjsonMessageReader(socket, hooks),
    writer: new NdjsonMessageWriter({ write: (data, done) => socket.write(data, done), stream: socket }, cap),
  });
  // The client closed its side: what it asked is answered, then the socket ends.
  connection.rpc.reader.onClose(() => {
    void connection
      .idle()
      .then(() => connection.rpc.writer.flushed())
      .finally(() => {
        connection.drop();
        socket.end();
      });
  });
  connection.rpc.writer.onError(() => {
    connection.drop();
    socket.destroy();
  });
  socket.on("close", () => connection.drop());
  socket.on("error", () => socket.destroy());
  connection.listen();
}

function serveWebSocket(core: ServerCore, socket: WebSocket, limits: ListenLimits): void {
  let connection: ClientConnection | undefined;
  // First listener: the connection counts as gone before its pending requests are rejected.
  socket.on("close", () => connection?.drop());
  socket.on("error", () => socket.terminate());
  connection = new ClientConnection(core, {
    kind: "ws",
    openReader: (hooks) => new WsMessageReader(socket, hooks),
    writer: new WsMessageWriter(socket, limits.maxUnreadChars),
  });
  connection.rpc.writer.onError(() => {
    connection?.drop();
    socket.terminate();
  });
  connection.listen();
}
