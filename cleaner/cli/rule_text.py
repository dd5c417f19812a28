"""A loaded rule written back out: as the [[rule]] table of a rule file (TOML), or as a dict for JSON."""

from __future__ import annotations

import json
import re

from cleaner.engine.loader import Rule

QQ = "'''"  # a TOML multi-line literal string's quotes
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # not allowed raw in a one-line TOML string (tab is)


def rule_dict(rule: Rule) -> dict[str, object]:
    return {"id": rule.id, "kind": rule.kind, "category": rule.category, "description": rule.description,
            "lang": list(rule.lang), "sites": list(rule.sites),
            "page_types": list(rule.page_types), "options": dict(rule.options),
            "examples": [{"input": e.input, "output": e.output} for e in rule.examples], "file": rule.source}


def rule_toml(rule: Rule) -> str:
    """The rule as a [[rule]] table that loads back to the same rule, options in their file's order."""
    table: dict[str, object] = {"id": rule.id, "kind": rule.kind, "category": rule.category,
                                "description": rule.description}
    if rule.lang:
        table["lang"] = list(rule.lang)
    if rule.sites:
        table["sites"] = list(rule.sites)
    if rule.page_types:
        table["page_types"] = list(rule.page_types)
    lines = ["[[rule]]", *(f"{key} = {option_value(key, value)}" for key, value in (table | rule.options).items())]
    for example in rule.examples:
        lines += ["", "[[rule.example]]", f"input = {toml_value(example.input)}"]
        if example.output is not None:
            lines.append(f"output = {toml_value(example.output)}")
    return "\n".join(lines) + "\n"


def option_value(key: str, value: object) -> str:
    """An option's TOML value; a phrase list as a multi-line string, one phrase a line."""
    if key == "phrases" and isinstance(value, list) and not any(QQ in p or _CONTROL.search(p) for p in value):
        return QQ + "\n" + "\n".join(value) + "\n" + QQ
    return toml_value(value)


def toml_value(value: object) -> str:
    """A TOML value for a string, number, boolean or list of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if not isinstance(value, str):
        raise TypeError(f"no TOML form for {type(value).__name__} {value!r}")
    return toml_string(value)


def toml_string(text: str) -> str:
    """A literal string ('...' or '''...''', as the rule files write patterns: backslashes as they are)
    when the text allows one, else a basic string with escapes."""
    if not _CONTROL.search(text):
        if "'" not in text:
            return f"'{text}'"
        if "'''" not in text and not text.endswith("'"):
            return f"'''{text}'''"
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")  # JSON's escapes are TOML's
