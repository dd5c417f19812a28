"""The `cleaner` command. Plain `cleaner < in > out` cleans stdin in `console` without importing
click (click costs more start-up than the rest of cleaner); any argument goes to the click
commands in `commands` (clean, explain, rules, golden), `batch` and `serve`, as does shell completion
(`_CLEANER_COMPLETE=bash_source cleaner` prints the script, with no argument)."""

from __future__ import annotations

import os
import sys

COMPLETE_VAR = "_CLEANER_COMPLETE"  # set by the shell's completion script: click answers it


def main() -> None:
    """The `cleaner` command: plain `cleaner` cleans stdin; anything else, and shell completion, goes to click."""
    if len(sys.argv) > 1 or COMPLETE_VAR in os.environ:
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
