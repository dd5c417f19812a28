"""The literal prefilter must never hide a line a rule would change."""

import random

import pytest
import regex

from cleaner import Cleaner
from cleaner.engine.fast.atoms import _case_partner
from cleaner.engine.document import Doc
from cleaner.engine.kinds import KINDS
from cleaner.engine.fast.prefilter import TRIGGERS, LiteralIndex, atoms_for

from conftest import GOLDEN

RULES = [r for r in Cleaner().rules if getattr(r.step, "prefilter", None)]


@pytest.mark.parametrize(("pattern", "atoms"), [
    (r"(?i)^(?:leave|post)\s+a", {"\nleave", "\npost"}),
    (r"\((?:AP|AFP)(?: Photo)?\)", {"(ap", "(afp"}),
    (r"(?i)^foo|bar", {"\nfoo", "bar"}),
    (r"abc\d+defg", {"defg"}),
    (r"fo+bar", {"obar"}),  # the last repeat of o touches "bar"
    (r"(?:ab)?cdef", {"cdef"}),
    (r"Straße", {"stra"}),
    (r"(?i)glass", {"glass", "glaß", "glaẞ"}),
    (r"^(?:Photo|Picture)s?: ", {"\nphoto", "\npicture"}),
    (r"(?i)^(?:publié|màj)", {"\npublié", "\npubliÉ", "\nmàj", "\nmÀj"}),  # accents spelled in both cases
    (r"Agência", {"agência", "agÊncia"}),
    (r"[Pp]hotos?:", {"photo"}),  # small classes are spelled out
    (r"(?:May|June) [0-9]{1,2}", {f"{m} {d}" for m in ("may", "june") for d in range(10)}),
    (r"[^0-9]abc[a-z]", {"abc"}),  # negated and large classes are not
])
def test_atoms_of_known_patterns(pattern, atoms):
    assert atoms_for(pattern) == atoms


@pytest.mark.parametrize("pattern", [
    r"(?x) foo bar", r"\Qfoo\E", r"(a)\1foo", r"(?(1)a|b)foo", r"x*", r"[abc]+", r"(?i)(?:a|b)$", r"\p{L}+",
    r"foo|\d+", r"(?:foo){e<=1}",
])
def test_no_atoms_when_unsure_or_weak(pattern):
    assert atoms_for(pattern) is None


