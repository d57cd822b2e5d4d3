// model/list: the provider's own listing when it answers, else the built-in Codex models; one
// answer per provider is kept for a few minutes so a picker opening twice does not wait twice.
import type { AppConfig } from "../../config/types.js";
import { builtInModels, listedModels } from "../../model/model-catalog.js";
import { fetchProviderModels } from "../../model/models-endpoint.js";
import type { Model, ModelListParams, ModelListResponse } from "../../protocol/v2/model.js";
import { rpcErrors } from "../../rpc/errors.js";

const CACHE_TTL_MS = 5 * 60_000;
const DEFAULT_PAGE = 100;

export interface ModelDeps {
  config: AppConfig;
  env: NodeJS.ProcessEnv;
}

export class ModelCatalog {
  private readonly cache = new Map<string, { at: number; models: Promise<Model[]> }>();

  constructor(private readonly deps: ModelDeps) {}

  models(providerId: string): Promise<Model[]> {
    const hit = this.cache.get(providerId);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.models;
    const models = this.load(providerId);
    this.cache.set(providerId, { at: Date.now(), models });
    return models;
  }

  private async load(providerId: string): Promise<Model[]> {
    const { config, env } = this.deps;
    const provider = config.modelProviders[providerId] ?? config.modelProvider;
    const ids = await fetchProviderModels(provider, config.codexHome, env);
    return ids ? listedModels(ids, config.model) : builtInModels(config.model);
  }
}

export async function modelList(d: ModelDeps, catalog: ModelCatalog, p: ModelListParams): Promise<ModelListResponse> {
  const providerId = p.modelProvider ?? d.config.modelProvider.id;
  if (!d.config.modelProviders[providerId] && providerId !== d.config.modelProvider.id) {
    throw rpcErrors.invalidParams("modelProvider", `unknown model provider: ${providerId}`);
  }
  if (p.limit !== undefined && p.limit < 0) throw rpcErrors.invalidParams("limit", "must not be negative");
  const start = p.cursor === undefined ? 0 : Number(p.cursor);
  if (!Number.isInteger(start) || start < 0) throw rpcErrors.invalidRequest(`invalid cursor: ${p.cursor}`);
  const all = await catalog.models(providerId);
  const visible = p.includeHidden ? all : all.filter((m) => !m.hidden);
  const limit = Math.max(1, p.limit ?? DEFAULT_PAGE);
  const data = visible.slice(start, start + limit);
  const end = start + data.length;
  return { data, nextCursor: end < visible.length ? String(end) : null };
}
