"""Where a pass over the corpus goes: the work every document pays before any rule runs
(splitting, language detection, the prefilter's scan, rendering) against the whole pass, and
what that leaves for the rules within the 30 MB/s target.

    python benchmarks/stages.py     # under a minute

Each stage is timed over the whole corpus, side by side with the whole pass, best of 7 rounds
(CPU time). A stage that needs the document's lines builds them itself, so the lines are
counted once, by subtracting the `Doc` row."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus, size_mb  # noqa: E402
from speed import interleaved_best, machine_speed  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.engine.document import Doc  # noqa: E402
from cleaner.engine.language import detect  # noqa: E402
from cleaner.engine.fast.prefilter import haystack  # noqa: E402

TARGET = 30  # MB/s, issue 4


def main() -> None:
    texts = corpus()
    mb = size_mb(texts)
    cleaner = Cleaner()
    for _ in range(3):  # rules compile on first use, and the automata become DFAs after 1 MB
        for text in texts:
            cleaner.clean(text)
    _, index = cleaner._plan("en")  # the plan English documents (nearly all of the corpus) use
    automata = [part.automaton for part, _ in index.parts]

    def scan() -> None:
        for text in texts:
            data = haystack(Doc(text).texts)
            for automaton in automata:
                automaton.find_matches_as_indexes(data, overlapping=True)

    works = {
        "whole pass: clean() each text": lambda: [cleaner.clean(t) for t in texts],
        "split into lines (Doc)": lambda: [Doc(t) for t in texts],
        "Doc + render": lambda: [Doc(t).render() for t in texts],
        "language detection": lambda: [detect(t) for t in texts],
        "Doc + haystack + Aho-Corasick scan": scan,
        "Doc + the prefilter's whole answer (candidates)": lambda: [
            index.candidates(d.texts, d.kept) for d in map(Doc, texts)],
    }
    best = {name: seconds * 1000 for name, seconds in interleaved_best(works, rounds=7).items()}
    whole = best["whole pass: clean() each text"]
    floor = (best["Doc + render"] + best["language detection"] + best["Doc + haystack + Aho-Corasick scan"]
             - best["split into lines (Doc)"])
    budget = mb / TARGET * 1000

    print(f"corpus: {len(texts)} texts, {mb:.2f} MB; machine speed {machine_speed():.0f} ms "
          "(speed.py's pure-Python loop; a slower machine takes longer)\n")
    print("| stage | CPU ms a pass | share of the whole pass |\n| --- | --- | --- |")
    for name, ms in best.items():
        print(f"| {name} | {ms:.1f} | {ms / whole:.0%} |")
    print(f"| floor: split, detect, scan, render (no rule visited) | {floor:.1f} | {floor / whole:.0%} |")
    print(f"| the rest: rules, mapping matches to lines, bookkeeping | {whole - floor:.1f} | "
          f"{(whole - floor) / whole:.0%} |")
    print(f"\nwhole pass {mb / whole * 1000:.1f} MB/s; with rules free it would be {mb / floor * 1000:.1f} MB/s. "
          f"{TARGET} MB/s allows {budget:.1f} ms a pass: {max(budget - floor, 0):.1f} ms for everything but "
          f"the floor, which takes {whole - floor:.1f} ms now.")


if __name__ == "__main__":
    main()