def _lines():
    texts = [p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.txt")]
    texts += [ex.input for r in Cleaner().rules for ex in r.examples]
    return sorted({line.strip() for t in texts for line in t.splitlines() if line.strip()})


LINES = _lines()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_match_contains_an_atom(rule):
    atoms = atoms_for(rule.step.prefilter)
    if atoms is None:
        pytest.skip("rule runs on every line")
    pattern = regex.compile(rule.step.prefilter, regex.VERSION1)
    variants = [s for line in LINES for s in (line, line.upper(), line.lower(), line.title())]
    for line in variants:
        if pattern.search(line):
            folded = ("\n" + line).encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")
            assert any(a in folded for a in atoms), (rule.id, line)


def test_index_candidates_cover_all_matching_lines():
    rng = random.Random(7)
    lines = LINES[:]
    rng.shuffle(lines)
    doc = Doc("\n".join(lines))
    steps = [r.step for r in RULES]
    found = LiteralIndex(steps).candidates(doc.texts, doc.kept)
    for position, (step, rule) in enumerate(zip(steps, RULES)):
        hits = found.get(position, set())  # absent: no candidate line at all
        for index in doc.kept:
            if step.pattern.search(doc.lines[index].strip()) and hits is not None:
                assert index in hits, (rule.id, doc.lines[index])


def test_exotic_case_folding_disables_the_prefilter():
    doc = Doc("ſign up for our newsletter")  # long s: a case-insensitive 's'
    steps = [r.step for r in RULES if getattr(r.step, "max_chars", None) is None]
    found = LiteralIndex(steps).candidates(doc.texts, doc.kept)
    assert found == dict.fromkeys(range(len(steps)))


def test_accented_letters_fold_only_to_their_partner_or_a_trigger():
    """Atoms spell é as é and É; any other character a case-insensitive 'é' matches (the
    Angstrom sign for å) must switch the prefilter off. Checked over all of Unicode."""
    paired = [chr(c) for c in range(0xC0, 0x250) if _case_partner(chr(c))]
    assert len(paired) > 300
    any_paired = regex.compile("(?i)(?-f)[" + "".join(paired) + "]", regex.VERSION1)
    others = {chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and any_paired.fullmatch(chr(c))}
    assert others - set(paired) <= set(TRIGGERS)
    any_ascii = regex.compile("(?i)(?-f)[a-z]", regex.VERSION1)
    folding_to_ascii = {chr(c) for c in range(0x80, 0x110000)
                        if not 0xD800 <= c < 0xE000 and any_ascii.fullmatch(chr(c))}
    assert folding_to_ascii <= set(TRIGGERS)
    for letter in paired:
        partner = _case_partner(letter)
        assert _case_partner(partner) == letter
        assert regex.fullmatch("(?i)(?-f)" + regex.escape(letter), partner)


def test_a_run_of_labels_is_not_joined_across_a_long_line():
    """drop_short_run must see every line: were it handed only the short ones, labels on both
    sides of a prose line would look adjacent."""
    text = "Politics\nNews\nSport\nThis first line of the article runs on for rather more than forty characters.\n" \
           "World\nWeather\nTech\n\nThe article body goes here, in many words.\n"
    assert Cleaner(select=["short-line-run"]).clean(text).removals == []


def test_repeats_too_short_to_hold_min_words_do_not_wake_drop_repeated():
    """drop_repeated (min_words 6) runs only when a line of 11+ characters occurs twice."""
    index = LiteralIndex([KINDS["drop_repeated"](min_words=6)])
    short = Doc("Share\nThe first paragraph of the story.\nShare\nThe second paragraph of it.")
    long = Doc("Share this story with a friend\nBody.\nShare this story with a friend")
    assert index.candidates(short.texts, short.kept) == {}
    assert index.candidates(long.texts, long.kept) == {0: None}


def test_the_dfa_built_for_long_runs_finds_what_the_nfa_finds(monkeypatch):
    """Past DFA_AFTER bytes the index swaps its automaton for a faster one: same answers."""
    import cleaner.engine.fast.prefilter as prefilter

    steps = [r.step for r in RULES]
    docs = [Doc(p.read_text(encoding="utf-8")) for p in sorted(GOLDEN.glob("*.input.txt"))]
    nfa = LiteralIndex(steps)
    expected = [nfa.candidates(d.texts, d.kept) for d in docs]
    monkeypatch.setattr(prefilter, "DFA_AFTER", 0)
    switching = LiteralIndex(steps)
    first = switching.automaton
    assert [switching.candidates(d.texts, d.kept) for d in docs] == expected
    assert switching.automaton is not first  # it did switch


@pytest.mark.parametrize("lang", ["en", "de", "fr", "pt"])
def test_a_plans_joined_index_answers_as_one_index_over_its_rules(lang):
    """A plan joins the shared index of rules without a language with its language's own."""
    cleaner = Cleaner()
    rules, joined = cleaner._plan(lang)
    whole = LiteralIndex([r.step for r in rules])
    docs = [Doc(p.read_text(encoding="utf-8")) for p in sorted(GOLDEN.glob("*.input.txt"))]
    assert len(joined.parts) == (1 if lang == "en" else 2)
    for doc in docs:
        assert joined.candidates(doc.texts, doc.kept) == whole.candidates(doc.texts, doc.kept)
        some = doc.kept[::3]
        assert joined.candidates(doc.texts, some, whole=False) == whole.candidates(doc.texts, some, whole=False)


@pytest.mark.parametrize(("pattern", "atoms"), [
    (r"(?i) ?\((?:photos?|images?) by", {"(photo", "(image"}),  # a literal joined to the group after it
    (r"(?i)^(?:your )?(?:name|email):", {"\nyour ", "\nname", "\nemail"}),  # optional items at a line start
    (r"^\|?\s*(?:photo|image):", {"\n|", "\nphoto", "\nimage"}),  # optional space after ^: none in a stripped line
])
def test_atoms_across_group_boundaries(pattern, atoms):
    assert atoms_for(pattern) == atoms


def test_line_search_is_search_for_every_shipped_pattern():
    """A pattern whose every branch starts with '^' is matched at a line's start only (match
    instead of search): the same lines match, golden inputs and rule examples alike."""
    lines = {line.strip() for p in GOLDEN.glob("*.txt") for line in p.read_text(encoding="utf-8").splitlines()}
    anchored = 0
    for rule in RULES:
        pattern = rule.step.pattern
        examples = {line.strip() for e in rule.examples for line in e.input.splitlines()}
        for line in lines | examples:
            assert bool(pattern.line_search(line)) == bool(pattern.compiled.search(line)), (rule.id, line)
        anchored += pattern.line_search == pattern.compiled.match
    assert anchored > 100  # most shipped patterns are anchored
