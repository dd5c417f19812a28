"""Site names: what a rule's `sites` lists and what a document's URL or --site is compared to."""

from __future__ import annotations

from urllib.parse import urlsplit


def site_name(value: object) -> str:
    """The site `value` names: a host or URL, lower-cased, without 'www.', a port or a path
    ('https://www.Example.com:8080/a' and 'example.com' give 'example.com'); else ValueError."""
    host = url_site(value) if isinstance(value, str) else None
    if host is None:
        raise ValueError(f"not a site name or URL: {value!r} (expected a host such as 'example.com')")
    return host


def url_site(url: str) -> str | None:
    """The site of a page's address (see site_name), or None when it names no host."""
    text = url.strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname
    except ValueError:  # (an unclosed '[' of an IPv6 address)
        return None
    host = (host or "").rstrip(".").removeprefix("www.")
    return host or None
