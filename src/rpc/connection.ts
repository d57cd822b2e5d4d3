// Builds the vscode-jsonrpc connection over our NDJSON reader/writer, with one star handler for
// requests (through the router) and one for notifications. Input that never becomes a message
// (bad JSON, not JSON-RPC, an oversized line) is answered here with the matching error.
import {
  CancellationTokenSource,
  createMessageConnection,
  RAL,
  type CancellationToken,
  type Logger as RpcLogger,
  type MessageConnection,
  type RequestMessage,
} from "vscode-jsonrpc/node";
import type { Logger } from "../logging/logger.js";
import type { InputProblem, ReaderHooks, TextMessageReader } from "../transport/ndjson-reader.js";
import type { ProtocolWriter } from "../transport/ndjson-writer.js";
import { ReplyHooks, withReplyHooks } from "./after-reply.js";
import { ErrorCode } from "./errors.js";
import { replyingUnderClientIds, RequestIds } from "./request-ids.js";
import { recordingSender } from "./sent-requests.js";
import type { RequestTracker } from "./request-tracker.js";
import type { RequestEnvelope, Router } from "./router.js";

export interface RpcConnection {
  connection: MessageConnection;
  reader: TextMessageReader;
  writer: ProtocolWriter;
}

export interface RpcConnectionOptions {
  /** The transport's reader (NDJSON lines, WebSocket frames, …), given the hooks that answer bad input. */
  openReader(hooks: ReaderHooks): TextMessageReader;
  writer: ProtocolWriter;
  router: Router;
  tracker: RequestTracker;
  log: Logger;
  onNotification?(method: string, params: unknown): void;
  /** Whether the router wants each request's envelope (tracing is on); nothing is kept otherwise. */
  keepEnvelopes?(): boolean;
  /** Notifications this connection's client opted out of are not written. */
  dropNotification?(method: string): boolean;
}

let dispatchPatched = false;

/**
 * vscode-jsonrpc starts one incoming message per setImmediate, so while turns stream (each event-loop
 * pass busy with model output) every queued request waits a whole pass. Its runtime layer is
 * swappable: starting the next message from a microtask serves requests as soon as they are read.
 */
function dispatchFromMicrotasks(): void {
  if (dispatchPatched) return;
  dispatchPatched = true;
  const ral = RAL();
  RAL.install({
    ...ral,
    timer: {
      ...ral.timer,
      setImmediate(callback: (...args: unknown[]) => void, ...args: unknown[]) {
        let live = true;
        queueMicrotask(() => {
          if (live) callback(...args);
        });
        return { dispose: () => void (live = false) };
      },
    },
  });
}

export function createRpcConnection(options: RpcConnectionOptions): RpcConnection {
  dispatchFromMicrotasks();
  const { log } = options;
  const ids = new RequestIds();
  const writer = options.writer;
  const replyHooks = new ReplyHooks();
  // Outermost, so hooks see our request ids before replies take the client's back.
  const replies = withReplyHooks(replyingUnderClientIds(writer, ids), replyHooks, options.dropNotification);
  const sent = recordingSender();
  const answerProblem = (problem: InputProblem) => {
    log.warn({ problem: problem.kind }, problem.message);
    const code = problem.kind === "parse" ? ErrorCode.ParseError : ErrorCode.InvalidRequest;
    writer.write({ jsonrpc: "2.0", id: problem.id, error: { code, message: problem.message } } as never).catch(() => {});
  };
  const reader = options.openReader({
    onProblem: answerProblem,
    onRequest: () => options.tracker.received(),
    admit: (message) => ids.inbound(message),
    onIgnored: (method, reason) => log.warn({ method }, `ignored notification: ${reason}`),
    onLineFailed: (error) => log.error({ err: error }, "could not handle an input line"),
    onDeliveryFailed: (message, error) => {
      log.error({ err: error }, "could not take a message");
      const id = (message as { id?: unknown }).id;
      if ("method" in message && (typeof id === "string" || typeof id === "number")) {
        replies.write({ jsonrpc: "2.0", id, error: { code: ErrorCode.InternalError, message: "Internal error" } } as never).catch(() => {});
      }
    },
  });
  const rpcLog: RpcLogger = {
    error: (m) => log.error(m),
    warn: (m) => log.warn(m),
    info: (m) => log.debug(m),
    log: (m) => log.debug(m),
  };
  // The star handler sees method, params and token only; the envelope (client id, `trace`) is
  // reached through the token, made per request from the whole message.
  const envelopes = new WeakMap<CancellationToken, RequestEnvelope>();
  /** Our id of each request, for its reply hooks. */
  const requestIds = new WeakMap<CancellationToken, number | string>();
  const cancellationStrategy = {
    receiver: {
      kind: "request" as const,
      createCancellationTokenSource(message: RequestMessage) {
        const source = new CancellationTokenSource();
        if (message.id !== null) requestIds.set(source.token, message.id);
        if (!options.keepEnvelopes?.()) return source;
        const trace = (message as { trace?: unknown }).trace;
        const id = ids.clientId(message.id) ?? message.id ?? "";
        envelopes.set(source.token, { id, ...(trace !== undefined ? { trace } : {}) });
        return source;
      },
    },
    sender: sent.sender,
  };
  const connection = createMessageConnection(reader, replies, rpcLog, { cancellationStrategy });
  sent.attach(connection);
  connection.onRequest((method, params, token) => {
    const id = requestIds.get(token);
    const afterReply = (fn: () => void) => (id === undefined ? setImmediate(fn) : replyHooks.add(id, fn));
    return options.router.dispatch(method, params, token, envelopes.get(token), afterReply).finally(() => options.tracker.answered());
  });
  connection.onNotification((method, params) => options.onNotification?.(method, params));
  return { connection, reader, writer };
}
