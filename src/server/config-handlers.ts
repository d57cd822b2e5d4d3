// config/read, config/value/write, config/batchWrite, configRequirements/read and v1 setDefaultModel.
import { layeredConfig } from "../config/layers.js";
import { maskSecretAt, maskSecretValues } from "../config/secret-values.js";
import type { ConfigSource } from "../config/load.js";
import type { ConfigEditRequest, ConfigWriter, WriteOptions } from "../config/writer.js";
import type { TomlTable } from "../config/toml-table.js";
import { ConfigWriteError } from "../config/write-error.js";
import type { SetDefaultModelParams } from "../protocol/config.js";
import type { ParamsOf, ResultOf } from "../protocol/methods.js";
import type { ConfigWriteResponse } from "../protocol/v2/config.js";
import { ErrorCode, RpcError, rpcErrors } from "../rpc/errors.js";

// Keys 0.169's Config names: always present, null when unset.
const CONFIG_KEYS = [
  "analytics", "approval_policy", "approvals_reviewer", "browser_use", "client_search_provider", "compact_prompt",
  "computer_use", "desktop", "developer_instructions", "forced_chatgpt_workspace_id", "forced_login_method",
  "instructions", "model", "model_auto_compact_token_limit", "model_auto_compact_token_limit_scope",
  "model_context_window", "model_provider", "model_reasoning_effort", "model_reasoning_summary", "model_verbosity",
  "review_model", "sandbox_mode", "sandbox_workspace_write", "service_tier", "tools", "web_search",
] as const;

export interface ConfigHandlerDeps {
  source: ConfigSource;
  /** Loaded on the first write: the TOML editor costs start-up time most sessions never need. */
  writer(): Promise<ConfigWriter>;
}

export function configRead(deps: ConfigHandlerDeps, params: ParamsOf<"config/read">): ResultOf<"config/read"> {
  const { source } = deps;
  if (source.error) throw rpcErrors.invalidRequest(`error deriving config: ${source.error.message}`);
  const { effective, origins, layers } = layeredConfig(source);
  // Keys with a built-in default and no layer setting them show that default (and no origin).
  const derived = source.config;
  const defaults = {
    model_provider: derived.modelProvider.id,
    approval_policy: derived.approvalPolicy,
    sandbox_mode: derived.sandboxMode,
    model_reasoning_summary: derived.modelReasoningSummary,
  };
  const config: Record<string, unknown> = Object.fromEntries(CONFIG_KEYS.map((k) => [k, null]));
  Object.assign(config, defaults, effective);
  // 0.169 sends this table whole (its fields have defaults): fill what the file leaves out.
  if (config.sandbox_workspace_write !== null) {
    const sww = derived.sandboxWorkspaceWrite;
    config.sandbox_workspace_write = {
      ...(config.sandbox_workspace_write as object),
      writable_roots: sww.writableRoots,
      network_access: sww.networkAccess,
      exclude_tmpdir_env_var: sww.excludeTmpdirEnvVar,
      exclude_slash_tmp: sww.excludeSlashTmp,
    };
  }
  // Versions stay those of the real tables, so expectedVersion still matches the file.
  const shown = params.includeLayers ? layers.map((l) => ({ ...l, config: maskSecretValues(l.config as TomlTable) })) : null;
  return { config: maskSecretValues(config), origins, layers: shown };
}

export function configValueWrite(deps: ConfigHandlerDeps, params: ParamsOf<"config/value/write">): Promise<ConfigWriteResponse> {
  const { keyPath, value, mergeStrategy, ...options } = params;
  return write(deps, [{ keyPath, value, ...(mergeStrategy ? { mergeStrategy } : {}) }], options);
}

export function configBatchWrite(deps: ConfigHandlerDeps, params: ParamsOf<"config/batchWrite">): Promise<ConfigWriteResponse> {
  const { edits, reloadUserConfig: _reload, ...options } = params;
  return write(deps, edits, options);
}

export function configRequirementsRead(): ResultOf<"configRequirements/read"> {
  return { requirements: null, supportsIndependentSpeedModes: true };
}

/** v1 (0.90): sets both keys; one left out or null is removed from the file. */
export async function setDefaultModel(deps: ConfigHandlerDeps, params: SetDefaultModelParams): Promise<Record<string, never>> {
  await write(deps, [
    { keyPath: "model", value: params.model ?? null },
    { keyPath: "model_reasoning_effort", value: params.reasoningEffort ?? null },
  ], {});
  return {};
}

async function write(deps: ConfigHandlerDeps, edits: readonly ConfigEditRequest[], options: WriteOptions): Promise<ConfigWriteResponse> {
  try {
    const outcome = await (await deps.writer()).write(edits, options);
    const o = outcome.overridden;
    return {
      status: o ? "okOverridden" : "ok",
      version: outcome.version,
      filePath: outcome.filePath,
      overriddenMetadata: o ? { message: "Overridden by session flags", overridingLayer: o.layer.meta, effectiveValue: maskSecretAt(o.path, o.effectiveValue) } : null,
    };
  } catch (e) {
    if (e instanceof ConfigWriteError) throw new RpcError(ErrorCode.InvalidRequest, e.message, { config_write_error_code: e.code });
    throw e;
  }
}
