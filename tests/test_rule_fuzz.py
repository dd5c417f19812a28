"""Rule-file fuzzing (issue 6): whatever a rule file holds, loading it gives rules that work
or one RuleError naming the file, on one line; never any other exception. Through the
command line that is status 2, one line on stderr and no traceback."""

import datetime
import inspect
import json
import math
import tempfile
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, RuleError
from cleaner.engine.kinds import KINDS
from cleaner.engine.loader import load_file

from conftest import ROOT

RULE_FILES = sorted((ROOT / "rules").rglob("*.toml"))
SAMPLE = ("Leave a Reply\n\nKYIV, UKRAINE - JULY 4: A caption. (Photo by Jane Doe/Getty Images)\n"
          "The article goes on (Photo: AFP) with a sentence.\n\nRelated\n\nA teaser\n")
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(content: bytes) -> str:
    """Load `content` as a rule file: 'rules' when it gives rules that clean without error,
    'error' for a clean RuleError; anything else propagates and fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"
        path.write_bytes(content)
        try:
            rules = load_file(path)
        except RuleError as err:
            assert str(err).startswith(str(path)), err
            assert "\n" not in str(err), err
            return "error"
    text_rules = [rule for rule in rules if hasattr(rule.step, "apply")]
    for lang in {None, *(rule.lang[0] for rule in text_rules if rule.lang)}:
        Cleaner.from_rules(text_rules, timeout=0.5).clean(SAMPLE, lang)
    return "rules"


def toml(value: object) -> str:
    """A TOML literal for a value (strings in JSON syntax, which TOML basic strings accept)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, float, datetime.date)):
        return value.isoformat() if isinstance(value, datetime.date) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(toml, value)) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"


def rule_file(tables: list[dict]) -> bytes:
    return "".join("[[rule]]\n" + "".join(f"{json.dumps(k)} = {toml(v)}\n" for k, v in table.items())
                   for table in tables).encode("utf-8")


# ---- truncated real rule files ---------------------------------------------------------------

def test_real_rule_files_load():
    assert RULE_FILES and all(outcome(path.read_bytes()) == "rules" for path in RULE_FILES)


@FUZZ
@given(st.sampled_from(RULE_FILES), st.floats(0, 1))
def test_truncated_rule_file(path, share):
    data = path.read_bytes()
    outcome(data[: int(len(data) * share)])  # may split a UTF-8 sequence: must be a RuleError too


# ---- random TOML ---------------------------------------------------------------------------

text = st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF), max_size=30)
scalars = st.one_of(st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(), text, st.dates())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(text, inner, max_size=3)), max_leaves=8)
PATTERNS = [
    r"(?<=Photo )by \w+", r"(?<!not )Advertisement", r"(?P<label>Photo): (?P=label)?", r"(?<name>x)\g<name>",
    r"(?i)leave a reply", r"(?x) leave \s a \s reply  # comment", r"(?s).", r"(?m)^x$", r"(?V0)x", r"(?a)(?u)x",
    r"(?r)reply$", r"(?:Leave a Reply){e<=1}", r"(?w)\bx\b", r"(?(DEFINE)(?<w>\w+))(?&w) (?&w)", r"a(?R)?b",
    r"\N{EM DASH}", r"\N{NO SUCH NAME}", r"(?<=a+)b", r"\X", r"(?|(a)|(b))", r"x(*SKIP)(*FAIL)|y", r"Photo\K: .*",
    r"(?>ab|a)c", r"a++b", r"[[a-z]--[aeiou]]+", r"\p{Lu}\p{NoSuchProperty}", r"", r"^", r"x*", r"(", r")", r"[",
    r"a{2,1}", r"a{99999999999}", r"\\", "\\", r"(?<=\b)", r"(?P<1>x)", r"(?P<a>x)(?P<a>y)", "\x00", r"\u0000",
    "(" * 2000 + ")" * 2000, r"^\p{Lu}[\p{L}\p{M}.'’-]+(?: \p{Lu}[\p{L}\p{M}.'’-]+)*$",
]
OPTION_NAMES = sorted({name for kind in KINDS.values() for name in inspect.signature(kind).parameters})
KEYS = ["id", "kind", "category", "description", "lang", "example", *OPTION_NAMES]


