"""The `cleaner` command. Plain `cleaner < in > out` cleans stdin in `console` without importing
click (click costs more start-up than the rest of cleaner); any argument goes to the click
commands in `commands` (clean, explain, rules, golden), `batch` and `serve`."""

from __future__ import annotations

import sys


def main() -> None:
    """The `cleaner` command: plain `cleaner` cleans stdin; anything else goes to click."""
    if len(sys.argv) > 1:
        from cleaner.cli.commands import main as commands

        commands()
        return
    from cleaner.cli.console import clean_stdin, reader_gone, reported

    try:
        with reported():
            clean_stdin({})
    except BrokenPipeError:
        reader_gone()
    except KeyboardInterrupt:  # as click does
        print("\nAborted!", file=sys.stderr)
        sys.exit(1)
