"""Reading the few JavaScript constructs CMS templates use to configure their lists.

Nothing here runs JavaScript: templates write literals (numbers, quoted strings, flat
objects) into a handful of well-known calls, and these helpers read just those literals.
"""

from __future__ import annotations

import re

_PAIR = re.compile(
    r"""(?:^|[{,])\s*(['"]?)([A-Za-z_$][\w$]*)\1\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^,}'"]+))"""
)
_QUOTED = re.compile(r"""^\s*(['"])(.*)\1\s*$""", re.S)


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


def object_fields(body: str) -> dict[str, str]:
    """Fields of a flat JS object literal (``{col:1,path:'/',webname:'某市'}``), in order.

    Values come back as the text written in the page: quoted strings without their quotes,
    anything else stripped. Nested objects and arrays are not read.
    """
    fields: dict[str, str] = {}
    for match in _PAIR.finditer(body.strip()):
        key = match.group(2)
        single, double, bare = match.group(3), match.group(4), match.group(5)
        value = single if single is not None else double if double is not None else bare.strip()
        fields[key] = value
    return fields


def number_setting(script: str, key: str) -> int | None:
    """The last ``key: 123`` (or ``key: '123'``) written in a script, as an int."""
    found = re.findall(rf"""\b{re.escape(key)}\s*:\s*['"]?(\d+)""", script)
    return int(found[-1]) if found else None


def string_setting(script: str, key: str) -> str | None:
    """The last ``key: 'text'`` written in a script."""
    found = re.findall(rf"""\b{re.escape(key)}\s*:\s*(['"])(.*?)\1""", script)
    return found[-1][1] if found else None
