// Starts the server core and, when stdio is a listener, the stdio connection: newline-delimited
// JSON-RPC on stdin/stdout (or LSP Content-Length framing when the client starts with it), whose
// end (EOF, a broken stdout) ends the process.
import type { Readable } from "node:stream";
import type { ConfigSource } from "../config/load.js";
import type { Logger } from "../logging/logger.js";
import type { Lifecycle } from "../transport/lifecycle.js";
import { NdjsonMessageReader } from "../transport/ndjson-reader.js";
import { NdjsonMessageWriter, type ProtocolOutput } from "../transport/ndjson-writer.js";
import { ClientConnection } from "./client-connection.js";
import { ServerCore } from "./server-core.js";

export interface AppServerOptions {
  config: ConfigSource;
  log: Logger;
  lifecycle: Lifecycle;
  /** The stdio connection's streams; absent when stdio is not a listener. */
  stdio?: { input: Readable; output: ProtocolOutput };
}

export interface AppServer {
  core: ServerCore;
  stdio: ClientConnection | undefined;
}

export function startAppServer(options: AppServerOptions): AppServer {
  const { log, lifecycle } = options;
  const core = new ServerCore(options);
  let stdio: ClientConnection | undefined;
  if (options.stdio) {
    const { input, output } = options.stdio;
    const writer = new NdjsonMessageWriter(output);
    stdio = new ClientConnection(core, {
      kind: "stdio",
      // LSP-based clients frame with Content-Length headers: the first bytes tell, replies follow.
      openReader: (hooks) => new NdjsonMessageReader(input, hooks, { onContentLength: () => writer.useContentLength() }),
      writer,
    });
    stdio.rpc.reader.onClose(() => void lifecycle.shutdown("stdin closed"));
    stdio.rpc.writer.onError(([error]) => {
      log.warn({ err: error }, "stdout closed");
      void lifecycle.shutdown("stdout closed");
    });
    stdio.listen();
  }
  return { core, stdio };
}
