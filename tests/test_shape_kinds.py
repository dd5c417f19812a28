"""Kinds that read a document's shape: cut_thread, drop_short_run outside the prose body, and
cut_tail sparing the article's closing prose."""

import pytest

from cleaner import Cleaner
from cleaner.engine.loader import RuleError, build_rule

BODY = ("The council approved the budget on Tuesday after a long debate about the new bridge over the river, "
        "which has been planned for twenty years.\n\n"
        "The mayor said work would start in spring and take two years, with the road closed for most of that "
        "time and drivers sent on a long detour.")
LAST = "When the council finally votes next week, the bridge will be the first built here in fifty years."


def run(kind, **options):
    table = {"id": "r", "kind": kind, "category": "comments", "description": "d", **options}
    return Cleaner.from_rules([build_rule("test.toml", table)], max_removed=None)


def thread(**options):
    return run("cut_thread", marker=r"(?i)^reply$|^\S+ says:$", meta=r"^\d{4}-\d\d-\d\d \d\d:\d\d$|^\d{1,4}$",
               **options)


def comment(name, stamp, words):
    return f"{name} says:\n{stamp}\n{words}\nReply"


def test_thread_cut_from_its_first_comment():
    text = BODY + "\n\n" + "\n".join([comment("anna", "2021-05-05 08:31", "About time."),
                                      comment("tom", "2021-05-05 09:58", "Too expensive.")])
    result = thread().clean(text)
    assert result.text == BODY + "\n"
    assert result.removals[0].text == "anna says:"


def test_thread_starts_at_the_stamp_and_name_above_a_reply_button():
    """Reply buttons alone mark the thread; the first comment's stamp and author above go too."""
    block = "P.\n2021-05-05 08:31\nAbout time.\n15\n7\nReply\nLegart\n2021-05-05 09:58\nToo dear.\n8\n3\nReply"
    assert thread().clean(BODY + "\n\n" + block).text == BODY + "\n"


def test_markers_without_metadata_are_no_thread():
    text = BODY + "\n\nReply\n\nSome text.\n\nReply"
    assert thread().clean(text).text == text + "\n"


def test_markers_too_far_apart_are_no_thread():
    filler = "\n".join(f"Paragraph {n} of the article goes on about the bridge and its cost." for n in range(15))
    text = BODY + "\n\n2021-05-05 08:31\nReply\n" + filler + "\nReply"
    assert thread(max_gap=12).clean(text).text == text + "\n"


def test_no_cut_without_an_article_body_before_it():
    text = "\n".join([comment("anna", "2021-05-05 08:31", "About time."), comment("tom", "2021-05-05 09:58", "No.")])
    assert thread().clean(text).text == text + "\n"


@pytest.mark.parametrize(("options", "message"), [({"min_markers": 0}, "'min_markers' must be greater than 0"),
                                                  ({"min_meta": -1}, "'min_meta' must be 0 or more")])
def test_thread_bad_options(options, message):
    with pytest.raises(RuleError, match=message):
        thread(**options)


def test_shipped_thread_rule_keeps_a_live_blog():
    """Time stamps without reply buttons or author lines are no thread."""
    text = BODY + "\n\n" + "\n\n".join(f"12:{m:02} 2024-03-0{m % 9 + 1} — The storm moved on to the next town "
                                       "and cut power to thousands of homes." for m in range(10, 20))
    assert Cleaner().clean(text).text == text + "\n"


def short_run(**options):
    return run("drop_short_run", min_run=4, max_words=3, max_chars=40, edges_only=False, outside_body=True,
               **options)


def test_menu_after_the_body_goes_even_when_not_at_the_end():
    text = BODY + "\n\nShare this\nFacebook\nTwitter\nEmail\n\n© 2024 The Daily Example"
    assert short_run().clean(text).text == BODY + "\n\n© 2024 The Daily Example\n"


def test_list_inside_the_body_stays():
    text = BODY + "\n\nTents\nSleeping bags\nStoves\nLanterns\n\n" + LAST
    assert short_run().clean(text).text == text + "\n"


def test_without_prose_only_the_edges_count():
    text = "Home\nWorld\nPolitics\nSport\n\nThe grid:\n\nAnna Berg\nTom Lee\nJo Kim\nAl Bo\n\nOk then, go."
    assert short_run().clean(text).text == "The grid:\n\nAnna Berg\nTom Lee\nJo Kim\nAl Bo\n\nOk then, go.\n"


def tail(**options):
    return run("cut_tail", marker=r"(?i)^related(?: links)?$", **options)


def test_tail_spares_the_closing_prose_after_an_inline_box():
    text = BODY + "\n\nRelated Links\n\nEuropean Space Agency website\n\n" + LAST
    assert tail().clean(text).text == BODY + "\n\n" + LAST + "\n"


def test_tail_cuts_to_the_end_when_told_the_section_is_prose():
    appeal = "Support us from as little as one dollar, and help keep our journalism open to everyone who reads it."
    text = BODY + "\n\nRelated\n\n" + appeal
    assert tail(keep_closing_prose=False).clean(text).text == BODY + "\n"
    assert tail().clean(text).text == BODY + "\n\n" + appeal + "\n"


