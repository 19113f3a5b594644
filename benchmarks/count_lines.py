"""Size of the helper package: physical lines, and lines of code (no blank lines,
comments or docstrings), per module and in all.  Issue 10 asks for a small package."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "casestudy"


def code_lines(path: Path) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    source = path.read_text(encoding="utf-8")
    doc_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                doc_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines - doc_lines)


def main() -> int:
    rows = [(p.relative_to(ROOT.parent), len(p.read_text(encoding="utf-8").splitlines()),
             code_lines(p))
            for p in sorted(ROOT.rglob("*.py"))]
    for path, physical, code in sorted(rows, key=lambda r: r[1]):
        print(f"{physical:6d} {code:6d}  {path}")
    print(f"{sum(r[1] for r in rows):6d} {sum(r[2] for r in rows):6d}  "
          "total (physical lines, lines of code)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