@st.composite
def rule_tables(draw):
    """Mostly plausible rule tables, each key with either a fitting or an arbitrary value."""
    fitting = {
        "id": st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True), "kind": st.sampled_from(sorted(KINDS)),
        "category": st.sampled_from(["widget", "caption", "Not Kebab"]), "description": text,
        "lang": st.sampled_from(["en", "de", ["fr", "it"], "english", []]),
        "example": st.lists(st.fixed_dictionaries({"input": text}, optional={"output": text}), max_size=2),
        "pattern": st.sampled_from(PATTERNS), "marker": st.sampled_from(PATTERNS),
        "next_line": st.sampled_from(PATTERNS), "selector": st.sampled_from(["div", "div > p", "##", "a[", ""]),
    }
    keys = draw(st.lists(st.one_of(st.sampled_from(KEYS), text), unique=True, max_size=8))
    if draw(st.booleans()):
        keys = ["id", "kind", "category", "description", *[k for k in keys if k not in ("id", "kind", "category", "description")]]
    return {key: draw(st.one_of(fitting.get(key, values), values) if key in fitting else values) for key in keys}


@FUZZ
@given(st.lists(rule_tables(), max_size=4))
def test_random_rule_tables(tables):
    outcome(rule_file(tables))


@FUZZ
@given(st.dictionaries(text, values, max_size=4))
def test_random_toml_document(document):
    outcome("".join(f"{json.dumps(k)} = {toml(v)}\n" for k, v in document.items()).encode("utf-8"))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data):
    outcome(data)


# ---- wrong types in every field ------------------------------------------------------------------

WRONG = [42, 2.5, True, "", "text", "0", [], ["a", 1], {}, {"a": 1}, datetime.date(1979, 5, 27), -1, 0, math.nan, math.inf]
GOOD = {str: "x", int: 3, float: 0.5, bool: True}


def valid_table(kind: str) -> dict:
    """A rule of `kind` with every option set to a value of the right type."""
    hints = typing.get_type_hints(KINDS[kind])
    options = {}
    for name in inspect.signature(KINDS[kind]).parameters:
        allowed = [t for t in typing.get_args(hints[name]) or (hints[name],) if t is not type(None)]
        options[name] = GOOD[allowed[0]]
    return {"id": "my-rule", "kind": kind, "category": "widget", "description": "d", **options,
            "lang": ["en"], "example": [{"input": "x", "output": ""}]}


FIELDS = [(kind, field) for kind in sorted(KINDS) for field in valid_table(kind)]
FIELDS += [(kind, f"example.{key}") for kind in ("drop_line",) for key in ("input", "output")]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_valid_table_loads(kind):
    assert outcome(rule_file([valid_table(kind)])) == "rules"


@pytest.mark.parametrize(("kind", "field"), FIELDS, ids=[f"{k}-{f}" for k, f in FIELDS])
def test_wrong_type_in_every_field(kind, field):
    for wrong in WRONG:
        table = valid_table(kind)
        if field.startswith("example."):
            table["example"][0][field.removeprefix("example.")] = wrong
        else:
            table[field] = wrong
        outcome(rule_file([table]))


def test_wrong_types_are_errors_not_silently_accepted():
    """A sample of clearly wrong values that must be refused (so the checks above can fail)."""
    for field, wrong in [("id", 42), ("kind", ["drop_line"]), ("category", ""), ("description", 1.5),
                         ("lang", 7), ("example", "x"), ("pattern", 3), ("max_words", "ten"), ("max_words", 2.5),
                         ("max_words", True), ("max_words", 0)]:
        table = valid_table("drop_line")
        table[field] = wrong
        assert outcome(rule_file([table])) == "error", (field, wrong)


