// Why a patch was refused. The message is written for the model (it goes back as tool output);
// the code lets the caller tell cases apart without parsing text.

export type ApplyPatchErrorCode =
  | "parse" // malformed patch text
  | "empty-patch" // no hunks
  | "context-mismatch" // a chunk's context or old lines are not in the file
  | "missing-file" // Update/Delete of a file that does not exist
  | "not-a-file" // a directory, device, socket… where a regular file is needed
  | "symlink" // deleting or moving a symlink, or writing through a dangling one
  | "binary" // a NUL byte, or not UTF-8
  | "too-large" // over the size cap
  | "move-destination-exists" // Move to a path that already exists
  | "outside-writable-roots" // the real target lies outside the allowed roots
  | "changed-since-planned" // the file changed between planning and applying
  | "io"; // the filesystem refused (all changes were rolled back)

export class ApplyPatchError extends Error {
  override readonly name = "ApplyPatchError";
  constructor(
    readonly code: ApplyPatchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The OS error text the reference appends, e.g. "No such file or directory (os error 2)". */
export function describeOsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException | null;
  const text = OS_ERROR_TEXT[e?.code ?? ""];
  if (text !== undefined) return text;
  return e?.code ?? "unknown error";
}

const OS_ERROR_TEXT: Record<string, string> = {
  ENOENT: "No such file or directory (os error 2)",
  EACCES: "Permission denied (os error 13)",
  EEXIST: "File exists (os error 17)",
  ENOTDIR: "Not a directory (os error 20)",
  EISDIR: "Is a directory (os error 21)",
  ENOSPC: "No space left on device (os error 28)",
  EROFS: "Read-only file system (os error 30)",
  EPERM: "Operation not permitted (os error 1)",
};
