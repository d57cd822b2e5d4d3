// The shape of config.toml keys we read, validated once; errors name the key path.
import * as c from "../protocol/config.js";
import * as s from "../protocol/schema.js";

const str = () => s.optional(s.string());

export const ProviderToml = s.object({
  name: str(),
  base_url: str(),
  env_key: str(),
  env_key_instructions: str(),
  experimental_bearer_token: str(),
  wire_api: s.optional(s.enumOf(["responses", "chat"])),
  query_params: s.optional(s.record(s.string())),
  http_headers: s.optional(s.record(s.string())),
  env_http_headers: s.optional(s.record(s.string())),
  request_max_retries: s.optional(s.integer()),
  stream_max_retries: s.optional(s.integer()),
  stream_idle_timeout_ms: s.optional(s.integer()),
  requires_openai_auth: s.optional(s.boolean()),
});
export type ProviderToml = s.Infer<typeof ProviderToml>;

// Keys a profile may set; the top level has them too.
const profileKeys = {
  model: str(),
  model_provider: str(),
  approval_policy: s.optional(c.AskForApproval),
  sandbox_mode: s.optional(c.SandboxMode),
  model_reasoning_effort: s.optional(c.ReasoningEffort),
  model_reasoning_summary: s.optional(c.ReasoningSummary),
  model_verbosity: s.optional(c.Verbosity),
};

export const ProfileToml = s.object(profileKeys);
export type ProfileToml = s.Infer<typeof ProfileToml>;

export const ConfigToml = s.object({
  ...profileKeys,
  profile: str(),
  profiles: s.optional(s.record(ProfileToml)),
  model_providers: s.optional(s.record(ProviderToml)),
  sandbox_workspace_write: s.optional(
    s.object({
      writable_roots: s.optional(s.array(s.string())),
      network_access: s.optional(s.boolean()),
      exclude_tmpdir_env_var: s.optional(s.boolean()),
      exclude_slash_tmp: s.optional(s.boolean()),
    }),
  ),
  forced_login_method: s.optional(s.enumOf(["chatgpt", "api"])),
  forced_chatgpt_workspace_id: str(),
  // `--enable F` / `--disable F` land here, as the reference's feature flags.
  features: s.optional(s.record(s.boolean())),
  tools: s.optional(s.object({ web_search: s.optional(s.boolean()), view_image: s.optional(s.boolean()) })),
  // Figures for a model our model families do not know, or know differently (src/model/model-family.ts).
  model_context_window: s.optional(s.integer()),
  model_auto_compact_token_limit: s.optional(s.integer()),
  model_max_output_tokens: s.optional(s.integer()),
});
export type ConfigToml = s.Infer<typeof ConfigToml>;
