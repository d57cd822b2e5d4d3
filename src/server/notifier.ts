// Typed server → client notifications; a failed write is logged, never thrown into a handler.
import type { MessageConnection } from "vscode-jsonrpc/node";
import type { Logger } from "../logging/logger.js";
import type { NotificationMethod, ServerNotifications } from "../protocol/methods.js";
import type { Infer } from "../protocol/schema.js";

export class Notifier {
  constructor(
    private readonly connection: MessageConnection,
    private readonly log: Logger,
  ) {}

  send<M extends NotificationMethod>(method: M, params: Infer<ServerNotifications[M]>): void {
    this.connection.sendNotification(method, params).catch((error: unknown) => {
      this.log.debug({ err: error, method }, "notification not delivered");
    });
  }
}
