import { describe, expect, it } from "vitest";
import { parseCommand, shellJoin, shortDisplayPath, type ParsedCommand } from "../../src/tools/parse-command.js";
import { shellQuote } from "../../src/tools/shell-quote.js";

const bash = (script: string) => ["bash", "-lc", script];
const read = (cmd: string, name: string, path: string): ParsedCommand => ({ type: "read", cmd, name, path });
const list = (cmd: string, path: string | null): ParsedCommand => ({ type: "list_files", cmd, path });
const search = (cmd: string, query: string | null, path: string | null): ParsedCommand => ({ type: "search", cmd, query, path });
const unknown = (cmd: string): ParsedCommand => ({ type: "unknown", cmd });

const CASES: [string[], ParsedCommand[]][] = [
  [bash("echo hi > out.txt"), [unknown("echo hi > out.txt")]],
  [["cat", "a.txt"], [read("cat a.txt", "a.txt", "a.txt")]],
  [["git", "status"], [unknown("git status")]],
  [["npm", "run", "build"], [unknown("npm run build")]],
  [bash("git status | wc -l"), [unknown("git status | wc -l")]],
  [bash("cat webview/README.md"), [read("cat webview/README.md", "README.md", "webview/README.md")]],
  [["zsh", "-lc", "cat README.md"], [read("cat README.md", "README.md", "README.md")]],
  [bash("bat --theme TwoDark README.md"), [read("bat --theme TwoDark README.md", "README.md", "README.md")]],
  [bash("less -p TODO README.md"), [read("less -p TODO README.md", "README.md", "README.md")]],
  [bash("head -n 50 Cargo.toml"), [read("head -n 50 Cargo.toml", "Cargo.toml", "Cargo.toml")]],
  [bash("tail -n +522 README.md"), [read("tail -n +522 README.md", "README.md", "README.md")]],
  [bash("cat tui/Cargo.toml | sed -n '1,200p'"), [read("cat tui/Cargo.toml | sed -n '1,200p'", "Cargo.toml", "tui/Cargo.toml")]],
  [bash("sed -n '2000,2200p' tui/src/history_cell.rs"), [read("sed -n '2000,2200p' tui/src/history_cell.rs", "history_cell.rs", "tui/src/history_cell.rs")]],
  [bash("nl -ba core/src/parse_command.rs | sed -n '1200,1720p'"), [read("nl -ba core/src/parse_command.rs | sed -n '1200,1720p'", "parse_command.rs", "core/src/parse_command.rs")]],
  [bash("awk '{print $1}' Cargo.toml"), [read("awk '{print $1}' Cargo.toml", "Cargo.toml", "Cargo.toml")]],
  [bash("cd foo && cat foo.txt"), [read("cat foo.txt", "foo.txt", "foo/foo.txt")]],
  [["cd", "foo", "&&", "cat", "foo.txt"], [read("cat foo.txt", "foo.txt", "foo/foo.txt")]],
  [bash("cd foo && bar"), [unknown("cd foo && bar")]],
  [bash('printf "\\n== x ==\\n"; cat -- ansi-escape/Cargo.toml'), [read("cat -- ansi-escape/Cargo.toml", "Cargo.toml", "ansi-escape/Cargo.toml")]],
  [bash("ls -la | sed -n '1,120p'"), [list("ls -la", null)]],
  [["ls", "-la"], [list("ls -la", null)]],
  [["eza", "--color=always", "src"], [list("eza '--color=always' src", "src")]],
  [["tree", "-L", "2", "src"], [list("tree -L 2 src", "src")]],
  [bash("rg --files webview/src | sed -n"), [list("rg --files webview/src", "webview")]],
  [bash("rg --files | head -n 50"), [list("rg --files", null)]],
  [bash("true && rg --files"), [list("rg --files", null)]],
  [bash("yes | rg --files"), [list("rg --files", null)]],
  [["git", "ls-files", "--exclude", "target", "src"], [list("git ls-files --exclude target src", "src")]],
  [bash('python -c "import os; print(os.listdir(\'.\'))"'), [list(`python -c "import os; print(os.listdir('.'))"`, null)]],
  [bash('rg -n "navigate-to-route" -S'), [search("rg -n navigate-to-route -S", "navigate-to-route", null)]],
  [bash('rg -n "BUG|FIXME" -S | head -n 200'), [search("rg -n 'BUG|FIXME' -S", "BUG|FIXME", null)]],
  [bash('cd /repo && rg -n "codex_api" codex-rs -S | head -n 50'), [search("rg -n codex_api codex-rs -S", "codex_api", "codex-rs")]],
  [["grep", "-R", "CODEX_SANDBOX_ENV_VAR", "-n", "core/src/spawn.rs"], [search("grep -R CODEX_SANDBOX_ENV_VAR -n core/src/spawn.rs", "CODEX_SANDBOX_ENV_VAR", "spawn.rs")]],
  [["grep", "-R", "src/main.rs", "-n", "."], [search("grep -R src/main.rs -n .", "src/main.rs", ".")]],
  [["grep", "-e", "foo", "-n", "src"], [search("grep -e foo -n src", "foo", "src")]],
  [["git", "grep", "TODO", "src"], [search("git grep TODO src", "TODO", "src")]],
  [["find", ".", "-name", "*.ts"], [search("find . -name '*.ts'", "*.ts", ".")]],
  [["find", "src", "-type", "f"], [list("find src -type f", "src")]],
  [["fd", "-t", "f", "main"], [search("fd -t f main", "main", null)]],
  [bash("rg -l Foo src | xargs perl -pi -e 's/Foo/Bar/g'"), [unknown("rg -l Foo src | xargs perl -pi -e 's/Foo/Bar/g'")]],
  [bash("cat a.txt && cat b.txt"), [read("cat a.txt", "a.txt", "a.txt"), read("cat b.txt", "b.txt", "b.txt")]],
  [bash("cat a.txt; cat a.txt"), [read("cat a.txt", "a.txt", "a.txt")]],
  [bash("echo start && ls src"), [list("ls src", "src")]],
  [bash("ls $(pwd)"), [unknown("ls $(pwd)")]],
];

