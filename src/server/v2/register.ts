// The v2 method table: threads and turns.
import { clientRequests as c } from "../../protocol/methods.js";
import type { FaceDeps } from "../v1/register.js";
import { v2Approver } from "./approvals.js";
import * as v2 from "./thread-handlers.js";
import * as v2t from "./turn-handlers.js";
import { V2Threads } from "./threads.js";

export function registerV2(deps: FaceDeps): void {
  const { router } = deps;
  const base = { manager: deps.manager, config: deps.config, approver: v2Approver(deps.connection, deps.log), notify: deps.notify };
  const v2deps: v2.ThreadHandlerDeps = { ...base, threads: new V2Threads(base) };
  router.register("thread/start", c["thread/start"], (p) => v2.threadStart(v2deps, p));
  router.register("thread/resume", c["thread/resume"], (p) => v2.threadResume(v2deps, p));
  router.register("thread/fork", c["thread/fork"], (p) => v2.threadFork(v2deps, p));
  router.register("thread/archive", c["thread/archive"], (p) => v2.threadArchive(v2deps, p));
  router.register("thread/list", c["thread/list"], (p) => v2.threadList(v2deps, p));
  router.register("thread/read", c["thread/read"], (p) => v2.threadRead(v2deps, p));
  router.register("thread/loaded/list", c["thread/loaded/list"], () => v2.threadLoadedList(v2deps));
  router.register("turn/start", c["turn/start"], (p) => v2t.turnStart(v2deps, p));
  router.register("turn/interrupt", c["turn/interrupt"], (p) => v2t.turnInterrupt(v2deps, p));
}
