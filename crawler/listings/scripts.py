"""Reading the JavaScript literals CMS templates configure their lists with.

Nothing here runs JavaScript. Templates write literals — numbers, quoted strings, object
literals — into a handful of well-known calls and variables, in whatever syntax their author
liked: bare or quoted keys, single or double quotes, numbers written as strings, comments,
settings spread over several ``var`` statements. Object literals are read with chompjs (a
tolerant JS-object parser); single settings with a reader that accepts ``key: 5``,
``"key": "5"``, ``var key = 5 // comment`` alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import chompjs

_QUOTED = re.compile(r"""^\s*(['"])(.*)\1\s*$""", re.S)
# A key written bare, in single or double quotes, then ':' (object) or '=' (assignment).
_SETTING = r"""(?<![\w$.])(?:var\s+|let\s+|const\s+)?(['"]?){key}\1\s*(?::|=(?!=))\s*"""
_NUMBER_VALUE = r"""(['"]?)\s*(\d+)\s*\2(?![\w.])"""
_STRING_VALUE = r"""(['"])((?:\\.|(?!\2).)*)\2"""
# String literal tokens of a script, escapes kept (read by ``string_literals``).
_STRING_TOKEN = re.compile(r"""'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`""", re.S)
# Scanned left to right in one pass: a string literal first (so its "//" stays), else a comment;
# an unterminated block comment runs to the end. A quote that opens no string is kept as it is.
_COMMENT_OR_STRING = re.compile(rf"{_STRING_TOKEN.pattern}|//[^\n]*|/\*.*?(?:\*/|\Z)", re.S)
_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}


def split_arguments(text: str) -> list[str]:
    """Arguments of a JS call, split on commas outside quotes, each stripped."""
    arguments, current, quote = [], "", None
    for char in text:
        if quote:
            current += char
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            current += char
        elif char == ",":
            arguments.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        arguments.append(current.strip())
    return arguments


def string_literal(argument: str) -> str | None:
    """The content of a quoted JS string argument, or None when it is not one."""
    match = _QUOTED.match(argument)
    return match.group(2) if match else None


def without_comments(script: str) -> str:
    """``script`` with its ``//`` and ``/* */`` comments blanked, string literals left alone.

    (A URL inside a string keeps its ``//``.)
    """
    return _COMMENT_OR_STRING.sub(_blank_comment, script)


def _blank_comment(match: re.Match) -> str:
    token = match.group()
    if token.startswith("//"):
        return ""  # its line's end stays
    if token.startswith("/*"):
        return " "
    return token  # a string literal


def object_fields(body: str) -> dict[str, str]:
    """Fields of a JS object literal, with or without its braces, as text, in order.

    ``{col:1,path:'/',webname:'某市'}``, ``{"col": 1, "path": "/"}`` and ``{'col':'1'}`` read
    alike: quoted strings without their quotes, numbers as their digits. Nested objects and
    arrays are left out (their keys belong to the inner object).
    """
    text = body.strip()
    if not text.startswith("{"):
        text = "{" + text + "}"
    try:
        parsed = chompjs.parse_js_object(without_comments(text))
    except ValueError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {
        str(key): _text(value)
        for key, value in parsed.items()
        if not isinstance(value, (dict, list)) and value is not None
    }


def object_literals(script: str) -> Iterator[dict]:
    """Every object literal chompjs can read in ``script`` (call options, settings, JSON)."""
    try:
        for found in chompjs.parse_js_objects(without_comments(script), omitempty=True):
            if isinstance(found, dict):
                yield found
    except ValueError:
        return


def settings(script: str) -> dict[str, str]:
    """Every ``key: value`` of the script's object literals, nested ones flattened, as text.

    A later value of the same key wins, as it would when the script runs.
    """
    found: dict[str, str] = {}

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, (dict, list)):
                    walk(inner)
                elif inner is not None:
                    found[str(key)] = _text(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for literal in object_literals(script):
        walk(literal)
    return found


def number_setting(script: str, key: str) -> int | None:
    """The last number set for ``key`` in a script, however it was written.

    ``key: 8``, ``"key": 8``, ``'key':'8'``, ``var key = 8; // comment`` all give 8.
    """
    pattern = re.compile(_SETTING.format(key=re.escape(key)) + _NUMBER_VALUE)
    found = pattern.findall(without_comments(script))
    return int(found[-1][2]) if found else None


def string_setting(script: str, key: str) -> str | None:
    """The last quoted string set for ``key`` in a script (object field or variable)."""
    pattern = re.compile(_SETTING.format(key=re.escape(key)) + _STRING_VALUE, re.S)
    found = pattern.findall(without_comments(script))
    return unescape(found[-1][2]) if found else None


def first_number(script: str, keys: tuple[str, ...]) -> int | None:
    """The number set for the first of ``keys`` the script sets at all."""
    for key in keys:
        value = number_setting(script, key)
        if value is not None:
            return value
    return None


def string_literals(script: str) -> list[str]:
    """The string literals of a script, unescaped, with literals joined by ``+`` merged.

    ``'<a href="' + '/x.pdf' + '">附件</a>'`` is one literal here, as the page would see it.
    Literals joined to a variable (``"index_" + nextPage``) stay apart.
    """
    script = without_comments(script)
    literals: list[str] = []
    previous_end = None
    for match in _STRING_TOKEN.finditer(script):
        text = unescape(match.group(0)[1:-1])
        between = script[previous_end : match.start()] if previous_end is not None else None
        if literals and between is not None and between.strip() == "+":
            literals[-1] += text
        else:
            literals.append(text)
        previous_end = match.end()
    return literals


def unescape(text: str) -> str:
    """A JS string literal's content with its backslash escapes undone."""

    def replace(match: re.Match) -> str:
        escape = match.group(1)
        if escape[0] in "ux" and len(escape) > 1:
            return chr(int(escape[1:], 16))
        return _SIMPLE_ESCAPES.get(escape, escape)

    return _ESCAPES.sub(replace, text)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
