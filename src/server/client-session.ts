// What one connection has told us about its client.
import type { ClientInfo } from "../protocol/initialize.js";

export class ClientSession {
  clientInfo: ClientInfo | undefined;
  /** What this client adds to its User-Agent ("<name>; <version>"), once initialized. */
  userAgentSuffix: string | undefined;

  get initialized(): boolean {
    return this.clientInfo !== undefined;
  }
}
