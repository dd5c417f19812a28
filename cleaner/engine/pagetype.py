"""Page types: what kind of page a document is (an article, a forum thread, a product, ...), from
what the page says of itself (schema.org types in JSON-LD or microdata, og:type), the URL's shape
and its structure (repeated post blocks, code blocks). Rules say which page types they apply to."""

from __future__ import annotations

import re
from typing import NamedTuple

PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")
ARTICLE = "article"

# schema.org types (JSON-LD @type, microdata itemtype) and og:type values that name a page type, in
# the order they decide: a thread or a manual that also calls itself an Article is a thread or a
# manual; an article reviewing a Product is an article. Types that every site carries (WebSite,
# Organization, WebPage, BreadcrumbList) and FAQPage's Question/Answer say nothing and are not listed.
DECLARED = (
    ("forum", ("DiscussionForumPosting", "QAPage")),
    ("documentation", ("TechArticle", "APIReference")),
    ("collection", ("CollectionPage", "OfferCatalog", "og:product.group", "og:product:group")),
    ("article", ("Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle", "OpinionNewsArticle",
                 "ReportageNewsArticle", "AnalysisNewsArticle", "LiveBlogPosting", "Recipe")),
    ("product", ("Product", "ProductGroup", "IndividualProduct", "ProductModel", "og:product",
                 "og:product.item")),
)
_LD_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]{0,300}\]|"[^"]{1,80}")')
_ITEMTYPE = re.compile(r'itemtype\s*=\s*["\']https?://schema\.org/(\w+)', re.I)
_OG_TYPE = re.compile(r'<meta[^>]+property\s*=\s*["\']og:type["\'][^>]*>', re.I)
_CONTENT = re.compile(r'content\s*=\s*["\']([^"\']{1,40})["\']', re.I)
# The URL's path: words that name a kind of page (shop, forum and documentation software's own).
URL_SHAPES = (
    ("forum", re.compile(r"/(?:forums?|threads?|topics?|t|d|questions|community|discussions?|boards?|comments)"
                         r"(?:/|\.php|$)|showthread|viewtopic|/thread-\d", re.I)),
    ("documentation", re.compile(r"/(?:docs?|documentation|api|reference|manual|guides?|tutorials?|kb|book|"
                                 r"knowledge-?base|wiki|man|quickstart|getting-started|glossary)(?:/|$)", re.I)),
    ("product", re.compile(r"/(?:products?|p|dp|item|pr)/[^/]+", re.I)),
    ("collection", re.compile(r"/(?:collections?|categor(?:y|ies)|product-category|shop|store|department|browse|"
                              r"c|cp|b)(?:/|$)", re.I)),
)
_HOSTS = (("forum", re.compile(r"^(?:forums?|community|discuss|discourse)\.", re.I)),
          ("documentation", re.compile(r"^(?:docs?|developers?|devdocs|wiki|help|support|learn)\.|readthedocs", re.I)))
# A site's home page (no path, or only a language or region: /en/, /en-us/) introduces the site.
_HOME = re.compile(r"^/?(?:[a-z]{2}(?:[-_][a-z]{2})?/?)?(?:index\.\w+)?$", re.I)


class PageType(NamedTuple):
    """A page type and the evidence for it (for explain)."""

    name: str
    why: str


def declared_names(html: str) -> set[str]:
    """The schema.org types a page gives itself (JSON-LD @type, microdata) and its og:type as 'og:value'."""
    names: set[str] = set()
    for match in _LD_TYPE.finditer(html):
        names.update(name.rsplit("/", 1)[-1] for name in re.findall(r'"([^"]+)"', match.group(1)))
    names.update(_ITEMTYPE.findall(html))
    for tag in _OG_TYPE.findall(html[:200_000]):
        if content := _CONTENT.search(tag):
            names.add("og:" + content.group(1).strip().lower())
    return names


def declared_type(html: str) -> PageType | None:
    """The page type the page declares (DECLARED, first match), if any."""
    names = declared_names(html)
    for kind, types in DECLARED:
        if found := sorted(names.intersection(types)):
            return PageType(kind, f"declared {', '.join(found)}")
    return None


def url_type(url: str | None) -> PageType | None:
    """The page type the URL's shape names, if any."""
    if not url:
        return None
    host, _, path = re.sub(r"^[a-z]+://", "", url, flags=re.I).partition("/")
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    for kind, shape in URL_SHAPES:
        if found := shape.search("/" + path):
            return PageType(kind, f"URL path {found.group(0)!r}")
    for kind, shape in _HOSTS:
        if shape.search(host):
            return PageType(kind, f"URL host {host!r}")
    if _HOME.match(path):
        return PageType("service", "URL of a home page")
    return None


def detect(html: str, url: str | None = None) -> PageType:
    """The page's type: what it declares, else its URL's shape, else an article."""
    return declared_type(html) or url_type(url) or PageType(ARTICLE, "nothing says otherwise")


def check_page_type(name: object) -> str:
    """`name` when it is a page type; ValueError naming the known ones otherwise."""
    if isinstance(name, str) and name.lower() in PAGE_TYPES:
        return name.lower()
    raise ValueError(f"unknown page type {name!r}; the page types are {', '.join(PAGE_TYPES)}")


_LD_SCRIPT = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script\s*>", re.I | re.S)


def declared_description(html: str, types: tuple[str, ...] = ("Product", "ProductGroup")) -> str:
    """The longest `description` of a JSON-LD node of one of `types` (a product's own text), or ''."""
    import json

    found = [""]
    for block in _LD_SCRIPT.findall(html):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        found += [node["description"] for node in _nodes(data) if _is_a(node, types)
                  and isinstance(node.get("description"), str)]
    return max(found, key=len).strip()


def _nodes(data: object) -> list[dict]:
    """Every JSON object in `data`, nested ones included."""
    if isinstance(data, list):
        return [node for item in data for node in _nodes(item)]
    if isinstance(data, dict):
        return [data] + [node for value in data.values() for node in _nodes(value)]
    return []


def _is_a(node: dict, types: tuple[str, ...]) -> bool:
    kind = node.get("@type")
    return any(k in types for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str))
