"""The speed benchmark's inputs: a realistic corpus, documents of chosen sizes, generated rules."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
GOLDEN = ROOT / "tests" / "golden"
AEB = Path(os.environ.get("CLEANER_AEB", ROOT.parent / "shared" / "data" / "aeb"))


def corpus() -> list[str]:
    """Golden inputs, then each benchmark page's scraped text (trafilatura recall, block text)."""
    from aeb_inputs import careless_inputs, load_pages

    texts = [p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.input.txt"))]
    for by_page in careless_inputs(load_pages(AEB), CACHE).values():
        texts += [text for _, text in sorted(by_page.items()) if text.strip()]
    return texts


def size_mb(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def long_text(texts: list[str], size: int) -> str:
    """The corpus, articles separated by a blank line, repeated and cut to `size` characters."""
    joined = "\n\n".join(t.strip("\n") for t in texts) + "\n\n"
    return (joined * (size // len(joined) + 1))[:size]


def pieces(text: str, size: int) -> list[str]:
    """`text` cut into documents of about `size` characters, at line ends."""
    out, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size - 1)
        end = len(text) if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    return out


def one_line(texts: list[str], size: int) -> str:
    """A single line of `size` characters: the corpus with every line break made a space."""
    return " ".join(long_text(texts, size).split("\n"))[:size]


def jsonl_records(texts: list[str]) -> Iterator[bytes]:
    """Endless JSONL records over the corpus, each with an id and a source field to pass through."""
    number = 0
    while True:
        for text in texts:
            number += 1
            yield json.dumps({"id": number, "source": "aeb", "text": text}, ensure_ascii=False).encode() + b"\n"


def write_jsonl(path: Path, texts: list[str], size: int) -> int:
    """Write at least `size` bytes of JSONL records; returns the byte count."""
    written = 0
    with open(path, "wb", buffering=1 << 20) as out:
        for line in jsonl_records(texts):
            if written >= size:
                break
            out.write(line)
            written += len(line)
    return written


# --- generated drop_line rules -----------------------------------------------------------

SYLLABLES = "zor vex quil brax tun mip drel yark fen gosh plim stra wub kaz jorn lix nub traz".split()
TEMPLATES = [
    r"(?i)^(?:follow|like) us on {Brand}\b",
    r"^{Word} {Word2} newsletter$",
    r"\bSponsored by {Brand}\b",
    r"(?i)^subscribe to (?:the )?{Brand} {word}s?\b",
    r"(?i)\b{word} (?:deals?|offers?) from {Brand}\b",
    r"^(?:Photo|Image|Video): {Brand} ?/ ?{Word}$",
    r"(?i)^download the {Brand} app\b",
    r"(?i)\bpresented by {Brand} {Word}\b",
    r"^{Word} \d+ (?:minutes?|hours?) ago on {Brand}$",
    r"(?i)^(?:read|see|watch) more (?:from|at|on) {Brand}\b",
    r"^©\s*\d{{4}} {Brand} {Word}",
    r"(?i)\b{word}-{word2} (?:partner|affiliate) (?:content|links?)\b",
]


def pseudo_words(rng: random.Random, avoid: str, count: int) -> list[str]:
    """Distinct made-up words that occur nowhere in `avoid` (lower-cased corpus text)."""
    words: dict[str, None] = {}
    while len(words) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        if word not in avoid:
            words[word] = None
    return list(words)


def generated_rules(count: int, texts: list[str], seed: int = 4) -> str:
    """TOML for `count` drop_line rules shaped like shipped ones, whose literals the corpus never has."""
    rng = random.Random(seed)
    words = pseudo_words(rng, "\n".join(texts).lower(), 3 * count)
    tables = []
    for i in range(count):
        brand, word, word2 = words[3 * i: 3 * i + 3]
        pattern = TEMPLATES[i % len(TEMPLATES)].format(
            Brand=brand.title(), Word=word.title(), Word2=word2.title(), word=word, word2=word2)
        limit = f"max_words = {rng.randint(6, 20)}\n" if i % 3 == 0 else ""
        tables.append(f"[[rule]]\nid = 'gen-{i:04d}'\nkind = 'drop_line'\ncategory = 'widget'\n"
                      f"description = 'Generated benchmark rule {i}.'\npattern = '{pattern}'\n{limit}")
    return "\n".join(tables)
