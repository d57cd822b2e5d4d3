// The v2 method table: threads, turns, accounts, models, fs/* and command/exec.
import type { FaceDeps, HandlerTable } from "../v1/register.js";
import { onRateLimits } from "../../model/rate-limits.js";
import * as acc from "./account-handlers.js";
import { v2Approver } from "./approvals.js";
import * as cx from "./command-exec-handlers.js";
import * as fs from "./fs-handlers.js";
import { ModelCatalog, modelList, type ModelDeps } from "./model-handlers.js";
import * as lc from "./lifecycle-handlers.js";
import * as v2 from "./thread-handlers.js";
import * as v2t from "./turn-handlers.js";
import { reviewStart } from "./review-handlers.js";
import { V2Threads, type V2Deps } from "./threads.js";

export function v2Handlers(deps: FaceDeps): HandlerTable {
  const base: V2Deps = {
    manager: deps.manager,
    config: deps.config,
    approver: deps.approver,
    notify: deps.notify,
    origin: deps.origin,
    broadcast: deps.broadcast,
    subscriptions: deps.subscriptions,
    subscriber: {
      connectionId: deps.connectionId,
      face: "v2",
      approver: v2Approver(deps.connection, deps.log),
      pace: deps.pace,
      closed: deps.closed,
    },
  };
  const threads = new V2Threads(base);
  deps.setThreadNotify((id, method, params) => threads.deliver(id, method, params));
  const d: v2.ThreadHandlerDeps = { ...base, threads };
  const accounts: acc.AccountDeps = { config: deps.config.config, env: process.env, notify: deps.notify };
  const models: ModelDeps = { config: deps.config.config, env: process.env };
  const catalog = new ModelCatalog(models);
  const exec: cx.CommandExecDeps = { config: deps.config, env: process.env, sessions: deps.oneOffs, notify: deps.notify, pace: deps.pace };
  onRateLimits((rateLimits) => deps.notify("account/rateLimits/updated", { rateLimits }));
  return {
    "command/exec": (p: Parameters<typeof cx.commandExec>[1]) => cx.commandExec(exec, p),
    "command/exec/write": (p: Parameters<typeof cx.commandExecWrite>[1]) => cx.commandExecWrite(exec, p),
    "command/exec/resize": (p: Parameters<typeof cx.commandExecResize>[1]) => cx.commandExecResize(exec, p),
    "command/exec/terminate": (p: Parameters<typeof cx.commandExecTerminate>[1]) => cx.commandExecTerminate(exec, p),
    "fs/watch": (p: Parameters<typeof fs.fsWatch>[1]) => fs.fsWatch(deps.watches, p),
    "fs/unwatch": (p: Parameters<typeof fs.fsUnwatch>[1]) => fs.fsUnwatch(deps.watches, p),
    "model/list": (p: Parameters<typeof modelList>[2]) => modelList(models, catalog, p),
    "fs/readFile": (p: Parameters<typeof fs.fsReadFile>[0]) => fs.fsReadFile(p),
    "fs/writeFile": (p: Parameters<typeof fs.fsWriteFile>[0]) => fs.fsWriteFile(p),
    "fs/createDirectory": (p: Parameters<typeof fs.fsCreateDirectory>[0]) => fs.fsCreateDirectory(p),
    "fs/getMetadata": (p: Parameters<typeof fs.fsGetMetadata>[0]) => fs.fsGetMetadata(p),
    "fs/readDirectory": (p: Parameters<typeof fs.fsReadDirectory>[0]) => fs.fsReadDirectory(p),
    "fs/remove": (p: Parameters<typeof fs.fsRemove>[0]) => fs.fsRemove(p),
    "fs/copy": (p: Parameters<typeof fs.fsCopy>[0]) => fs.fsCopy(p),
    "account/read": () => acc.accountRead(accounts),
    "account/login/start": (p: Parameters<typeof acc.accountLoginStart>[1]) => acc.accountLoginStart(accounts, p),
    "account/login/cancel": (p: Parameters<typeof acc.accountLoginCancel>[0]) => acc.accountLoginCancel(p),
    "account/logout": () => acc.accountLogout(accounts),
    "account/rateLimits/read": () => acc.accountRateLimitsRead(),
    "thread/start": (p: Parameters<typeof v2.threadStart>[1], ctx) => v2.threadStart(d, p, ctx),
    "thread/resume": (p: Parameters<typeof v2.threadResume>[1]) => v2.threadResume(d, p),
    "thread/fork": (p: Parameters<typeof v2.threadFork>[1], ctx) => v2.threadFork(d, p, ctx),
    "thread/archive": (p: Parameters<typeof v2.threadArchive>[1], ctx) => v2.threadArchive(d, p, ctx),
    "thread/name/set": (p: Parameters<typeof v2.threadSetName>[1]) => v2.threadSetName(d, p),
    "thread/unarchive": (p: Parameters<typeof v2.threadUnarchive>[1], ctx) => v2.threadUnarchive(d, p, ctx),
    "thread/list": (p: Parameters<typeof v2.threadList>[1]) => v2.threadList(d, p),
    "thread/read": (p: Parameters<typeof v2.threadRead>[1]) => v2.threadRead(d, p),
    "thread/loaded/list": () => v2.threadLoadedList(d),
    "turn/start": (p: Parameters<typeof v2t.turnStart>[1], ctx) => v2t.turnStart(d, p, ctx),
    "turn/interrupt": (p: Parameters<typeof v2t.turnInterrupt>[1], ctx) => v2t.turnInterrupt(d, p, ctx),
    "turn/steer": (p: Parameters<typeof v2t.turnSteer>[1]) => v2t.turnSteer(d, p),
    "thread/unsubscribe": (p: Parameters<typeof lc.threadUnsubscribe>[1]) => lc.threadUnsubscribe(d, p),
    "thread/delete": (p: Parameters<typeof lc.threadDelete>[1]) => lc.threadDelete(d, p),
    "thread/rollback": (p: Parameters<typeof lc.threadRollback>[1]) => lc.threadRollback(d, p),
    "thread/turns/list": (p: Parameters<typeof lc.threadTurnsList>[1]) => lc.threadTurnsList(d, p),
    "thread/items/list": (p: Parameters<typeof lc.threadItemsList>[1]) => lc.threadItemsList(d, p),
    "thread/compact/start": (p: Parameters<typeof v2t.threadCompactStart>[1]) => v2t.threadCompactStart(d, p),
    "thread/shellCommand": (p: Parameters<typeof v2t.threadShellCommand>[1], ctx) => v2t.threadShellCommand(d, p, ctx),
    "review/start": (p: Parameters<typeof reviewStart>[1], ctx) => reviewStart(d, p, ctx),
  };
}
