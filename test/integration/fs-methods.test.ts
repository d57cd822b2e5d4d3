// fs/* over the real bin: exact results for each method, errors that name the path and cause,
// relative paths refused, the readFile size cap, and writeFile's atomic replace. Every result is
// checked against codex 0.169's generated schema for that method.
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadReferenceSchema, referenceSchemaProblems } from "../support/reference-schema.js";
import { expectOnlyJsonLines, useServers, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";

const start = useServers(afterEach, expectOnlyJsonLines);
const tempDir = useTempDirs(afterEach, "codex-fs-");

const SCHEMA: Record<string, string> = {
  "fs/readFile": "FsReadFile",
  "fs/writeFile": "FsWriteFile",
  "fs/createDirectory": "FsCreateDirectory",
  "fs/getMetadata": "FsGetMetadata",
  "fs/readDirectory": "FsReadDirectory",
  "fs/remove": "FsRemove",
  "fs/copy": "FsCopy",
};

async function server(): Promise<ServerProcess> {
  const s = start();
  await s.initialize("fs_client", "1.0");
  return s;
}

/** A successful call whose params and result both conform to 0.169's schemas. */
async function ok(s: ServerProcess, method: string, params: Record<string, unknown>): Promise<unknown> {
  expect(referenceSchemaProblems(loadReferenceSchema(`v2/${SCHEMA[method]}Params.json`), params)).toEqual([]);
  const res = await s.request(method, params);
  expect(res.error).toBeUndefined();
  expect(referenceSchemaProblems(loadReferenceSchema(`v2/${SCHEMA[method]}Response.json`), res.result)).toEqual([]);
  return res.result;
}

async function fails(s: ServerProcess, method: string, params: Record<string, unknown>): Promise<{ code: number; message: string }> {
  const res = await s.request(method, params);
  expect(res.result).toBeUndefined();
  const error = res.error as { code: number; message: string };
  expect(error.message).not.toMatch(/\n\s+at /);
  return error;
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("fs/* happy paths", () => {
  it("writes, reads back, lists, inspects, copies and removes", async () => {
    const s = await server();
    const dir = tempDir();
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
    writeFileSync(join(dir, "bin.dat"), bytes);

    expect(await ok(s, "fs/readFile", { path: join(dir, "bin.dat") })).toEqual({ dataBase64: bytes.toString("base64") });

    expect(await ok(s, "fs/createDirectory", { path: join(dir, "a/b/c") })).toEqual({});
    expect(statSync(join(dir, "a/b/c")).isDirectory()).toBe(true);
    // Creating an existing directory (recursive, the default) is not an error.
    expect(await ok(s, "fs/createDirectory", { path: join(dir, "a/b") })).toEqual({});

    expect(await ok(s, "fs/writeFile", { path: join(dir, "a/new.txt"), dataBase64: b64("héllo\n") })).toEqual({});
    expect(readFileSync(join(dir, "a/new.txt"), "utf8")).toBe("héllo\n");
    symlinkSync(join(dir, "a/new.txt"), join(dir, "a/link"));

    expect(await ok(s, "fs/readDirectory", { path: join(dir, "a") })).toEqual({
      entries: [
        { fileName: "b", isDirectory: true, isFile: false },
        { fileName: "link", isDirectory: false, isFile: true },
        { fileName: "new.txt", isDirectory: false, isFile: true },
      ],
    });

    utimesSync(join(dir, "a/new.txt"), 1_700_000_000, 1_700_000_123.456);
    const meta = (await ok(s, "fs/getMetadata", { path: join(dir, "a/new.txt") })) as Record<string, unknown>;
    expect(meta).toMatchObject({ isDirectory: false, isFile: true, isSymlink: false, modifiedAtMs: 1_700_000_123_456 });
    expect(Number.isInteger(meta.createdAtMs)).toBe(true);
    expect(await ok(s, "fs/getMetadata", { path: join(dir, "a/link") })).toMatchObject({ isFile: true, isSymlink: true });
    expect(await ok(s, "fs/getMetadata", { path: join(dir, "a") })).toMatchObject({ isDirectory: true, isFile: false, isSymlink: false });

    expect(await ok(s, "fs/copy", { sourcePath: join(dir, "a/new.txt"), destinationPath: join(dir, "copy.txt") })).toEqual({});
    expect(readFileSync(join(dir, "copy.txt"), "utf8")).toBe("héllo\n");
    expect(await ok(s, "fs/copy", { sourcePath: join(dir, "a"), destinationPath: join(dir, "a2"), recursive: true })).toEqual({});
    expect(readFileSync(join(dir, "a2/new.txt"), "utf8")).toBe("héllo\n");
    expect(statSync(join(dir, "a2/b/c")).isDirectory()).toBe(true);

    expect(await ok(s, "fs/remove", { path: join(dir, "a2") })).toEqual({});
    expect(existsSync(join(dir, "a2"))).toBe(false);
    expect(await ok(s, "fs/remove", { path: join(dir, "copy.txt") })).toEqual({});
    expect(existsSync(join(dir, "copy.txt"))).toBe(false);
    // force defaults to true: a missing path is fine.
    expect(await ok(s, "fs/remove", { path: join(dir, "gone") })).toEqual({});
  });

  it("replaces a file atomically: no temp file left behind, mode kept, symlink written through", async () => {
    const s = await server();
    const dir = tempDir();
    const file = join(dir, "script.sh");
    writeFileSync(file, "old contents that are longer than the new ones\n");
    chmodSync(file, 0o750);
    // A reader that opened the old file keeps reading the old file whole: the new one is renamed in.
    const reader = openSync(file, "r");
    await ok(s, "fs/writeFile", { path: file, dataBase64: b64("new\n") });
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(readFileSync(reader, "utf8")).toBe("old contents that are longer than the new ones\n");
    closeSync(reader);
    expect(statSync(file).mode & 0o7777).toBe(0o750);
    if (process.getuid?.() === 0) {
      // The owner is kept too (only root can give a file away, and tests run as root).
      chownSync(file, 4321, 4322);
      await ok(s, "fs/writeFile", { path: file, dataBase64: b64("new\n") });
      expect(statSync(file)).toMatchObject({ uid: 4321, gid: 4322 });
    }
    symlinkSync(file, join(dir, "via-link"));
    await ok(s, "fs/writeFile", { path: join(dir, "via-link"), dataBase64: b64("through\n") });
    expect(readFileSync(file, "utf8")).toBe("through\n");
    expect(readdirSync(dir).sort()).toEqual(["script.sh", "via-link"]);
  });
});

describe("fs/* errors", () => {
  it("refuses relative paths with -32602 naming the field", async () => {
    const s = await server();
    const dir = tempDir();
    for (const [method, params, field] of [
      ["fs/readFile", { path: "rel/x" }, "path"],
      ["fs/writeFile", { path: "x.txt", dataBase64: "" }, "path"],
      ["fs/createDirectory", { path: "./d" }, "path"],
      ["fs/getMetadata", { path: "" }, "path"],
      ["fs/readDirectory", { path: "." }, "path"],
      ["fs/remove", { path: "x" }, "path"],
      ["fs/copy", { sourcePath: "x", destinationPath: join(dir, "y") }, "sourcePath"],
      ["fs/copy", { sourcePath: join(dir), destinationPath: "y", recursive: true }, "destinationPath"],
    ] as const) {
      const error = await fails(s, method, params);
      expect(error.code, method).toBe(-32602);
      expect(error.message).toContain(`${field}: must be an absolute path`);
    }
  });

  it("names the path and the cause of an OS failure, and keeps serving", async () => {
    const s = await server();
    const dir = tempDir();
    writeFileSync(join(dir, "file"), "x");
    mkdirSync(join(dir, "full"));
    writeFileSync(join(dir, "full/inner"), "x");
    const cases = [
      ["fs/readFile", { path: join(dir, "missing") }, join(dir, "missing"), "no such file or directory (ENOENT)"],
      ["fs/readDirectory", { path: join(dir, "file") }, join(dir, "file"), "not a directory (ENOTDIR)"],
      ["fs/createDirectory", { path: join(dir, "file/sub") }, join(dir, "file/sub"), "not a directory (ENOTDIR)"],
      ["fs/createDirectory", { path: join(dir, "x/y"), recursive: false }, join(dir, "x/y"), "no such file or directory (ENOENT)"],
      ["fs/createDirectory", { path: join(dir, "file"), recursive: false }, join(dir, "file"), "file exists (EEXIST)"],
      ["fs/writeFile", { path: join(dir, "nodir/f"), dataBase64: "aGk=" }, join(dir, "nodir/f"), "no such file or directory (ENOENT)"],
      ["fs/writeFile", { path: join(dir, "full"), dataBase64: "aGk=" }, join(dir, "full"), "is a directory (EISDIR)"],
      ["fs/remove", { path: join(dir, "missing"), force: false }, join(dir, "missing"), "no such file or directory (ENOENT)"],
      ["fs/remove", { path: join(dir, "full"), recursive: false }, join(dir, "full"), "is a directory (EISDIR)"],
      ["fs/getMetadata", { path: join(dir, "missing") }, join(dir, "missing"), "no such file or directory (ENOENT)"],
      ["fs/copy", { sourcePath: join(dir, "missing"), destinationPath: join(dir, "c") }, join(dir, "missing"), "no such file or directory (ENOENT)"],
    ] as const;
    for (const [method, params, path, cause] of cases) {
      const error = await fails(s, method, params);
      expect(error, method).toEqual({ code: -32603, message: `${method} ${path}: ${cause}`, data: expect.anything() });
    }
    expect(existsSync(join(dir, "full/inner"))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["file", "full"]);
    // Still serving.
    expect(await ok(s, "fs/readFile", { path: join(dir, "file") })).toEqual({ dataBase64: b64("x") });
  });

  it("answers -32600 for a directory read as a file, a directory copy without recursive, and bad base64", async () => {
    const s = await server();
    const dir = tempDir();
    expect(await fails(s, "fs/readFile", { path: dir })).toEqual({ code: -32600, message: `fs/readFile ${dir}: not a file` });
    expect(await fails(s, "fs/copy", { sourcePath: dir, destinationPath: `${dir}-copy` })).toMatchObject({
      code: -32600,
      message: "fs/copy requires recursive: true when sourcePath is a directory",
    });
    expect(existsSync(`${dir}-copy`)).toBe(false);
    const bad = await fails(s, "fs/writeFile", { path: join(dir, "f"), dataBase64: "!!not base64" });
    expect(bad).toMatchObject({ code: -32602, message: "Invalid params: dataBase64: fs/writeFile requires valid base64" });
    expect(existsSync(join(dir, "f"))).toBe(false);
  });

  it("refuses a file over the 16 MiB read cap, saying how large it is", async () => {
    const s = await server();
    const dir = tempDir();
    const big = join(dir, "big.bin");
    writeFileSync(big, "");
    truncateSync(big, 16 * 1024 * 1024 + 1); // sparse: costs no disk
    expect(await fails(s, "fs/readFile", { path: big })).toEqual({
      code: -32600,
      message: `fs/readFile ${big}: file is ${16 * 1024 * 1024 + 1} bytes; fs/readFile returns at most ${16 * 1024 * 1024}`,
    });
    truncateSync(big, 16 * 1024 * 1024);
    const res = (await ok(s, "fs/readFile", { path: big })) as { dataBase64: string };
    expect(Buffer.from(res.dataBase64, "base64").length).toBe(16 * 1024 * 1024);
  });
});
