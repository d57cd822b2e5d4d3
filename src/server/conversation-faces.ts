// Everything behind the conversation methods (engine, model client, tools, rollouts, both protocol
// faces), loaded on the first conversation request: a client that only initializes never pays
// for it at start-up.
import { ConversationManager } from "../core/conversation-manager.js";
import { killAllRunningCommands } from "../tools/exec.js";
import { v1Handlers, type FaceDeps, type HandlerTable } from "./v1/register.js";
import { v2Handlers } from "./v2/register.js";

export interface ConversationFaces {
  handlers: HandlerTable;
  /** Stops turns and commands and writes rollouts out. */
  shutdown(): Promise<void>;
}

export function createConversationFaces(deps: Omit<FaceDeps, "manager"> & { pace(): Promise<void> | undefined }): ConversationFaces {
  const manager = new ConversationManager({ config: deps.config, env: process.env, pace: deps.pace, log: deps.log });
  const faceDeps: FaceDeps = { ...deps, manager };
  return {
    handlers: { ...v1Handlers(faceDeps), ...v2Handlers(faceDeps) },
    async shutdown() {
      killAllRunningCommands();
      await manager.closeAll();
    },
  };
}
