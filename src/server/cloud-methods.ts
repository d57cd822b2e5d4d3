// Client methods of codex 0.169 (generate-json-schema, experimental ones included) that only work
// against OpenAI's cloud services. This server runs without them, so each is answered at once
// with a "not supported by this server" error (after the usual initialize gate) rather than
// -32601, telling the client the method is known and why it cannot be served. Each maps to the
// cloud service it would need. They stay out of the published contract: we do not serve them.
import type { MethodContract } from "../protocol/methods.js";
import * as s from "../protocol/schema.js";
import { rpcErrors } from "../rpc/errors.js";
import type { Router } from "../rpc/router.js";

const MARKETPLACE = "the plugin marketplace";
const APPS = "ChatGPT apps";
const CHATGPT_ACCOUNT = "a ChatGPT account";
const REALTIME = "the realtime audio API";
const REMOTE_CONTROL = "ChatGPT remote control";

export const CLOUD_METHODS: Readonly<Record<string, string>> = {
  "marketplace/add": MARKETPLACE,
  "marketplace/remove": MARKETPLACE,
  "marketplace/upgrade": MARKETPLACE,
  "plugin/list": MARKETPLACE,
  "plugin/installed": MARKETPLACE,
  "plugin/reconcile": MARKETPLACE,
  "plugin/read": MARKETPLACE,
  "plugin/search": MARKETPLACE,
  "plugin/skill/read": MARKETPLACE,
  "plugin/install": MARKETPLACE,
  "plugin/uninstall": MARKETPLACE,
  "plugin/share/save": MARKETPLACE,
  "plugin/share/updateTargets": MARKETPLACE,
  "plugin/share/list": MARKETPLACE,
  "plugin/share/checkout": MARKETPLACE,
  "plugin/share/delete": MARKETPLACE,
  "app/read": APPS,
  "app/installed": APPS,
  "account/gatewayOAuth/read": "ChatGPT OAuth",
  "account/gatewayOAuth/login": "ChatGPT OAuth",
  "account/gatewayOAuth/cancel": "ChatGPT OAuth",
  "account/securitySetup/read": CHATGPT_ACCOUNT,
  "account/rateLimitResetCredit/consume": CHATGPT_ACCOUNT,
  "account/usage/read": CHATGPT_ACCOUNT,
  "account/workspaceMessages/read": CHATGPT_ACCOUNT,
  "account/sendAddCreditsNudgeEmail": CHATGPT_ACCOUNT,
  "accountSession/list": CHATGPT_ACCOUNT,
  "accountSession/switch": CHATGPT_ACCOUNT,
  "feedback/upload": "OpenAI's feedback service",
  "thread/realtime/start": REALTIME,
  "thread/realtime/appendAudio": REALTIME,
  "thread/realtime/appendText": REALTIME,
  "thread/realtime/appendSpeech": REALTIME,
  "thread/realtime/stop": REALTIME,
  "thread/realtime/listVoices": REALTIME,
  "remoteControl/enable": REMOTE_CONTROL,
  "remoteControl/disable": REMOTE_CONTROL,
  "remoteControl/status/read": REMOTE_CONTROL,
  "remoteControl/pairing/start": REMOTE_CONTROL,
  "remoteControl/pairing/status": REMOTE_CONTROL,
  "remoteControl/client/list": REMOTE_CONTROL,
  "remoteControl/client/revoke": REMOTE_CONTROL,
  "windowsSandbox/setupStart": "the Windows sandbox (Windows only)",
  "windowsSandbox/readiness": "the Windows sandbox (Windows only)",
};

/** Any params: the answer is the same whatever they hold. */
const CLOUD_METHOD_CONTRACT: MethodContract<unknown, never> = {
  params: s.unknown(),
  result: s.unknown() as s.Schema<never>,
};

export function registerCloudMethods(router: Router): void {
  for (const [method, needs] of Object.entries(CLOUD_METHODS)) {
    router.register(method, CLOUD_METHOD_CONTRACT, () => {
      throw rpcErrors.notSupported(method, needs);
    });
  }
}
