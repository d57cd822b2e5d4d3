// What one connection has told us about its client.
import type { ClientInfo } from "../protocol/initialize.js";

export class ClientSession {
  clientInfo: ClientInfo | undefined;
  /** Notification methods the client asked not to be sent (initialize's capabilities). */
  optOutNotificationMethods: ReadonlySet<string> = new Set();
  /** What this client adds to its User-Agent ("<name>; <version>"), once initialized. */
  userAgentSuffix: string | undefined;

  /** Which faces' conversation methods this client has called. */
  spokeV1 = false;
  spokeV2 = false;

  /** A v1-only client (0.90) does not know v2 notifications such as thread/status/changed. */
  get v1Only(): boolean {
    return this.spokeV1 && !this.spokeV2;
  }

  get initialized(): boolean {
    return this.clientInfo !== undefined;
  }
}
