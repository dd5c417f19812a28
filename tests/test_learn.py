"""Learning a site's template (cleaner learn, batch --learn-sites) on a synthetic site: 200 stories made
from the golden articles' sentences, each inside one template's furniture."""

import json
import random
import re
import tomllib

import pytest

from cleaner import Cleaner
from cleaner.learn import Learner, line_key, key_pattern, pack_toml, toml_string
from cleaner.engine.loader import build_rule
from cleaner.selftest import check_rule

from conftest import GOLDEN

SITE = "example-news.com"
PAGES = 200
MONTHS = "January February March April May June July August September October November December".split()


def golden_sentences() -> list[str]:
    """The sentences of the golden articles' paragraphs (headings left out)."""
    sentences = []
    for path in sorted(GOLDEN.glob("*.expected.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            if len(paragraph.split()) >= 12:
                sentences += [s for s in re.split(r"(?<=[.!?»”])\s+", paragraph.strip()) if len(s.split()) >= 4]
    return sentences


def template(rng: random.Random, number: int) -> tuple[list[str], list[str], list[str]]:
    """One page's furniture: before the article, inside it (after its second paragraph), after it."""
    before = ["Example News: independent reporting since 1998", "World | Business | Sport | Culture | Opinion",
              "The Morning Brief: our editors' pick of the day's stories", f"Listen to this story ({rng.randint(2, 9)} min)",
              f"By Example News staff | {MONTHS[number % 12]} {1 + number % 28}, 2024",
              f"Updated {rng.randint(1, 23)} hours ago"]
    if number % 10 == 0:  # on a tenth of the pages
        before.append("Sponsored")
    inside = ["Advertisement", "Story continues below"]
    after = ["Sign up for our daily newsletter to get the top stories in your inbox every morning.",
             "Our picks this week", "Tips? Write to tips@example-news.com",
             "© 2024 Example News. All rights reserved.", "Terms of use · Privacy policy · Cookie settings",
             "Example News is part of Example Media Group.", f"Comments ({rng.randint(0, 400)})"]
    if number % 3 == 0:  # on a third of the pages: a prose line of the template
        after.insert(0, "This article was made possible by the support of our readers across the region.")
    return before, inside, after


def synthetic_site(seed: int = 19) -> list[tuple[str, list[str], list[str]]]:
    """(page text, its article lines, its template lines) for each page."""
    rng = random.Random(seed)
    sentences = golden_sentences()
    pages = []
    for number in range(PAGES):
        article = [" ".join(rng.sample(sentences, rng.randint(2, 3))) for _ in range(rng.randint(4, 7))]
        before, inside, after = template(rng, number)
        lines = before + article[:2] + inside + article[2:] + after
        pages.append(("\n".join(lines) + "\n", article, before + inside + after))
    return pages


@pytest.fixture(scope="module")
def site_pack(tmp_path_factory):
    """The synthetic site, and the pack learned from what the shipped rules leave of its pages."""
    shipped = Cleaner()
    pages = synthetic_site()
    learner = Learner()
    for text, _, _ in pages:
        learner.add(SITE, shipped.clean(text).text)
    path = tmp_path_factory.mktemp("pack") / "learned.toml"
    path.write_text(pack_toml(learner.rules(), "synthetic site"), encoding="utf-8")
    return pages, path


def test_synthetic_site_template_removed_and_articles_kept(site_pack):
    pages, pack = site_pack
    shipped, learned = Cleaner(), Cleaner([pack])
    removed, by_shipped, total = 0, 0, 0
    for text, article, furniture in pages:
        left = learned.clean(text, site=SITE).text.splitlines()
        assert [line for line in left if line in article] == article  # every article line, in order
        total += len(furniture)
        removed += sum(line not in left for line in furniture)
        by_shipped += sum(line not in shipped.clean(text).text.splitlines() for line in furniture)
    assert removed / total >= 0.95
    assert by_shipped / total < 0.8  # the template is mostly the site's own: learning does the rest


def test_learned_rules_are_scoped_reviewable_and_pass_their_examples(site_pack):
    pages, pack = site_pack
    rules = [r for r in Cleaner([pack], builtin=False).rules]
    assert rules and all(r.sites == (SITE,) and r.category == "site-template" and r.kind == "drop_line" for r in rules)
    assert all(len(r.examples) == 2 for r in rules)
    assert [f for r in rules for f in check_rule(r)] == []
    text = pages[0][0]
    assert Cleaner([pack]).clean(text, site="other.org").text == Cleaner().clean(text).text


def test_prose_needs_many_pages_and_the_body_needs_strong_evidence():
    learner = Learner(min_pages=3)
    quote = "“We will rebuild the bridge before the winter comes,” the mayor said on Tuesday."
    rng = random.Random(1)
    sentences = golden_sentences()
    for number in range(100):
        lines = [" ".join(rng.sample(sentences, 2)), "Read more", " ".join(rng.sample(sentences, 2))]
        if number < 3:  # a quote repeated in three follow-up stories
            lines.insert(1, quote)
        if number < 6:  # a teaser label on six pages (min_share: five)
            lines.insert(2, "Related")
        learner.add("a.com", "\n".join(lines))
    rules = {r.line: r for r in learner.rules()}
    assert quote not in rules
    assert rules["Read more"].anywhere and not rules["Related"].anywhere


def test_digits_generalise_only_where_there_are_words():
    assert key_pattern(line_key("Comments (12)")) == r"^Comments\s+\(\d+\)$"
    assert line_key("12") == "12" and line_key("02-751-1500") == "02-751-1500"
    rule = build_rule("t.toml", {"id": "c", "kind": "drop_line", "category": "site-template", "description": "d",
                                 "pattern": key_pattern(line_key("Updated 3 hours  ago")), "sites": ["a.com"]})
    cleaner = Cleaner.from_rules([rule])
    assert cleaner.clean("Updated 17 hours ago\nText.", site="a.com").text == "Text.\n"


def test_sketch_learns_what_exact_counts_learn():
    pages = synthetic_site(seed=3)[:60]
    exact, sketched = Learner(), Learner(exact_keys=50)
    for text, _, _ in pages:
        exact.add(SITE, text)
        sketched.add(SITE, text)
    assert sketched.sites[SITE].sketch.exact is None  # the sketch took over
    assert [r.pattern for r in sketched.rules()] == [r.pattern for r in exact.rules()]


def test_exact_repeats_of_a_page_count_once():
    learner = Learner(min_pages=2)
    for _ in range(5):
        learner.add("a.com", "Only this page\nIts one sentence, repeated five times in the corpus, is here.")
    assert learner.rules() == [] and learner.sites["a.com"].duplicates == 4


@pytest.mark.parametrize("text", ["plain", "it's", 'say "hi"', "back\\slash", "tab\there", "del\x7f", "é ünï ☃"])
def test_toml_strings_read_back(text):
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def corpus_jsonl(path, pages):
    with path.open("w", encoding="utf-8") as out:
        for number, (text, _, _) in enumerate(pages):
            out.write(json.dumps({"url": f"https://www.{SITE}/story/{number}", "text": text}) + "\n")
        out.write(json.dumps({"url": "https://other.org/a", "text": pages[0][0]}) + "\n")


def test_cli_learn_then_clean_with_the_pack(run_cli, tmp_path):
    pages = synthetic_site()[:40]
    corpus_jsonl(tmp_path / "corpus.jsonl", pages)
    done = run_cli("--isolated", "learn", "corpus.jsonl", "-o", "pack.toml", "--report")
    assert done.returncode == 0, done.stderr
    report = done.stderr.decode()
    assert re.search(rf"^{re.escape(SITE)}\s+40\s+0\s+\d+", report, re.M) and "other.org" in report
    assert run_cli("--isolated", "rules", "test", "--rules", "pack.toml", "--no-builtin").returncode == 0
    (tmp_path / "page.txt").write_text(pages[0][0], encoding="utf-8")
    scoped = run_cli("--isolated", "--rules", "pack.toml", "--url", f"https://{SITE}/x", "page.txt").stdout.decode()
    other = run_cli("--isolated", "--rules", "pack.toml", "--site", "other.org", "page.txt").stdout.decode()
    assert "Updated " not in scoped and "Updated " in other
    bad = run_cli("--isolated", "--rules", "pack.toml", "--site", "not a site", "page.txt")
    assert bad.returncode == 2 and b"--site" in bad.stderr


def test_batch_learn_sites_cleans_as_learn_then_rules(run_cli, tmp_path):
    corpus_jsonl(tmp_path / "corpus.jsonl", synthetic_site()[:40])
    assert run_cli("--isolated", "learn", "corpus.jsonl", "-o", "pack.toml").returncode == 0
    two_steps = run_cli("--isolated", "batch", "corpus.jsonl", "--rules", "pack.toml", "-q")
    on_the_fly = run_cli("--isolated", "batch", "corpus.jsonl", "--learn-sites", "-j", "2")
    assert on_the_fly.returncode == 0, on_the_fly.stderr
    assert on_the_fly.stdout == two_steps.stdout
    assert b"Updated " not in on_the_fly.stdout.split(b"\n")[0] and b"Updated " in on_the_fly.stdout.split(b"\n")[-2]
    assert b"learned" in on_the_fly.stderr
    stdin = run_cli("--isolated", "batch", "-", "--learn-sites", "-j", "2",
                    input=(tmp_path / "corpus.jsonl").read_bytes())  # spooled to a temporary file, then read twice
    assert stdin.returncode == 0 and stdin.stdout == two_steps.stdout, stdin.stderr


def test_learn_a_folder_needs_its_site(run_cli, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for number, (text, _, _) in enumerate(synthetic_site()[:10]):
        (folder / f"{number}.txt").write_text(text, encoding="utf-8")
    assert b"--site" in run_cli("--isolated", "learn", "pages").stderr
    done = run_cli("--isolated", "learn", "pages", "--site", f"www.{SITE}")
    assert done.returncode == 0, done.stderr
    assert f"sites = ['{SITE}']" in done.stdout.decode()
