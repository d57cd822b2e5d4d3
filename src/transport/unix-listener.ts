// The unix://PATH listener: newline-delimited JSON-RPC per accepted socket, as on stdio. The socket
// file is created 0600 (umask around the bind, chmod after), a stale one (nobody accepting) is
// replaced, a live one or a non-socket file refuses the start, and the file is removed at exit.
import { chmodSync, lstatSync, unlinkSync } from "node:fs";
import net from "node:net";

export interface UnixListener {
  path: string;
  close(): Promise<void>;
}

export class UnixListenError extends Error {}

export async function startUnixListener(path: string, options: { admit(): boolean; onConnection(socket: net.Socket): void }): Promise<UnixListener> {
  await clearStaleSocket(path);
  const server = net.createServer((socket) => {
    if (!options.admit()) {
      socket.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"too many connections"}}\n');
      return;
    }
    options.onConnection(socket);
  });
  const sockets = new Set<net.Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(previous);
  }
  chmodSync(path, 0o600);
  const remove = () => {
    try {
      unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
  process.once("exit", remove);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          remove();
          resolve();
        });
      }),
  };
}

async function clearStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new UnixListenError(`${path} exists and is not a socket; refusing to replace it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new UnixListenError(`another server is listening on ${path}`);
  unlinkSync(path);
}
