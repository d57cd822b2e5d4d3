// Errors of the store and config that a client must see with their message (-32600), as the
// reference reports them; both protocol faces use these wrappers. A session store that cannot be
// used is the server's problem (-32603), but its message names the path and the cause.
import { ConfigError } from "../config/load.js";
import { RolloutError } from "../rollout/types.js";
import { ErrorCode, RpcError, rpcErrors } from "../rpc/errors.js";

export async function rolloutCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RolloutError) throw error.code === "storage" ? storageFailure(error) : rpcErrors.invalidRequest(error.message);
    throw error;
  }
}

function storageFailure(error: RolloutError): RpcError {
  return new RpcError(ErrorCode.InternalError, error.message);
}

/** Config problems are the client's to fix: name the file and line. */
export async function withConfig<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConfigError) throw rpcErrors.invalidRequest(`error deriving config: ${error.message}`);
    // newConversation and thread/start create a rollout under this wrapper only.
    if (error instanceof RolloutError && error.code === "storage") throw storageFailure(error);
    throw error;
  }
}
