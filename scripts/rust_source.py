"""Reading Rust source well enough for the checks in this folder: where its comments, string
and char literals are, and which parts are `#[cfg(test)]` modules."""

import re

RAW_STRING = re.compile(r"b?r(#*)\"")
# A char literal, not a lifetime: one character or one escape between quotes.
CHAR = re.compile(r"'(\\.[^']*|[^\\'])'")
TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{")


def pieces(text):
    """(kind, start, end) for each run of "code", "comment", "string" or "char" in `text`."""
    i, code, n = 0, 0, len(text)
    while i < n:
        c, nxt = text[i], text[i + 1 : i + 2]
        starts_word = i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
        raw = starts_word and RAW_STRING.match(text, i)
        if c == "/" and nxt == "/":
            kind, j = "comment", text.find("\n", i)
            j = n if j < 0 else j
        elif c == "/" and nxt == "*":
            kind, depth, j = "comment", 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
        elif raw:
            end = text.find('"' + raw.group(1), raw.end())
            kind, j = "string", n if end < 0 else end + 1 + len(raw.group(1))
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            kind, j = "string", j + 1
        elif c == "'" and (char := CHAR.match(text, i)):
            kind, j = "char", char.end()
        else:
            i += 1
            continue
        if code < i:
            yield "code", code, i
        yield kind, i, j
        i = code = j
    if code < n:
        yield "code", code, n


def blank(text):
    """`text` with every character but newlines turned into a space (lines stay where they are)."""
    return re.sub(r"[^\n]", " ", text)


def code_only(text):
    """`text` with comments, string and char literals blanked."""
    return "".join(text[s:e] if kind == "code" else blank(text[s:e]) for kind, s, e in pieces(text))


def test_modules(code):
    """(start, end) of each `#[cfg(test)] mod x { ... }` in `code` (from `code_only`)."""
    spans = []
    for test in TEST_MOD.finditer(code):
        depth, j = 0, test.end() - 1
        while j < len(code):
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
            if depth == 0:
                break
        spans.append((test.start(), j))
    return spans
