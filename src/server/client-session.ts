// What one connection has told us about its client.
import type { ClientInfo } from "../protocol/initialize.js";

export class ClientSession {
  clientInfo: ClientInfo | undefined;

  get initialized(): boolean {
    return this.clientInfo !== undefined;
  }
}
