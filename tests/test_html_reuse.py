"""What the HTML path works out once rather than per page or per parse: the rules that run on a page of a
site and type (per cleaner), and the class and id values of a page parsed again from the same string."""

from cleaner import Cleaner
from cleaner.engine.elements import Echo, Page, Prune
from cleaner.html import _rule_ids, page_rules, prune

HTML = "<body><div class='Promo-Box' id=respond>Buy now</div><p>Text.</p></body>"


def test_the_rules_of_a_site_and_type_are_sorted_out_once_per_cleaner():
    cleaner = Cleaner()
    rules = page_rules(cleaner, None, "article")
    assert rules is page_rules(cleaner, None, "article")
    assert rules == [r for r in cleaner.rules if not r.sites and (not r.page_types or "article" in r.page_types)]
    assert rules.prunes == [r for r in rules if isinstance(r.step, Prune)] != []
    assert rules.echoes == [r for r in rules if isinstance(r.step, Echo)]
    assert _rule_ids(rules) == _rule_ids(list(rules)) == {r.step.selector: r.id for r in rules.prunes}
    assert page_rules(cleaner, None, "forum") != rules  # (rules scoped to articles)
    assert page_rules(Cleaner(), None, "article") is not rules


def test_new_rules_are_sorted_out_again():
    cleaner = Cleaner()
    rules = page_rules(cleaner, None, "article")
    cleaner.rules = [rule for rule in cleaner.rules if rule.category != "comments"]
    again = page_rules(cleaner, None, "article")
    assert again is not rules and len(again) < len(rules) and not any(r.category == "comments" for r in again)
    page, plain = Page(HTML), Page(HTML)
    assert [(r.rule_id, r.text) for r in prune(page, again)] == [(r.rule_id, r.text) for r in prune(plain, list(again))]


def test_a_page_parsed_again_from_the_same_string_reads_its_values_once():
    first = Page(HTML)
    values = first._class_and_id_values()
    assert b"promo-box" in values and b"respond" in values
    assert Page(HTML)._class_and_id_values() is values
    again = Page(HTML + " ")._class_and_id_values()  # another string: read again (the same values)
    assert again == values and again is not values
    assert Page(HTML.replace("respond", "other"))._class_and_id_values() != values
