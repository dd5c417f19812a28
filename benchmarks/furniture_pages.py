"""Pages for the per-category furniture benchmark: AEB, traf-dev and the article pages of wcxb-dev,
each with its gold article text (AEB, wcxb) or its with/without snippets (traf)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

from aeb_inputs import decode_html

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@dataclass(frozen=True)
class GoldPage:
    """One page: its set, id, url, HTML, gold article text ('' for traf) and snippets."""

    set: str
    id: str
    url: str
    html: str
    truth: str = ""
    with_: tuple[str, ...] = field(default=())
    without: tuple[str, ...] = field(default=())


def _html(root: Path, page_id: str) -> str:
    return decode_html(gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()))


def load(name: str, data: Path = DATA, ids: set[str] | None = None) -> list[GoldPage]:
    """The pages of set `name` (aeb, traf, wcxb: its article pages), sorted by id; only `ids` when given."""
    folder = {"aeb": "aeb", "traf": "traf-dev", "wcxb": "wcxb-dev"}[name]
    root = data / folder
    gold = json.loads((root / ("ground-truth.json" if name == "aeb" else "gold.json")).read_text(encoding="utf-8"))
    pages = []
    for i in sorted(gold):
        g = gold[i]
        if (ids is not None and i not in ids) or (name == "wcxb" and g["page_type"] != "article"):
            continue
        truth = g.get("articleBody") or g.get("main_content") or ""
        pages.append(GoldPage(name, i, g.get("url", ""), _html(root, i), truth,
                              tuple(g.get("with", ())), tuple(g.get("without", ()))))
    return pages
