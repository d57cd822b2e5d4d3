// The typed configuration the rest of the server reads; loaders fill it, defaults included.
import type { AskForApproval, ReasoningEffort, ReasoningSummary, SandboxMode, Verbosity } from "../protocol/config.js";
import type { ModelOverrides } from "../model/model-family.js";
import type { TomlTable } from "./toml-table.js";

export type WireApi = "responses" | "chat";

export interface ModelProviderInfo {
  id: string;
  name: string;
  baseUrl: string;
  envKey?: string;
  envKeyInstructions?: string;
  experimentalBearerToken?: string;
  wireApi: WireApi;
  queryParams: Record<string, string>;
  httpHeaders: Record<string, string>;
  envHttpHeaders: Record<string, string>;
  requestMaxRetries: number;
  streamMaxRetries: number;
  streamIdleTimeoutMs: number;
  requiresOpenaiAuth: boolean;
}

export interface TlsFiles {
  caCertificate?: string;
  clientCertificate?: string;
  clientPrivateKey?: string;
}

export type ExporterSpec =
  | { kind: "none" }
  | { kind: "otlp-http"; endpoint: string; protocol: "binary" | "json"; headers: Record<string, string>; tls?: TlsFiles }
  | { kind: "otlp-grpc"; endpoint: string; headers: Record<string, string>; tls?: TlsFiles };

export interface OtelConfig {
  environment: string;
  logUserPrompt: boolean;
  exporter: ExporterSpec;
  metricsExporter: ExporterSpec;
  metricsExportIntervalMs: number;
  traceExporter: ExporterSpec;
  /** Share of new traces exported (0..1); a client's traceparent decides for its own trace. */
  traceSamplingRatio: number;
}

export interface SandboxWorkspaceWrite {
  writableRoots: string[];
  networkAccess: boolean;
  excludeTmpdirEnvVar: boolean;
  excludeSlashTmp: boolean;
}

export interface AppConfig {
  codexHome: string;
  configPath: string;
  model?: string;
  modelProvider: ModelProviderInfo;
  modelProviders: Record<string, ModelProviderInfo>;
  approvalPolicy: AskForApproval;
  sandboxMode: SandboxMode;
  sandboxWorkspaceWrite: SandboxWorkspaceWrite;
  modelReasoningEffort?: ReasoningEffort;
  modelReasoningSummary: ReasoningSummary;
  modelVerbosity?: Verbosity;
  /** model_context_window, model_auto_compact_token_limit, model_max_output_tokens. */
  modelOverrides: ModelOverrides;
  profile?: string;
  otel: OtelConfig;
  /** The effective TOML table (file + overrides), for keys a later layer reads itself. */
  table: TomlTable;
}

export const DEFAULT_OTEL: OtelConfig = {
  environment: "dev",
  logUserPrompt: false,
  exporter: { kind: "none" },
  metricsExporter: { kind: "none" },
  metricsExportIntervalMs: 60_000,
  traceExporter: { kind: "none" },
  traceSamplingRatio: 1,
};
