// Why a config write was refused; its own module so handlers need not load the TOML editor.
export type ConfigWriteErrorCode = "configValidationError" | "configVersionConflict" | "configLayerReadonly";

export class ConfigWriteError extends Error {
  constructor(
    readonly code: ConfigWriteErrorCode,
    message: string,
  ) {
    super(message);
  }
}