# ---- huge files, deep nesting, exotic patterns -------------------------------------------------------

def test_five_thousand_rules():
    tables = [{"id": f"rule-{n}", "kind": "drop_line", "category": "widget", "description": "d",
               "pattern": f"^Widget label {n}$"} for n in range(5000)]
    assert outcome(rule_file(tables)) == "rules"


@pytest.mark.parametrize("content", [
    "x = " + "[" * 5000 + "]" * 5000,
    "x = " + "{a = " * 5000 + "}" * 5000,
    "[[rule]]\nid = 'deep'\nkind = 'drop_line'\ncategory = 'widget'\ndescription = 'd'\npattern = '"
    + "(" * 5000 + ")" * 5000 + "'\n",
], ids=["nested-arrays", "nested-tables", "nested-groups"])
def test_deep_nesting_is_an_error(content):
    assert outcome(content.encode()) == "error"


@pytest.mark.parametrize("pattern", PATTERNS, ids=range(len(PATTERNS)))
@pytest.mark.parametrize("kind", ["drop_line", "strip_span"])
def test_exotic_pattern(kind, pattern):
    outcome(rule_file([{"id": "exotic", "kind": kind, "category": "widget", "description": "d", "pattern": pattern}]))


WORKING = [
    (r"(?<=^Photo )by \w+$", "Photo by Jane"),
    (r"^(?P<who>\w+) via (?P=who)$", "Jane via Jane"),
    (r"(?i)^LEAVE A REPLY$", "Leave a Reply"),
    (r"(?x) ^ leave \s a \s reply $", "leave a reply"),
    (r"(?<!\w)(?:Leave a Reply){e<=1}$", "Leave a Replx"),
]


@pytest.mark.parametrize(("pattern", "line"), WORKING, ids=[p for p, _ in WORKING])
def test_lookbehinds_named_groups_and_flags_work(pattern, line):
    table = {"id": "mine", "kind": "drop_line", "category": "widget", "description": "d", "pattern": pattern}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mine.toml"
        path.write_bytes(rule_file([table]))
        cleaner = Cleaner([path], builtin=False)
    assert cleaner.clean(f"Body text.\n\n{line}\n\nPhoto of Jane\n").text == "Body text.\n\nPhoto of Jane\n"


# ---- through the command line ---------------------------------------------------------------------

CLI_CASES = {
    "truncated": (RULE_FILES[0].read_bytes()[:200], 2),
    "not-utf8": (b"[[rule]]\nid = '\xff'\n", 2),
    "nested-arrays": (("x = " + "[" * 5000 + "]" * 5000).encode(), 2),
    "nested-groups": (rule_file([{"id": "deep", "kind": "drop_line", "category": "widget", "description": "d",
                                  "pattern": "(" * 5000 + ")" * 5000}]), 2),
    "wrong-type": (rule_file([{**valid_table("cut_tail"), "max_share": "most"}]), 2),
    "date-value": (rule_file([{**valid_table("drop_line"), "max_words": datetime.date(2025, 7, 4)}]), 2),
    "bad-flags": (rule_file([{**valid_table("strip_span"), "pattern": "(?V0)x"}]), 2),
    "five-thousand": (rule_file([{"id": f"r-{n}", "kind": "drop_line", "category": "widget", "description": "d",
                                  "pattern": f"^Label {n}$"} for n in range(5000)]), 0),
}


@pytest.mark.parametrize("name", CLI_CASES)
def test_rule_file_through_cli(run_cli, tmp_path, name):
    content, status = CLI_CASES[name]
    (tmp_path / "fuzz.toml").write_bytes(content)
    proc = run_cli("--isolated", "--rules", "fuzz.toml", input="Body.\n\nLabel 7\n")
    err = proc.stderr.decode()
    assert proc.returncode == status, err
    assert "Traceback" not in err
    if status:
        assert proc.stdout == b""
        assert len(err.strip().splitlines()) == 1, err
        assert "fuzz.toml" in err
    else:
        assert proc.stdout == b"Body.\n"
