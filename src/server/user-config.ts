// getUserSavedConfig: the values written in config.toml, as the client sees them.
import { ConfigToml } from "../config/config-toml.js";
import type { ConfigSource } from "../config/load.js";
import type { GetUserSavedConfigResult, UserSavedConfig } from "../protocol/config.js";
import { rpcErrors } from "../rpc/errors.js";

export function handleGetUserSavedConfig(source: ConfigSource): GetUserSavedConfigResult {
  if (source.error) throw rpcErrors.invalidRequest(`error deriving config: ${source.error.message}`);
  const t = ConfigToml.parse(source.fileTable);
  const sww = t.sandbox_workspace_write;
  const config: UserSavedConfig = {
    approvalPolicy: t.approval_policy ?? null,
    sandboxMode: t.sandbox_mode ?? null,
    sandboxSettings: sww
      ? {
          writableRoots: sww.writable_roots ?? [],
          networkAccess: sww.network_access ?? null,
          excludeTmpdirEnvVar: sww.exclude_tmpdir_env_var ?? null,
          excludeSlashTmp: sww.exclude_slash_tmp ?? null,
        }
      : null,
    forcedChatgptWorkspaceId: t.forced_chatgpt_workspace_id ?? null,
    forcedLoginMethod: t.forced_login_method ?? null,
    model: t.model ?? null,
    modelReasoningEffort: t.model_reasoning_effort ?? null,
    modelReasoningSummary: t.model_reasoning_summary ?? null,
    modelVerbosity: t.model_verbosity ?? null,
    tools: t.tools ? { webSearch: t.tools.web_search ?? null, viewImage: t.tools.view_image ?? null } : null,
    profile: t.profile ?? null,
    profiles: Object.fromEntries(
      Object.entries(t.profiles ?? {}).map(([name, p]) => [
        name,
        {
          model: p.model ?? null,
          modelProvider: p.model_provider ?? null,
          approvalPolicy: p.approval_policy ?? null,
          modelReasoningEffort: p.model_reasoning_effort ?? null,
          modelReasoningSummary: p.model_reasoning_summary ?? null,
          modelVerbosity: p.model_verbosity ?? null,
        },
      ]),
    ),
  };
  return { config };
}
