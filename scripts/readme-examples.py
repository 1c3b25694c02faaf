#!/usr/bin/env python3
"""README examples are the tests.

Every ```swift block of README.md that imports a DataFi module is followed by a comment naming the test
target that runs it and the checks to run after it:

    ```swift
    import DataFiPSI
    let common = ...
    ```
    <!-- readme-test: DataFiPSITests
    #expect(common == ["bob", "carol"])
    -->

This script writes Tests/<target>/ReadmeExampleTests.swift from each such block: the imports, then one
test that runs the block as written followed by the checks. With --check it writes nothing and fails
(exit 1) when a file differs from what the README gives, when a test target holds a ReadmeExampleTests.swift
that no README block produces, or when a block that imports a DataFi module has no readme-test comment.

A block that goes on from the one before it names the same target with "continues":
`<!-- readme-test: continues DataFiMarketTests`. Its code and checks are appended to that target's test,
so one test runs the example as the reader reads it.

Usage: scripts/readme-examples.py [--check]
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
TESTS = os.path.join(ROOT, "Tests")
FILE_NAME = "ReadmeExampleTests.swift"
HEADER = ("// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run\n"
          "// the script. The README's code runs as written, then the checks of its readme-test comment.\n")


def parse(text):
    """Yields (line number, code lines, target or None, continues, check lines)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```swift":
            i += 1
            continue
        start = i + 1
        j = start
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        if j == len(lines):
            raise SystemExit(f"README.md:{start}: unterminated ```swift block")
        code = lines[start:j]
        k = j + 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        target, continues, checks = None, False, []
        match = re.match(r"<!-- readme-test: (continues )?(\w+)\s*$", lines[k]) if k < len(lines) else None
        if match:
            continues, target = match.group(1) is not None, match.group(2)
            k += 1
            while k < len(lines) and lines[k].strip() != "-->":
                checks.append(lines[k])
                k += 1
            if k == len(lines):
                raise SystemExit(f"README.md:{j + 1}: readme-test comment is not closed with -->")
        yield start, code, target, continues, checks
        i = k + 1 if match else j + 1


def render(parts):
    """One test from a list of (code lines, check lines): each part's code, then its checks."""
    code = [line for part, _ in parts for line in part]
    imports = sorted({line.strip() for line in code if line.startswith("import ")} | {"import Testing"})
    body = []
    for part, part_checks in parts:
        lines = [line for line in part if not line.startswith("import ")]
        while lines and not lines[0].strip():
            lines.pop(0)
        if body:
            body.append("")
        body += lines
        if part_checks and part is not parts[-1][0]:
            body += ["", "// Checks (from the readme-test comment under this part of the example)."] + part_checks
    checks = parts[-1][1]
    is_async = any(re.search(r"\bawait\b", line) for line in body + checks)
    out = [HEADER, "\n".join(imports), "", f"@Test func readmeExample() {'async ' if is_async else ''}throws {{"]
    out += [("    " + line).rstrip() for line in body]
    if checks:
        out += ["", "    // Checks (from the readme-test comment under the example)."]
        out += [("    " + line).rstrip() for line in checks]
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    with open(README, encoding="utf-8") as f:
        text = f.read()
    wanted, problems = {}, []
    for line, code, target, continues, checks in parse(text):
        imports_datafi = any(re.match(r"import DataFi\w*\s*$", l) for l in code)
        if target is None:
            if imports_datafi:
                problems.append(f"README.md:{line}: example imports a DataFi module but has no "
                                "'<!-- readme-test: <TestTarget>' comment under it")
            continue
        if not os.path.isdir(os.path.join(TESTS, target)):
            problems.append(f"README.md:{line}: test target {target} does not exist under Tests/")
            continue
        if continues:
            if target not in wanted:
                problems.append(f"README.md:{line}: continues {target}, but no example for it comes before")
                continue
            wanted[target].append((code, checks))
            continue
        if target in wanted:
            problems.append(f"README.md:{line}: a second example for {target}; one example per test target "
                            "(or mark it 'continues')")
            continue
        wanted[target] = [(code, checks)]
    wanted = {target: render(parts) for target, parts in wanted.items()}
    for target in sorted(os.listdir(TESTS)):
        path = os.path.join(TESTS, target, FILE_NAME)
        if os.path.exists(path) and target not in wanted:
            problems.append(f"{os.path.relpath(path, ROOT)}: no README example produces this file")
    for target, content in sorted(wanted.items()):
        path = os.path.join(TESTS, target, FILE_NAME)
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current == content:
            continue
        if check:
            problems.append(f"{os.path.relpath(path, ROOT)}: differs from README.md "
                            "(run scripts/readme-examples.py)")
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(content)
            print(f"wrote {os.path.relpath(path, ROOT)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    if check:
        print(f"README examples: {len(wanted)} test files match README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