describe("parseCommand", () => {
  it.each(CASES.map(([argv, expected]) => [JSON.stringify(argv), argv, expected] as const))("%s", (_, argv, expected) => {
    expect(parseCommand(argv)).toEqual(expected);
  });
});

describe("shortDisplayPath", () => {
  it("shows the telling component", () => {
    expect(shortDisplayPath("webview/src")).toBe("webview");
    expect(shortDisplayPath("packages/app/node_modules/")).toBe("app");
    expect(shortDisplayPath("a/b/c.rs")).toBe("c.rs");
    expect(shortDisplayPath(".")).toBe(".");
  });
});

describe("shellJoin", () => {
  it.each([
    [["bash", "-lc", "echo hi > out.txt"], "bash -lc 'echo hi > out.txt'"],
    [["ls", "-la"], "ls -la"],
    [["echo", ""], "echo ''"],
    [["echo", "it's"], `echo "it's"`],
    [["echo", "$HOME"], "echo '$HOME'"],
    [["eza", "--color=always"], "eza '--color=always'"],
    [["cat", "pkg\\src\\main.rs"], `cat "pkg\\\\src\\\\main.rs"`],
    [["grep", "COD`EX"], "grep 'COD`EX'"],
    [["echo", "don't $x"], `echo "don't "'$x'`],
    [["echo", "héllo"], "echo 'héllo'"],
    [["echo", "^x"], "echo '^x'"],
    [["a\0b"], "<command included NUL byte>"],
  ])("%j -> %s", (argv, expected) => {
    expect(shellJoin(argv)).toBe(expected);
  });

  it("round-trips through a real shell", async () => {
    const { execFileSync } = await import("node:child_process");
    const words = ["a b", "it's", 'q"x', "$HOME", "back\\slash", "!bang", "^caret", "tab\there", "new\nline", "é", "*"];
    const out = execFileSync("bash", ["-c", `printf '%s\\0' ${words.map(shellQuote).join(" ")}`], { encoding: "utf8" });
    expect(out.split("\0").slice(0, -1)).toEqual(words);
  });
});
