// Registers the methods that need OpenAI's cloud (src/protocol/cloud-methods.ts): each answers at
// once with a "not supported by this server" error, after the usual initialize gate.
import { CLOUD_METHOD_CONTRACT, CLOUD_METHODS } from "../protocol/cloud-methods.js";
import { rpcErrors } from "../rpc/errors.js";
import type { Router } from "../rpc/router.js";

export function registerCloudMethods(router: Router): void {
  for (const [method, needs] of Object.entries(CLOUD_METHODS)) {
    router.register(method, CLOUD_METHOD_CONTRACT, () => {
      throw rpcErrors.notSupported(method, needs);
    });
  }
}
