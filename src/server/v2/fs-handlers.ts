// fs/*: the client's file access on this host. Paths must be absolute; an OS failure answers with
// the path and the cause (never a stack), as codex 0.169 does with -32603.
import * as fsp from "node:fs/promises";
import { isAbsolute, normalize } from "node:path";
import type * as p from "../../protocol/v2/fs.js";
import { ErrorCode, RpcError, rpcErrors } from "../../rpc/errors.js";
import { copyEntry, FileTooLarge, NotAFile, readCapped, writeAtomic } from "../../workspace/fs-ops.js";
import { WatchError, type FsWatches } from "../../workspace/fs-watches.js";

const CAUSES: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  ERR_FS_EISDIR: "is a directory",
  EEXIST: "file exists",
  ENOTEMPTY: "directory not empty",
  ELOOP: "too many levels of symbolic links",
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
  EXDEV: "cross-device link",
  ENAMETOOLONG: "file name too long",
};

function absolute(field: string, value: string): string {
  if (!isAbsolute(value)) throw rpcErrors.invalidParams(field, `must be an absolute path, got ${JSON.stringify(value)}`);
  return normalize(value);
}

/** Runs one OS operation, turning its failure into an error that names `method`, the path and the cause. */
async function osCall<T>(method: string, path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof RpcError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const cause = (code && CAUSES[code]) ?? "operation failed";
    const errno = code?.startsWith("ERR_FS_") ? code.slice("ERR_FS_".length) : code;
    throw new RpcError(ErrorCode.InternalError, `${method} ${path}: ${cause}${errno ? ` (${errno})` : ""}`, { path, code: errno ?? null });
  }
}

function decodeBase64(method: string, data: string): Buffer {
  // Buffer.from silently skips bad characters; a client sending them has a bug worth hearing about.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 === 1) {
    throw rpcErrors.invalidParams("dataBase64", `${method} requires valid base64`);
  }
  return Buffer.from(data, "base64");
}

export async function fsReadFile(params: p.FsReadFileParams): Promise<p.FsReadFileResponse> {
  const path = absolute("path", params.path);
  const data = await osCall("fs/readFile", path, async () => {
    try {
      return await readCapped(path);
    } catch (e) {
      if (e instanceof NotAFile) throw rpcErrors.invalidRequest(`fs/readFile ${path}: not a file`);
      if (e instanceof FileTooLarge) throw rpcErrors.invalidRequest(`fs/readFile ${path}: ${e.message}`);
      throw e;
    }
  });
  return { dataBase64: data.toString("base64") };
}

export async function fsWriteFile(params: p.FsWriteFileParams): Promise<p.FsEmptyResponse> {
  const path = absolute("path", params.path);
  const data = decodeBase64("fs/writeFile", params.dataBase64);
  await osCall("fs/writeFile", path, () => writeAtomic(path, data));
  return {};
}

export async function fsCreateDirectory(params: p.FsCreateDirectoryParams): Promise<p.FsEmptyResponse> {
  const path = absolute("path", params.path);
  const recursive = params.recursive ?? true;
  await osCall("fs/createDirectory", path, () => fsp.mkdir(path, { recursive }));
  return {};
}

export async function fsGetMetadata(params: p.FsGetMetadataParams): Promise<p.FsGetMetadataResponse> {
  const path = absolute("path", params.path);
  return osCall("fs/getMetadata", path, async () => {
    const link = await fsp.lstat(path);
    // A dangling symlink still answers, as the link itself: it is neither file nor directory.
    const target = link.isSymbolicLink() ? await fsp.stat(path).catch(() => undefined) : link;
    return {
      isDirectory: target?.isDirectory() ?? false,
      isFile: target?.isFile() ?? false,
      isSymlink: link.isSymbolicLink(),
      createdAtMs: Math.floor(link.birthtimeMs) || 0,
      modifiedAtMs: Math.floor((target ?? link).mtimeMs),
    };
  });
}

export async function fsReadDirectory(params: p.FsReadDirectoryParams): Promise<p.FsReadDirectoryResponse> {
  const path = absolute("path", params.path);
  return osCall("fs/readDirectory", path, async () => {
    const dirents = await fsp.readdir(path, { withFileTypes: true });
    const entries = await Promise.all(
      dirents.map(async (d) => {
        // "Resolves to": a symlink counts as what it points at.
        const st = d.isSymbolicLink() ? await fsp.stat(`${path}/${d.name}`).catch(() => undefined) : d;
        return { fileName: d.name, isDirectory: st?.isDirectory() ?? false, isFile: st?.isFile() ?? false };
      }),
    );
    entries.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
    return { entries };
  });
}

export async function fsRemove(params: p.FsRemoveParams): Promise<p.FsEmptyResponse> {
  const path = absolute("path", params.path);
  const recursive = params.recursive ?? true;
  const force = params.force ?? true;
  await osCall("fs/remove", path, () => fsp.rm(path, { recursive, force }));
  return {};
}

export async function fsCopy(params: p.FsCopyParams): Promise<p.FsEmptyResponse> {
  const source = absolute("sourcePath", params.sourcePath);
  const destination = absolute("destinationPath", params.destinationPath);
  await osCall("fs/copy", source, async () => {
    try {
      const outcome = await copyEntry(source, destination, params.recursive === true);
      if (outcome === "needsRecursive") throw rpcErrors.invalidRequest("fs/copy requires recursive: true when sourcePath is a directory");
    } catch (e) {
      if (e instanceof NotAFile) throw rpcErrors.invalidRequest(`fs/copy ${source}: not a file or directory`);
      throw e;
    }
  });
  return {};
}

export async function fsWatch(watches: FsWatches, params: p.FsWatchParams): Promise<p.FsWatchResponse> {
  const path = absolute("path", params.path);
  try {
    return { path: await watches.watch(params.watchId, path) };
  } catch (e) {
    if (!(e instanceof WatchError)) throw e;
    // A missing path or a refused watch is the OS's answer (as for the other fs/* methods); a
    // duplicate id or too many watches is the client's mistake.
    if (e.code !== undefined) throw new RpcError(ErrorCode.InternalError, e.message, { path, code: e.code });
    throw rpcErrors.invalidRequest(e.message);
  }
}

export function fsUnwatch(watches: FsWatches, params: p.FsUnwatchParams): p.FsEmptyResponse {
  watches.unwatch(params.watchId);
  return {};
}
