"""A prose paragraph with furniture glued to it, or on a line beside it, keeps its sentences: only a
line that reads as furniture is dropped whole (issue 15, item 1). Prose here is four or more
sentences: agency captions run to three (the golden Metro article has one), so a line of three
sentences ending in a credit still reads as a caption."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner

RULES = Cleaner(timeout=None).rules
BIG = 30  # a drop_line rule allowing lines this long (or any length) could swallow a paragraph

SENTENCES = [
    "The city council voted on Tuesday to close the old bridge for repairs.",
    "Engineers found cracks in two of its steel supports during an inspection last month.",
    "Drivers will have to take a detour through the industrial estate until the spring.",
    "The mayor said the work would cost about four million pounds.",
    "Local businesses have asked for help with the loss of passing trade.",
    "A public meeting on the plans is due to take place next week at the town hall.",
    "Residents who live near the river said they had worried about the bridge for years.",
    "The last major repairs were carried out more than thirty years ago.",
    "Officials expect traffic on the ring road to rise by a fifth while the work goes on.",
    "Several families said they would now walk their children to school along the towpath.",
]

# Issue 15's case: a 60-word, four-sentence paragraph with a photo credit glued to its end.
PARAGRAPH = " ".join(SENTENCES[i] for i in (0, 1, 6, 8))


@pytest.mark.parametrize("credit", ["(AP Photo/Rick Bowmer)", "(Photo: Reuters)", "(Getty Images)",
                                    "AP Photo/Rick Bowmer", "(Reuters Photo)", "(Photo by Jane Doe/AFP)"])
def test_prose_loses_only_the_glued_credit(credit):
    assert 55 <= len(PARAGRAPH.split()) <= 65
    assert Cleaner().clean(f"{PARAGRAPH} {credit}\n").text == PARAGRAPH + "\n"


@pytest.mark.parametrize("caption", [
    "President Joe Biden speaks in the Rose Garden. (AP Photo/Evan Vucci)",
    "A crowd gathers outside parliament (Getty Images)",
    "Firefighters work at the scene of the blaze in the city centre on Monday. Nobody was hurt. (Photo: Reuters)",
])
def test_a_caption_with_a_credit_still_goes_whole(caption):
    assert Cleaner().clean(f"{PARAGRAPH}\n\n{caption}\n").text == PARAGRAPH + "\n"


def _big(rule) -> bool:
    if rule.kind != "drop_line":
        return False
    limit = rule.options.get("max_words")
    return limit is None or limit >= BIG


def furniture_lines(rule) -> list[str]:
    """The lines a rule's own examples say it removes."""
    lines = []
    for example in rule.examples:
        if example.output is None:
            continue
        kept = set(example.output.splitlines())
        lines += [line for line in example.input.splitlines() if line.strip() and line not in kept]
    return lines


BIG_RULES = [r for r in RULES if _big(r) and furniture_lines(r)]


def test_the_rules_checked_include_the_large_ones():
    ids = {r.id for r in BIG_RULES}
    assert {"caption-ends-with-agency-credit", "caption-ends-with-photo-credit", "caption-expand-toggle",
            "social-follow-us", "consent-cookie-notice"} <= ids
    assert len(BIG_RULES) >= 40


@pytest.mark.parametrize("rule", BIG_RULES, ids=lambda r: r.id)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_prose_paragraph_beside_or_glued_to_furniture_keeps_its_sentences(rule, data):
    sentences = data.draw(st.lists(st.sampled_from(SENTENCES), min_size=4, max_size=6, unique=True))
    furniture = data.draw(st.sampled_from(furniture_lines(rule)))
    prose = " ".join(sentences)
    place = data.draw(st.sampled_from(["glued", "before", "after"]))
    text = {"glued": f"{prose} {furniture}", "before": f"{furniture}\n\n{prose}",
            "after": f"{prose}\n\n{furniture}"}[place]
    out = Cleaner.from_rules([rule], timeout=None, max_removed=None).clean(text + "\n").text
    for sentence in sentences:
        assert sentence in out, (place, furniture)