def test_a_thread_longer_than_the_article_does_not_trip_the_over_removal_guard():
    """The comment kinds guard their own cuts: a long thread goes, with the default max_removed."""
    comments = "\n".join(comment(f"reader{n}", "2021-05-05 08:31", "I read this twice and still do not see why "
                                 "the council waited so long to decide on the bridge.") for n in range(30))
    table = {"id": "r", "kind": "cut_thread", "category": "comments", "description": "d",
             "marker": r"(?i)^reply$|^\S+ says:$", "meta": r"^\d{4}-\d\d-\d\d \d\d:\d\d$"}
    result = Cleaner.from_rules([build_rule("test.toml", table)]).clean(BODY + "\n\n" + comments)
    assert result.guard is None and result.text == BODY + "\n"
    assert result.removed_share == 0.0


def test_other_rules_still_trip_the_guard():
    table = {"id": "r", "kind": "drop_line", "category": "widget", "description": "d", "pattern": "."}
    result = Cleaner.from_rules([build_rule("test.toml", table)]).clean(BODY)
    assert result.guard == "kept-original"


def headline_run():
    return run("drop_short_run", min_run=3, max_words=16, max_chars=120, edges_only=False, outside_body=True,
               headlines=4)


TEASERS = "New car sales plunge in the autumn\nTaylor Swift wants to re-record her old hits\nCampus hosts first swim meet at new pool"


def test_headline_run_after_the_article_goes():
    assert headline_run().clean(f"{BODY}\n\n{LAST}\n\n{TEASERS}").text == f"{BODY}\n\n{LAST}\n"


@pytest.mark.parametrize("text", [
    f"{TEASERS}\n\n{BODY}\n\n{LAST}",  # before the body: the article's own headline may be among them
    f"{BODY}\n\nThe three plans the council weighed were these:\n{TEASERS}",  # a list the article announces
    f"{BODY}\n\n{LAST}\n\nNew car sales plunge\nSwift hits\nCampus swim meet",  # under four words: labels
    f"{BODY}\n\n{LAST}\n\nnew car sales plunge in the autumn\ntaylor swift wants to re-record her old hits\n"
    "campus hosts first swim meet at new pool",  # not capitalized: wrapped prose
    f"{BODY}\n\n{LAST}\n\nNew car sales plunge 10 percent in October\nTaylor Swift wants to re-record 6 albums\n"
    "Campus hosts first swim meet in 2019",  # digits: data (a schedule, a box score)
    f"{BODY}\n\n{LAST}\n\nFinland (Group J): Zero appearances\nCroatia (Group E): Sixth appearance\n"
    "Austria (Group G): Third appearance",  # entries of the article's own table
])
def test_headline_run_spares_what_is_not_a_teaser_run(text):
    assert headline_run().clean(text).text == text + "\n"


def teaser_box():
    return run("drop_headed_run", phrases="most popular\nmore from ...", min_run=3, min_words=3, max_words=16)


BOX = ("Most Popular\n1\nThousands of Disney Plus accounts were hacked and sold online\n2\n"
       "Man charged with manslaughter in friend's shooting death\n3\n10 Places to Travel in 2020\n"
       "Is the bridge safe to cross?")


def test_teaser_box_goes_wherever_it_stands():
    assert teaser_box().clean(f"{BODY}\n\n{LAST}\n\n{BOX}").text == f"{BODY}\n\n{LAST}\n"
    middle = teaser_box().clean(f"{BODY}\n\n{BOX}\n\n{LAST}").text  # the title before prose may head it: it stays
    assert middle == f"{BODY}\n\nIs the bridge safe to cross?\n\n{LAST}\n"


@pytest.mark.parametrize("box", [
    "Most Popular\nNew car sales plunge in the autumn\nTaylor Swift wants to re-record her old hits",  # two: no box
    "Most Popular\nNew car sales plunged in the autumn.\nSwift re-records her old hits.\nThe pool opens.",  # prose
    "Most popular names\nOliver Smith and Amelia Jones\nGeorge Brown and Isla Wilson\nNoah Taylor and Ava Evans",
    "Popular in the town were these:\nNew car sales plunge in the autumn\nTaylor Swift re-records her hits\n"
    "Campus hosts first swim meet at new pool",  # not the heading alone
])
def test_teaser_box_needs_a_heading_and_three_headlines(box):
    text = f"{BODY}\n\n{box}\n\n{LAST}"
    assert teaser_box().clean(text).text == text + "\n"


def test_teaser_box_heading_names_a_site():
    box = "More From Dawgs By Nature\nSteelers admit club's role in Helmetgate\nWhere do the Browns stand?\n" \
          "Browns edging closer to Steelers heading into Week 12"
    assert teaser_box().clean(f"{BODY}\n\n{box}").text == f"{BODY}\n"


