#!/usr/bin/env python3
"""Parses PowerShell scripts with the tree-sitter PowerShell grammar and lists
every syntax error (ERROR or MISSING node) as FILE:LINE:COLUMN. Exit 0 when
all parse, 1 on errors, 3 when the grammar is not installed
(pip install tree-sitter==0.26.1 tree-sitter-powershell==0.26.4).

The grammar is not PowerShell's own parser (that needs .NET, which no package
registry reachable here serves); it rejects some valid forms, such as bare
comma-separated words as command arguments (`Select-Object A, B`), so the
collector writes explicit arrays (`-Property @('A', 'B')`)."""
import sys

try:
    import tree_sitter
    import tree_sitter_powershell
except ImportError as e:
    print(f"check-powershell: {e}", file=sys.stderr)
    sys.exit(3)

parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
bad = 0
for path in sys.argv[1:]:
    src = open(path, "rb").read()
    stack = [parser.parse(src).root_node]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            bad += 1
            row, col = n.start_point
            text = src[n.start_byte:n.end_byte][:60].decode("utf-8", "replace")
            print(f"{path}:{row + 1}:{col + 1}: syntax error near `{text}`")
        stack.extend(n.children)
sys.exit(1 if bad else 0)
