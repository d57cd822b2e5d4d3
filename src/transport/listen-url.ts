// `--listen` values: stdio:// (the default), unix://PATH (unix:// alone: $CODEX_HOME/app-server.sock),
// ws://HOST:PORT (an IP or localhost; port 0 picks one), off (no listener: the process only runs
// its shutdown on a signal).
export type ListenTarget =
  | { kind: "stdio" }
  | { kind: "unix"; path: string | undefined }
  | { kind: "ws"; host: string; port: number }
  | { kind: "off" };

export class ListenUrlError extends Error {}

export function parseListenUrl(url: string): ListenTarget {
  if (url === "stdio://" || url === "stdio") return { kind: "stdio" };
  if (url === "off") return { kind: "off" };
  if (url.startsWith("unix://")) {
    const path = url.slice("unix://".length);
    return { kind: "unix", path: path === "" ? undefined : path };
  }
  if (url.startsWith("ws://")) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ListenUrlError(`invalid --listen URL ${JSON.stringify(url)}; expected ws://IP:PORT`);
    }
    const port = Number(parsed.port || "NaN");
    if (!parsed.hostname || !Number.isInteger(port) || (parsed.pathname !== "/" && parsed.pathname !== "")) {
      throw new ListenUrlError(`invalid --listen URL ${JSON.stringify(url)}; expected ws://IP:PORT`);
    }
    // URL keeps IPv6 brackets; net.listen wants the bare address.
    const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
    return { kind: "ws", host, port };
  }
  throw new ListenUrlError(`unsupported --listen URL ${JSON.stringify(url)}; expected stdio://, unix://PATH, ws://IP:PORT or off`);
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::ffff:127.0.0.1";
}
