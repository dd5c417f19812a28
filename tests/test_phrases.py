"""Phrase lists (`phrases` in a rule): the notation, how the loader joins them to a rule's
regex, the prefilter's literals taken from them, and `rules show` printing them."""

import tomllib

import pytest
import regex

from cleaner import Cleaner
from cleaner.cli.rule_text import rule_toml
from cleaner.engine.fast.prefilter import atoms_for
from cleaner.engine.loader import RuleError, build_rule
from cleaner.engine.phrases import BULLETS, PhraseError, compile_phrases


def matcher(*phrases):
    return regex.compile(compile_phrases(list(phrases))[0], regex.VERSION1).search


@pytest.mark.parametrize("phrases, matching, other", [
    (["related articles"], ["Related articles", "RELATED   ARTICLES:", "» Related articles", "Related articles »"],
     ["Related articles about the war", "unrelated articles"]),
    (["[you] may also like"], ["You may also like", "may also like"], ["You also like"]),
    (["(most|top) read"], ["Most read", "top read..."], ["read"]),
    (["# comments"], ["12 Comments", "3 comments:"], ["Comments", "twelve comments"]),
    (["more from ..."], ["More from The Guardian"], ["More from"]),
    (["don't miss"], ["Don't miss", "Don’t miss!"], ["Dont miss"]),
    (["e[-]mail senden", "blog[s]"], ["E-Mail senden", "email senden", "Blogs", "blog"], ["e--mail senden"]),
    (["not published *12"], ["Not published yet, sorry"], ["Not published because the editor was away"]),
    (["über den autor"], ["ÜBER DEN AUTOR", "Über den Autor"], ["Über den Autor weiß man wenig."]),
    (["price \\(usd\\)"], ["Price (USD)"], ["Price USD"]),
])
def test_notation(phrases, matching, other):
    search = matcher(*phrases)
    assert all(search(line) for line in matching), [line for line in matching if not search(line)]
    assert not any(search(line) for line in other), [line for line in other if search(line)]


@pytest.mark.parametrize("phrase, needle", [
    ("related [articles", "not closed"), ("(a) b", "single alternative"), ("a ] b", "unexpected ']'"),
    ("a * b", "needs a limit"), ("[] b", "empty"), ("a \\", "ends in"),
])
def test_bad_phrase_is_refused(phrase, needle):
    with pytest.raises(PhraseError, match=needle.replace("[", "\\[").replace("]", "\\]")):
        compile_phrases([phrase])


def rule(**options):
    return build_rule("mine.toml", {"id": "my-rule", "kind": "drop_line", "category": "related", "description": "d"}
                      | options)


def test_loader_errors_name_the_file_the_rule_and_the_phrase():
    with pytest.raises(RuleError, match=r"mine.toml: rule 'my-rule': 'phrases': phrase 2 'b \(c': "):
        rule(phrases="a\nb (c\n")
    with pytest.raises(RuleError, match="kind 'strip_span' takes no 'phrases'"):
        build_rule("mine.toml", {"id": "my-rule", "kind": "strip_span", "category": "related", "description": "d",
                                 "phrases": "a"})
    with pytest.raises(RuleError, match="'phrases' is empty"):
        rule(phrases="\n  \n")


def test_phrases_join_the_rules_own_pattern():
    joined = rule(pattern=r"^Read this: \d+$", phrases="related articles\n")
    assert joined.step.pattern.search("Read this: 12") and joined.step.pattern.search("Related articles")
    assert not joined.step.pattern.search("Read this later")
    assert joined.options["phrases"] == ["related articles"]


BULLET_ATOMS = {"\n" + c for c in BULLETS}


def test_atoms_come_from_the_phrases():
    made = rule(phrases="related (articles|stories)\n[you] may also like\n")  # a line starts with one of these
    assert atoms_for(made.step.prefilter) == frozenset({"\nrelated", "\nyou", "\nmay"} | BULLET_ATOMS)
    with_own = rule(pattern="^Sponsored$", phrases="related stories\n")
    assert atoms_for(with_own.step.prefilter) == frozenset({"\nrelated", "\nsponsored"} | BULLET_ATOMS)
    number_first = rule(phrases="# comments\n")  # no line-start literal: a word the line must hold
    assert atoms_for(number_first.step.prefilter) == frozenset({"comments"} | BULLET_ATOMS)
    assert atoms_for(rule(phrases="# (a|b)\n").step.prefilter) is None  # too short to filter


def test_rules_show_prints_one_phrase_a_line_and_loads_back():
    made = rule(phrases="related  articles\n\n[you] may also like\n", example=[{"input": "Related articles", "output": ""}])
    text = rule_toml(made)
    assert "phrases = '''\nrelated articles\n[you] may also like\n'''" in text
    (table,) = tomllib.loads(text)["rule"]
    assert build_rule("<shown>", table).options == made.options


def test_shipped_rules_use_phrases():
    with_phrases = [r for r in Cleaner().rules if "phrases" in r.options]
    assert len(with_phrases) >= 5


def test_long_patterns_say_why_they_are_not_phrases():
    """A pattern of over 400 characters is hard to read and extend: its rule says why phrases cannot hold it."""
    for rule in Cleaner().rules:
        for key in ("pattern", "marker", "meta"):
            value = rule.options.get(key)
            if isinstance(value, str) and len(value) > 400:
                assert "over 400 characters" in rule.description, (rule.id, key, len(value))
