import { describe, expect, it } from "vitest";
import { isKnownSafeCommand } from "../../src/tools/safe-commands.js";
import { extractShellScript, parsePlainScript } from "../../src/tools/shell-lexer.js";

const bash = (script: string) => ["bash", "-lc", script];

// [argv, expected]
const SAFE: string[][] = [
  ["ls"],
  ["ls", "-la", "src"],
  ["cat", "README.md"],
  ["pwd"],
  ["echo", "hi"],
  ["head", "-n", "20", "a.txt"],
  ["tail", "-n", "+5", "a.txt"],
  ["wc", "-l", "a.txt"],
  ["grep", "-R", "TODO", "-n", "."],
  ["rg", "-n", "TODO", "src"],
  ["rg", "--files"],
  ["find", ".", "-name", "*.ts"],
  ["sed", "-n", "1,20p", "file.txt"],
  ["sed", "-n", "5p"],
  ["git", "status"],
  ["git", "log", "--oneline", "-5"],
  ["git", "diff", "HEAD~1"],
  ["git", "show", "HEAD"],
  ["git", "branch", "--show-current"],
  ["nl", "-ba", "a.rs"],
  ["base64", "file.bin"],
  ["which", "node"],
  ["true"],
  ["uniq", "a.txt"],
  ["uniq", "-c", "a.txt"],
  ["uniq", "-f", "2", "--count", "a.txt"],
  ["uniq", "--skip-chars=3", "-"],
  ["git", "branch"],
  ["git", "branch", "--format=%(refname)"],
  bash("cat a | uniq -c"),
  bash("ls"),
  bash("ls -1"),
  bash("git status"),
  bash('grep -R "Cargo.toml" -n'),
  bash("sed -n '1,5p' file.txt"),
  bash("ls && pwd"),
  bash("echo 'hi' ; ls"),
  bash("ls | wc -l"),
  bash('grep -R "x" -n || true'),
  bash("cat a.txt\nhead b.txt"),
  bash("ls &&\n  pwd"),
  bash('echo "literal \\$HOME"'),
  ["zsh", "-lc", "ls"],
  ["bash", "-c", "pwd"],
  ["/bin/bash", "-lc", "cat a b"],
];

const UNSAFE: string[][] = [
  [],
  ["rm", "-rf", "/"],
  ["touch", "x"],
  ["python3", "-c", "print(1)"],
  ["/usr/bin/ls"],
  ["./ls"],
  ["find", ".", "-name", "x", "-exec", "rm", "{}", ";"],
  ["find", ".", "-delete"],
  ["find", ".", "-fprint", "/etc/passwd"],
  ["rg", "--pre", "pwned", "x"],
  ["rg", "--pre=pwned", "x"],
  ["rg", "--hostname-bin=pwned", "x"],
  ["rg", "-z", "x"],
  ["rg", "-nz", "x"],
  ["rg", "--search-zip", "x"],
  ["sed", "-i", "s/a/b/", "f"],
  ["sed", "-n", "xp", "f"],
  ["sed", "-n", "1p", "-i"],
  ["base64", "-o", "out", "in"],
  ["base64", "--output=out"],
  ["git", "fetch"],
  ["git", "push"],
  ["git", "checkout", "main"],
  ["git", "-c", "core.pager=evil", "log"],
  ["git", "diff", "--output=/tmp/x"],
  ["git", "diff", "--ext-diff"],
  ["git", "branch", "new-branch"],
  ["git", "branch", "-D", "main"],
  ["cargo", "check"],
  // Commands with output operands or write flags (audit of every entry in the table).
  ["uniq", "a", "b"],
  ["uniq", "-c", "a", "b"],
  ["uniq", "a", "-c", "b"],
  ["uniq", "--", "a", "b"],
  ["uniq", "-", "out"],
  ["uniq", "-f", "x", "a"],
  ["uniq", "--unknown", "a"],
  bash("uniq a ~/.bashrc"),
  bash("cat a | uniq - b"),
  ["sort", "-o", "out", "in"],
  ["sort", "--output=out", "in"],
  ["sort", "in"],
  ["tee", "out"],
  bash("ls | tee out"),
  ["sed", "-n", "1w out", "in"],
  ["sed", "1w out", "in"],
  ["sed", "--in-place", "s/a/b/", "f"],
  ["sed", "-n", "1p", "a", "b"],
  ["find", ".", "-execdir", "python3", "{}", ";"],
  ["find", ".", "-ok", "rm", "{}", ";"],
  ["find", ".", "-okdir", "rm", "{}", ";"],
  ["find", ".", "-fprint0", "out"],
  ["find", ".", "-fprintf", "out", "%p"],
  ["find", ".", "-fls", "out"],
  ["rg", "--hostname-bin", "pwned", "x"],
  ["base64", "-ob64.txt"],
  ["base64", "--output", "out"],
  ["git", "--config-env=core.pager=X", "log"],
  ["git", "-ccore.pager=cat", "status"],
  ["git", "-C", ".", "log"],
  ["git", "log", "--output", "/tmp/x"],
  ["git", "show", "--output=/tmp/x", "HEAD"],
  ["git", "diff", "--textconv"],
  ["git", "log", "--exec=evil"],
  ["git", "log", "--paginate"],
  ["git", "checkout", "status"],
  ["git", "commit", "-m", "x"],
  ["git", "add", "."],
  ["git", "reset", "--hard"],
  ["git", "stash"],
  ["git", "tag", "v1"],
  ["git", "config", "user.name", "x"],
  ["git", "branch", "-m", "a", "b"],
  ["git", "branch", "--delete", "x"],
  ["git", "branch", "-l", "x"],
  ["bash", "-lc", "git", "status"],
  ["bash", "-lc", "'git status'"],
  ["bash", "-x", "ls"],
  bash("ls > out.txt"),
  bash("echo hi > out.txt"),
  bash("cat < in.txt"),
  bash("ls 2>&1"),
  bash("ls && rm -rf /"),
  bash("(ls)"),
  bash("ls || (pwd && echo hi)"),
  bash("{ ls; }"),
  bash("echo $(rm -rf /)"),
  bash("echo `id`"),
  bash("echo $HOME"),
  bash('echo "hi $USER"'),
  bash("ls &"),
  bash("ls & rm x"),
  bash("ls |& cat"),
  bash("FOO=bar ls"),
  bash('PAGER="evil" git log'),
  bash("! ls"),
  bash("ls &&"),
  bash("&& ls"),
  bash("ls ;; pwd"),
  bash("ls | | wc"),
  bash("ls *.ts"),
  bash("cat 'unterminated"),
  bash("ls # comment"),
  bash("find . -name x -delete"),
  bash("for f in a; do ls; done"),
  bash(""),
  ["/tmp/evil/bash", "-lc", "ls"],
];

