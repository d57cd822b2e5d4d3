// The one error table. Handlers throw RpcError; anything else becomes a generic -32603 whose
// details go to the log only, never to the client.
import { ResponseError } from "vscode-jsonrpc/node";

export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toResponseError(): ResponseError<unknown> {
    return new ResponseError(this.code, this.message, this.data);
  }
}

export const rpcErrors = {
  notInitialized: () => new RpcError(ErrorCode.InvalidRequest, "Not initialized"),
  alreadyInitialized: () => new RpcError(ErrorCode.InvalidRequest, "Already initialized"),
  invalidRequest: (message: string) => new RpcError(ErrorCode.InvalidRequest, message),
  methodNotFound: (method: string) => new RpcError(ErrorCode.MethodNotFound, `Method not found: ${method}`),
  invalidParams: (field: string, problem: string) =>
    new RpcError(ErrorCode.InvalidParams, `Invalid params: ${field}: ${problem}`, { field, problem }),
  internal: () => new RpcError(ErrorCode.InternalError, "Internal error"),
  /** A known method this server will not serve; `needs` says what it would take. */
  notSupported: (method: string, needs: string) =>
    new RpcError(ErrorCode.InvalidRequest, `${method} is not supported by this server: it needs ${needs}`, { method, notSupported: true }),
};
