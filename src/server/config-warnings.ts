// configWarning notifications wait until the client has initialized, then go out in order.
import type { ConfigWarningNotification } from "../protocol/config.js";
import type { ClientSession } from "./client-session.js";
import type { Notifier } from "./notifier.js";

export class ConfigWarningOutbox {
  private pending: ConfigWarningNotification[] = [];

  constructor(
    private readonly session: ClientSession,
    private readonly notifier: Notifier,
  ) {}

  add(given: ConfigWarningNotification): void {
    // Every field present (null when not known): typed clients declare them all.
    const warning = { details: null, path: null, range: null, ...given };
    if (this.session.initialized) this.notifier.send("configWarning", warning);
    else this.pending.push(warning);
  }

  /** Called right after the initialize reply is queued. */
  flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (const warning of pending) this.notifier.send("configWarning", warning);
  }
}