@pytest.mark.parametrize("section", [
    "Pick the Right Location",  # the article's next section heading, before its prose
    "2. Stanford Graduate School of Business",  # a numbered section of the article
])
def test_teaser_box_ends_before_the_articles_next_section(section):
    box = "More From Dawgs By Nature\nSteelers admit club's role in Helmetgate\nWhere do the Browns stand?\n" \
          "Browns edging closer to Steelers heading into Week 12"
    assert teaser_box().clean(f"{BODY}\n\n{box}\n{section}\n{LAST}").text == f"{BODY}\n\n{section}\n{LAST}\n"


def test_teaser_box_heading_in_lower_case_is_a_badge():
    text = f"{BODY}\n\nmost popular\nZip to Zip Moving Inc\nLifestyle Moving & Storage\nMen On The Move Movers"
    assert teaser_box().clean(text).text == text + "\n"


def test_teaser_box_takes_kickers_and_deks_along():
    kickers = "Most Popular\nRANDY ANDY\nAndrew parties in unearthed pics despite denials\nTIME TRAVELLER\n" \
              "Conspiracy theorists spot Greta Thunberg in old picture\nVideo\nRussian Popeye has his tricep removed"
    deks = "Most Popular\nWave of Israeli strikes hit Iran's forces in Syria\nIsrael's military says the strikes " \
           "inside Syria were in response to rockets.\n20 November 2019\nFormer UK consulate worker says China " \
           "tortured him\nSuspect in Malta journalist murder held on yacht"
    for box in (kickers, deks):
        assert teaser_box().clean(f"{BODY}\n\n{LAST}\n\n{box}").text == f"{BODY}\n\n{LAST}\n"


def test_teaser_box_takes_no_prose_after_titles_without_deks():
    box = "Most Popular\nNew car sales plunge in the autumn\nTaylor Swift wants to re-record her old hits\n" \
          "Campus hosts first swim meet at new pool\nTown hall opens its doors again"
    prose = "The committee met again on Thursday, and the chair said the report was late."
    text = f"{BODY}\n\n{box}\n{prose}\nBudget Vote Delayed Until Spring\n{LAST}"
    assert teaser_box().clean(text).text == f"{BODY}\n\nTown hall opens its doors again\n{prose}\n" \
        f"Budget Vote Delayed Until Spring\n{LAST}\n"


def test_labels_after_a_dropped_prompt_ending_in_a_colon_still_go():
    text = (f"{BODY}\n\nSubscribe to The Daily Example on YouTube for more news:\nGuides\nCouncil news\n"
            "About the Author\nJane Smith")
    assert Cleaner().clean(text).text.rstrip() == BODY  # the prompt is furniture, so it announces no list of its own


def test_labels_announced_by_a_sentence_ending_in_a_colon_stay():
    text = f"{BODY}\nWe help brands in these areas:\n- Acquisition\n- Retention & Extension\n- Segmentation\n- Measurement\n- Modeling"
    assert Cleaner().clean(text).text.rstrip() == text


def test_a_line_on_every_card_is_kept_with_max_copies():
    cleaner = run("drop_line", pattern=r"\*$", max_copies=3)
    cards = "".join(f"Plan {i}\nCareer Services Platform *\n" for i in range(4))
    assert cleaner.clean(cards).text == cards  # four copies: a table's entry, not a form's field
    assert cleaner.clean("Name *\nEmail *\nName *\n").text.strip() == ""
    with pytest.raises(RuleError, match="'max_copies' must be greater than 0"):
        run("drop_line", pattern=r"\*$", max_copies=0)


def test_headline_run_spares_press_mentions_with_their_sources():
    mentions = ("On the importance of getting kids reading for fun\nTips for getting your kids into books from the "
                "director of the program. – CBS News\nLawmakers get a tour of a newer tutoring program\nWhile it has not been "
                "around long, it is already making a difference. – KMVT\nSchools look for tutors in the area\n")
    text = f"{BODY}\n\n{LAST}\n\n{mentions}"
    assert headline_run().clean(text).text == text


def test_short_run_spares_a_glossary_of_terms_and_meanings():
    glossary = "Glossary\n- W:Wins\n- L:Losses\n- PCT:Winning Percentage\n- GB:Games Back\n- HOME:Home Record\n"
    text = f"{BODY}\n\n{LAST}\n\n{glossary}"
    assert Cleaner().clean(text).text == text
    for menu in ("World\nPolitics\nBusiness\nTech\nSport\nCulture\n",  # labels without a meaning each: a menu
                 "Module: Class\nModule: Function\nModule: Plugin\nGlobal: Modifying Module\n"):  # a docs site's menu
        assert Cleaner().clean(f"{BODY}\n\n{LAST}\n\n{menu}").text == f"{BODY}\n\n{LAST}\n"


@pytest.mark.parametrize("page_type", ["listing", "collection"])
def test_a_listings_headlines_are_its_entries(page_type):
    text = f"{BODY}\n\n{LAST}\n\n{TEASERS}"
    assert TEASERS not in Cleaner().clean(text).text  # after an article: teasers
    assert TEASERS in Cleaner().clean(text, page_type=page_type).text
