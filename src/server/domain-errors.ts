// Errors of the store and config that a client must see with their message (-32600), as the
// reference reports them; both protocol faces use these wrappers.
import { ConfigError } from "../config/load.js";
import { RolloutError } from "../rollout/types.js";
import { rpcErrors } from "../rpc/errors.js";

export async function rolloutCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RolloutError) throw rpcErrors.invalidRequest(error.message);
    throw error;
  }
}

/** Config problems are the client's to fix: name the file and line. */
export async function withConfig<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConfigError) throw rpcErrors.invalidRequest(`error deriving config: ${error.message}`);
    throw error;
  }
}
