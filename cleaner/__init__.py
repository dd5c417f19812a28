"""cleaner: strip page furniture from scraped article text, keeping the article verbatim."""

from cleaner.engine.document import Removal
from cleaner.engine.pipeline import Cleaner, ExcessiveRemovalError, Result, clean
from cleaner.engine.loader import Rule, RuleError

__all__ = ["Cleaner", "ExcessiveRemovalError", "Removal", "Result", "Rule", "RuleError", "clean", "clean_html"]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """`clean_html` on first use: it imports trafilatura, which plain-text cleaning never needs."""
    if name == "clean_html":
        from cleaner.html import clean_html

        return clean_html
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
