// The v2 method table: threads, turns, accounts, models and fs/*.
import type { FaceDeps, HandlerTable } from "../v1/register.js";
import * as acc from "./account-handlers.js";
import { v2Approver } from "./approvals.js";
import * as fs from "./fs-handlers.js";
import { ModelCatalog, modelList, type ModelDeps } from "./model-handlers.js";
import * as v2 from "./thread-handlers.js";
import * as v2t from "./turn-handlers.js";
import { reviewStart } from "./review-handlers.js";
import { V2Threads } from "./threads.js";

export function v2Handlers(deps: FaceDeps): HandlerTable {
  const base = { manager: deps.manager, config: deps.config, approver: v2Approver(deps.connection, deps.log), notify: deps.notify };
  const d: v2.ThreadHandlerDeps = { ...base, threads: new V2Threads(base) };
  const accounts: acc.AccountDeps = { config: deps.config.config, env: process.env, notify: deps.notify };
  const models: ModelDeps = { config: deps.config.config, env: process.env };
  const catalog = new ModelCatalog(models);
  return {
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
    "thread/start": (p: Parameters<typeof v2.threadStart>[1]) => v2.threadStart(d, p),
    "thread/resume": (p: Parameters<typeof v2.threadResume>[1]) => v2.threadResume(d, p),
    "thread/fork": (p: Parameters<typeof v2.threadFork>[1]) => v2.threadFork(d, p),
    "thread/archive": (p: Parameters<typeof v2.threadArchive>[1]) => v2.threadArchive(d, p),
    "thread/name/set": (p: Parameters<typeof v2.threadSetName>[1]) => v2.threadSetName(d, p),
    "thread/unarchive": (p: Parameters<typeof v2.threadUnarchive>[1]) => v2.threadUnarchive(d, p),
    "thread/list": (p: Parameters<typeof v2.threadList>[1]) => v2.threadList(d, p),
    "thread/read": (p: Parameters<typeof v2.threadRead>[1]) => v2.threadRead(d, p),
    "thread/loaded/list": () => v2.threadLoadedList(d),
    "turn/start": (p: Parameters<typeof v2t.turnStart>[1]) => v2t.turnStart(d, p),
    "turn/interrupt": (p: Parameters<typeof v2t.turnInterrupt>[1]) => v2t.turnInterrupt(d, p),
    "review/start": (p: Parameters<typeof reviewStart>[1]) => reviewStart(d, p),
  };
}
