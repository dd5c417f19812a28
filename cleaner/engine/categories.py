"""The one list of rule categories: the loader accepts only these, `cleaner rules categories`
prints them, and the table in docs/rules.md is checked against them (tests/test_categories.py).

`--select` and `--ignore` take a category or a rule id. A retired category name is refused
with the name that replaced it (RETIRED), so a setting written for the old list fails loudly
instead of quietly selecting nothing or more than it said."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "caption": "image captions, gallery labels and wire-photo datelines",
    "credit": "photo and agency credits, on their own line or glued to a paragraph",
    "comments": "reader-comment sections, comment widgets and comment-form labels",
    "newsletter": "newsletter sign-ups and follow-us or subscribe prompts",
    "rating": "\"rate this article\" and feedback forms",
    "related": "related-article teasers and trailing related blocks",
    "advertising": "ad labels, app and subscription promos, affiliate disclosures",
    "consent": "cookie and consent banners",
    "paywall": "subscription-wall prompts",
    "metadata": "bylines, dates, tags, reading times, view counters, reporting credits",
    "social": "share bars and share buttons (a line that is only a network name)",
    "navigation": "menus, breadcrumbs and widget labels such as 'Back to top'",
    "contact": "calls to send the newsroom tips, letters or corrections",
    "widget": "leftovers of page widgets: shortcodes, status messages, lone symbols",
    "duplicate": "text repeated word for word (a caption shown twice)",
    "hidden": "HTML elements hidden from the reader",
    "site-template": "lines of one site's template, learned from its other pages by cleaner learn",
}

RETIRED: dict[str, str] = {
    "comment-form": "comments",  # merged: users who ignore comments expect the form labels to stay too
}


def unknown_name_message(name: str, known: set[str]) -> str:
    """Why `name` is not a rule id or category, with the likeliest intended name."""
    if name in RETIRED:
        return f"{name} (a retired category: its rules are now in '{RETIRED[name]}'; did you mean '{RETIRED[name]}'?)"
    import difflib  # only on this error path

    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"{name} (did you mean '{close[0]}'?)" if close else name