describe("isKnownSafeCommand", () => {
  it.each(SAFE.map((c) => [JSON.stringify(c), c] as const))("safe: %s", (_, command) => {
    expect(isKnownSafeCommand(command)).toBe(true);
  });

  it.each(UNSAFE.map((c) => [JSON.stringify(c), c] as const))("asks: %s", (_, command) => {
    expect(isKnownSafeCommand(command)).toBe(false);
  });
});

describe("parsePlainScript", () => {
  it("splits commands and connectors, removing quotes", () => {
    expect(parsePlainScript("ls && pwd; echo 'hi there' | wc -l")).toEqual({
      commands: [["ls"], ["pwd"], ["echo", "hi there"], ["wc", "-l"]],
      connectors: ["&&", ";", "|"],
    });
  });

  it("joins concatenated quoting and handles escapes", () => {
    expect(parsePlainScript(`echo "/usr"'/'"local"/bin a\\ b "q\\"x" 'it''s'`)?.commands).toEqual([["echo", "/usr/local/bin", "a b", 'q"x', "its"]]);
  });

  it("treats newlines as separators and allows a trailing ;", () => {
    expect(parsePlainScript("ls\n\npwd;")).toEqual({ commands: [["ls"], ["pwd"]], connectors: [";"] });
  });

  it("accepts globs only when asked", () => {
    expect(parsePlainScript("ls *.ts")).toBeNull();
    expect(parsePlainScript("ls *.ts", { allowGlobs: true })?.commands).toEqual([["ls", "*.ts"]]);
  });

  it("keeps = inside arguments but refuses leading assignments", () => {
    expect(parsePlainScript("ls --color=never")?.commands).toEqual([["ls", "--color=never"]]);
    expect(parsePlainScript("A=1 ls")).toBeNull();
    expect(parsePlainScript("'A=1' ls")?.commands).toEqual([["A=1", "ls"]]);
  });
});

describe("extractShellScript", () => {
  it("recognises bash/zsh/sh with -c or -lc", () => {
    expect(extractShellScript(["bash", "-lc", "ls"])).toBe("ls");
    expect(extractShellScript(["sh", "-c", "ls"])).toBe("ls");
    expect(extractShellScript(["bash", "-lc"])).toBeNull();
    expect(extractShellScript(["fish", "-c", "ls"])).toBeNull();
    expect(extractShellScript(["/opt/x/bash", "-c", "ls"])).toBeNull();
    expect(extractShellScript(["/opt/x/bash", "-c", "ls"], { anyPath: true })).toBe("ls");
  });
});
