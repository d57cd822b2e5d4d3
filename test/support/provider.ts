// A model provider for tests: no retries, everything else empty unless overridden.
import type { ModelProviderInfo } from "../../src/config/types.js";

export function testProvider(over: Partial<ModelProviderInfo> = {}): ModelProviderInfo {
  return {
    id: "p",
    name: "p",
    baseUrl: "http://127.0.0.1:1/v1",
    wireApi: "responses",
    queryParams: {},
    httpHeaders: {},
    envHttpHeaders: {},
    requestMaxRetries: 0,
    streamMaxRetries: 0,
    streamIdleTimeoutMs: 1000,
    requiresOpenaiAuth: false,
    ...over,
  };
}
