// Dispatches every request through one table: the initialize gate, method lookup, params
// validation against the protocol schema, then the handler. Each outcome is reported once.
import type { CancellationToken } from "vscode-jsonrpc/node";
import { formatPath, SchemaIssue } from "../protocol/schema.js";
import type { MethodContract } from "../protocol/methods.js";
import { ErrorCode, RpcError, rpcErrors } from "./errors.js";

export interface RequestContext {
  /** Aborted by `$/cancelRequest` for this request. */
  readonly signal: AbortSignal;
  /** Runs `fn` once this request's reply (result or error) is written, before anything sent later. */
  afterReply(fn: () => void): void;
}

export type Handler<P, R> = (params: P, ctx: RequestContext) => R | Promise<R>;

export interface Route {
  readonly contract: MethodContract<unknown, unknown>;
  readonly handle: Handler<unknown, unknown>;
}

export interface DispatchReport {
  /** The method name, or "unknown" for names we do not serve (keeps metric cardinality bounded). */
  method: string;
  outcome: "ok" | "error";
  code?: number;
  durationMs: number;
}

/** What the request's envelope carried besides method and params. */
export interface RequestEnvelope {
  /** The client's id for the request. */
  id: string | number;
  /** 0.169's W3C trace context field as sent (src/protocol/trace.ts reads it). */
  trace?: unknown;
}

/** Observes one request from dispatch to reply (a trace span). */
export interface RequestObserver {
  done(outcome: DispatchReport["outcome"], code: number | undefined, result: unknown): void;
}

export interface RouterOptions {
  isInitialized(): boolean;
  onDispatched?(report: DispatchReport): void;
  /** Called per request; undefined means nothing observes it (tracing off). */
  observe?(method: string, params: unknown, envelope: RequestEnvelope | undefined): RequestObserver | undefined;
  onInternalError?(method: string, error: unknown): void;
}

export class Router {
  private readonly routes = new Map<string, Route>();

  constructor(private readonly options: RouterOptions) {}

  register<P, R>(method: string, contract: MethodContract<P, R>, handle: Handler<P, R>): void {
    this.routes.set(method, { contract, handle } as unknown as Route);
  }

  async dispatch(
    method: string,
    params: unknown,
    token: CancellationToken,
    envelope?: RequestEnvelope,
    afterReply: (fn: () => void) => void = (fn) => void setImmediate(fn),
  ): Promise<unknown> {
    const started = process.hrtime.bigint();
    const route = this.routes.get(method);
    const observer = this.options.observe?.(method, params, envelope);
    const report = (outcome: DispatchReport["outcome"], code?: number, result?: unknown) => {
      observer?.done(outcome, code, result);
      this.options.onDispatched?.({
        method: route ? method : "unknown",
        outcome,
        ...(code !== undefined ? { code } : {}),
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    };
    try {
      if (!route?.contract.beforeInitialize && !this.options.isInitialized()) throw rpcErrors.notInitialized();
      if (!route) throw rpcErrors.methodNotFound(method);
      const parsed = parseParams(route.contract, params);
      const result = await route.handle(parsed, { signal: requestSignal(token), afterReply });
      report("ok", undefined, result);
      return result;
    } catch (error) {
      const rpc = error instanceof RpcError ? error : undefined;
      if (!rpc) this.options.onInternalError?.(method, error);
      const out = rpc ?? rpcErrors.internal();
      report("error", out.code);
      throw out.toResponseError();
    }
  }
}

function parseParams(contract: MethodContract<unknown, unknown>, params: unknown): unknown {
  if (Array.isArray(params)) {
    throw new RpcError(ErrorCode.InvalidParams, "Invalid params: params must be an object, not an array");
  }
  try {
    return contract.params.parse(params);
  } catch (e) {
    if (e instanceof SchemaIssue) {
      const field = formatPath(e.path);
      throw rpcErrors.invalidParams(field, e.expected);
    }
    throw e;
  }
}

function requestSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
