// Every module under src/protocol/ that defines wire shapes. The published contract calls a shape
// by the name its module exports it under (ThreadItem, AskForApproval, ...); a shape no module
// exports is written inline where it is used. Modules under v2/ publish into the `v2` namespace
// (schema/v2/, `v2.` definitions, the v2/ folder of generate-ts), the rest into the root one.
// test/unit/published-schema.test.ts fails when a protocol file is missing from this list.
import * as config from "../config.js";
import * as fuzzySearch from "../fuzzy-search.js";
import * as initialize from "../initialize.js";
import * as trace from "../trace.js";
import * as v1Account from "../v1/account.js";
import * as v1Approvals from "../v1/approvals.js";
import * as v1Common from "../v1/common.js";
import * as v1Conversation from "../v1/conversation.js";
import * as v1History from "../v1/history.js";
import * as v1Workspace from "../v1/workspace.js";
import * as v2Account from "../v2/account.js";
import * as v2Approvals from "../v2/approvals.js";
import * as v2CommandExec from "../v2/command-exec.js";
import * as v2Config from "../v2/config.js";
import * as v2Fs from "../v2/fs.js";
import * as v2Item from "../v2/item.js";
import * as v2Mcp from "../v2/mcp.js";
import * as v2Model from "../v2/model.js";
import * as v2Review from "../v2/review.js";
import * as v2Sandbox from "../v2/sandbox.js";
import * as v2Skills from "../v2/skills.js";
import * as v2Thread from "../v2/thread.js";
import * as v2ThreadLifecycle from "../v2/thread-lifecycle.js";
import * as v2Turn from "../v2/turn.js";

export interface ProtocolModule {
  /** Path under src/protocol/. */
  readonly file: string;
  readonly exports: Readonly<Record<string, unknown>>;
}

/** Root-namespace modules first: a shape exported by both a root and a v2 module keeps its root name. */
export const protocolModules: readonly ProtocolModule[] = [
  { file: "config.ts", exports: config },
  { file: "fuzzy-search.ts", exports: fuzzySearch },
  { file: "initialize.ts", exports: initialize },
  { file: "trace.ts", exports: trace },
  { file: "v1/account.ts", exports: v1Account },
  { file: "v1/approvals.ts", exports: v1Approvals },
  { file: "v1/common.ts", exports: v1Common },
  { file: "v1/conversation.ts", exports: v1Conversation },
  { file: "v1/history.ts", exports: v1History },
  { file: "v1/workspace.ts", exports: v1Workspace },
  { file: "v2/account.ts", exports: v2Account },
  { file: "v2/approvals.ts", exports: v2Approvals },
  { file: "v2/command-exec.ts", exports: v2CommandExec },
  { file: "v2/config.ts", exports: v2Config },
  { file: "v2/fs.ts", exports: v2Fs },
  { file: "v2/item.ts", exports: v2Item },
  { file: "v2/mcp.ts", exports: v2Mcp },
  { file: "v2/model.ts", exports: v2Model },
  { file: "v2/review.ts", exports: v2Review },
  { file: "v2/sandbox.ts", exports: v2Sandbox },
  { file: "v2/skills.ts", exports: v2Skills },
  { file: "v2/thread.ts", exports: v2Thread },
  { file: "v2/thread-lifecycle.ts", exports: v2ThreadLifecycle },
  { file: "v2/turn.ts", exports: v2Turn },
];

/** "v2" for files under v2/, "" (the root namespace) otherwise. */
export function namespaceOfFile(file: string): string {
  const slash = file.indexOf("/");
  return slash > 0 && file.slice(0, slash) === "v2" ? "v2" : "";
}
