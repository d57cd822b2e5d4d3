// A loaded thread's 0.169 ThreadStatus as its event stream moves it: active while a turn runs
// (flagged waitingOnApproval while the client is asked), idle between turns. notLoaded is told
// on unload (conversation-faces). Pure; tells only changes. One per loaded thread, process-wide.
import type { CoreEvent } from "../../core/events.js";
import type { ThreadStatus } from "../../protocol/v2/thread.js";

const key = (s: ThreadStatus) => (s.type === "active" ? `active:${s.activeFlags.join(",")}` : s.type);

export class ThreadStatusTracker {
  private current: ThreadStatus = { type: "idle" };

  get status(): ThreadStatus {
    return this.current;
  }

  /** The new status when this event changes it. */
  next(event: CoreEvent): ThreadStatus | undefined {
    const after = statusAfter(event, this.current);
    // Most events (every delta) leave the status as it is: no allocation, no comparison.
    return after === this.current ? undefined : this.set(after);
  }

  private set(status: ThreadStatus): ThreadStatus | undefined {
    if (key(status) === key(this.current)) return undefined;
    this.current = status;
    return status;
  }
}

function statusAfter(event: CoreEvent, current: ThreadStatus): ThreadStatus {
  // The user's own command inside a turn leaves it as it was (0.169 stays waitingOnApproval meanwhile).
  if ("source" in event && event.source === "userShell") return current;
  switch (event.type) {
    case "turnComplete":
    case "turnAborted":
      return { type: "idle" };
    case "execApprovalRequest":
    case "patchApprovalRequest":
      return { type: "active", activeFlags: ["waitingOnApproval"] };
    default: {
      // Any other event of a running turn means nobody is being waited on any more.
      if (event.type !== "turnStarted" && current.type !== "active") return current;
      return current.type === "active" && current.activeFlags.length === 0 ? current : { type: "active", activeFlags: [] };
    }
  }
}
