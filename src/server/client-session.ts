// What one connection has told us about its client.
import type { ClientInfo } from "../protocol/initialize.js";

export class ClientSession {
  clientInfo: ClientInfo | undefined;
  /** Notification methods the client asked not to be sent (initialize's capabilities). */
  optOutNotificationMethods: ReadonlySet<string> = new Set();

  get initialized(): boolean {
    return this.clientInfo !== undefined;
  }
}
