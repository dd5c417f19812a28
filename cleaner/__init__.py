"""cleaner: strip page furniture from scraped article text, keeping the article verbatim."""

from cleaner.document import Removal
from cleaner.engine import Cleaner, Result, clean
from cleaner.loader import Rule, RuleError

__all__ = ["Cleaner", "Removal", "Result", "Rule", "RuleError", "clean"]
__version__ = "0.1.0"
