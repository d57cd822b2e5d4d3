// The ws://HOST:PORT listener: an HTTP server answering GET /readyz and /healthz, and upgrading
// other requests to WebSockets once they pass the checks, in order: no Origin header (browsers
// send one; a page must not drive the agent) → 403, under the connection cap → 503, a valid
// bearer token (Authorization: Bearer, or ?token= in the URL) → 401. A plain request elsewhere
// gets 426. Idle connections are pinged; one that misses a pong is terminated.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { WsAuthenticator } from "./ws-auth.js";

export interface WsListenerOptions {
  host: string;
  port: number;
  auth: WsAuthenticator | undefined;
  /** Largest text frame accepted; a bigger one closes the connection with 1009. */
  maxFrameBytes: number;
  /** Whether another connection may open now. */
  admit(): boolean;
  pingIntervalMs: number;
  onConnection(socket: WebSocket): void;
  onRefused?(status: number, reason: string): void;
}

export interface WsListener {
  /** ws://host:port as bound (port 0 resolved). */
  url: string;
  close(): Promise<void>;
}

export function startWsListener(options: WsListenerOptions): Promise<WsListener> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false });
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && (pathname === "/readyz" || pathname === "/healthz")) {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    res.writeHead(426, { "content-type": "text/plain", upgrade: "websocket", connection: "Upgrade" });
    res.end("this endpoint speaks JSON-RPC over WebSocket; GET /readyz and /healthz answer plain HTTP\n");
  });
  const refuse = (socket: Socket, status: number, reason: string) => {
    options.onRefused?.(status, reason);
    const text = `${reason}\n`;
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  };
  server.on("upgrade", (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    void (async () => {
      if (req.headers.origin !== undefined) return refuse(socket, 403, "requests with an Origin header are refused");
      if (!options.admit()) return refuse(socket, 503, "too many connections");
      if (options.auth && !(await options.auth.verify(bearerToken(req)))) return refuse(socket, 401, "missing or invalid bearer token");
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => {
        watchLiveness(ws, options.pingIntervalMs);
        options.onConnection(ws);
      });
    })().catch(() => socket.destroy());
  });
  // Slow or silent HTTP clients must not hold sockets forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        url: `ws://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.terminate();
            wss.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** `Authorization: Bearer <token>`, else the URL's `?token=` (what the printed URL carries). */
function bearerToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match) return match[1];
  const query = (req.url ?? "").split("?")[1];
  return query === undefined ? undefined : (new URLSearchParams(query).get("token") ?? undefined);
}

/** Pings every interval; a connection that has not answered the previous ping is terminated. */
function watchLiveness(ws: WebSocket, intervalMs: number): void {
  let alive = true;
  ws.on("pong", () => (alive = true));
  // Any frame from the client shows it is there too.
  ws.on("message", () => (alive = true));
  const timer = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, intervalMs);
  timer.unref();
  ws.on("close", () => clearInterval(timer));
}
