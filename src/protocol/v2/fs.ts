// v2 fs/* (codex 0.169's shapes): file access on the server's host for a remote IDE. Paths are
// absolute; file contents travel as base64.
import * as s from "../schema.js";

export const FsReadFileParams = s.object({ path: s.string() });
export type FsReadFileParams = s.Infer<typeof FsReadFileParams>;
export const FsReadFileResponse = s.object({ dataBase64: s.string() });
export type FsReadFileResponse = s.Infer<typeof FsReadFileResponse>;

export const FsWriteFileParams = s.object({ path: s.string(), dataBase64: s.string() });
export type FsWriteFileParams = s.Infer<typeof FsWriteFileParams>;

export const FsCreateDirectoryParams = s.object({ path: s.string(), recursive: s.optional(s.nullable(s.boolean())) });
export type FsCreateDirectoryParams = s.Infer<typeof FsCreateDirectoryParams>;

export const FsGetMetadataParams = s.object({ path: s.string() });
export type FsGetMetadataParams = s.Infer<typeof FsGetMetadataParams>;
export const FsGetMetadataResponse = s.object({
  isDirectory: s.boolean(),
  isFile: s.boolean(),
  isSymlink: s.boolean(),
  createdAtMs: s.integer(),
  modifiedAtMs: s.integer(),
});
export type FsGetMetadataResponse = s.Infer<typeof FsGetMetadataResponse>;

export const FsReadDirectoryParams = s.object({ path: s.string() });
export type FsReadDirectoryParams = s.Infer<typeof FsReadDirectoryParams>;
export const FsReadDirectoryEntry = s.object({ fileName: s.string(), isDirectory: s.boolean(), isFile: s.boolean() });
export type FsReadDirectoryEntry = s.Infer<typeof FsReadDirectoryEntry>;
export const FsReadDirectoryResponse = s.object({ entries: s.array(FsReadDirectoryEntry) });
export type FsReadDirectoryResponse = s.Infer<typeof FsReadDirectoryResponse>;

export const FsRemoveParams = s.object({
  path: s.string(),
  recursive: s.optional(s.nullable(s.boolean())),
  force: s.optional(s.nullable(s.boolean())),
});
export type FsRemoveParams = s.Infer<typeof FsRemoveParams>;

export const FsCopyParams = s.object({ sourcePath: s.string(), destinationPath: s.string(), recursive: s.optional(s.boolean()) });
export type FsCopyParams = s.Infer<typeof FsCopyParams>;

/** writeFile, createDirectory, remove and copy answer `{}`. */
export const FsEmptyResponse = s.object({});
export type FsEmptyResponse = s.Infer<typeof FsEmptyResponse>;

/** A connection-scoped watch: `fs/changed` notifications carry the watchId. */
export const FsWatchParams = s.object({ path: s.string(), watchId: s.string() });
export type FsWatchParams = s.Infer<typeof FsWatchParams>;
/** The watched path, canonicalized. */
export const FsWatchResponse = s.object({ path: s.string() });
export type FsWatchResponse = s.Infer<typeof FsWatchResponse>;
export const FsUnwatchParams = s.object({ watchId: s.string() });
export type FsUnwatchParams = s.Infer<typeof FsUnwatchParams>;
export const FsChangedNotification = s.object({ watchId: s.string(), changedPaths: s.array(s.string()) });
export type FsChangedNotification = s.Infer<typeof FsChangedNotification>;
