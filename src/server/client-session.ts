// What one connection has told us about its client.
import type { ClientInfo } from "../protocol/initialize.js";

export class ClientSession {
  clientInfo: ClientInfo | undefined;
  /** Notification methods the client asked not to be sent (initialize's capabilities). */
  optOutNotificationMethods: ReadonlySet<string> = new Set();
  /** What this client adds to its User-Agent ("<name>; <version>"), once initialized. */
  userAgentSuffix: string | undefined;

  get initialized(): boolean {
    return this.clientInfo !== undefined;
  }
}
