"""What the `cleaner` command reads and writes, without click.

The plain pipe filter (`cleaner < in > out`, no arguments) runs from here and never imports
click, which costs more start-up than the rest of cleaner; the click commands
(`cleaner.cli.commands`) use the same reading, writing and error lines.

Exit status: 0 success; 1 golden mismatch or failing rule examples (or interrupted, or the
reader of stdout went away); 2 usage, config, input or output error (disk full, read-only
target, stdin or stdout closed; a golden file that is not UTF-8); 3 a document over --max-removed
under `--on-excess fail` (not written). With several files, each failure is reported on
stderr, the other files are still cleaned, a last line counts the failures, and the status
is 2 if any input could not be read, else 3.

Input is UTF-8, or in the encoding --encoding names. Text that is not UTF-8 and holds no
UTF-8 sequence is read in the encoding charset_normalizer finds (cp1252 of those it cannot
tell apart), with a warning; else its bad bytes are replaced (U+FFFD) with a warning naming
the byte offset; under --strict it is refused. Gzip data on stdin is decompressed. Input that
looks binary is refused: a NUL byte or more than 10% control bytes (other than tab, LF, CR, FF,
VT) in the first 8 KB, or a UTF-16 byte-order mark (with --encoding, the text read in it is
judged). Output is the cleaned text as UTF-8, byte for byte (escape sequences in the text are
kept). Rule time-outs and the over-removal guard print warnings on stderr."""

from __future__ import annotations

import errno
import glob
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from cleaner.config import build_cleaner
from cleaner.engine.document import Removal, locate
from cleaner.engine.pipeline import Cleaner, ExcessiveRemovalError, Result
from cleaner.engine.loader import RuleError

EXIT_MISMATCH = 1
EXIT_ERROR = 2
EXIT_EXCESS = 3
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")  # a character of UTF-8 beyond ASCII (rare in legacy text)
GZIP_MAGIC = b"\x1f\x8b"  # gzip data on stdin is decompressed, as a file named .gz is
BINARY_SNIFF = 8192  # judge binary input by its start, as git and grep do
STDOUT = "<stdout>"
_CONTROL = bytes(sorted(set(range(32)) - set(b"\t\n\r\f\v"))) + b"\x7f"


class InputError(Exception):
    """A document left uncleaned: unreadable, binary, or not UTF-8 under --strict, or its output
    file could not be written (status 2).
    Shown as one line on stderr; `clean` with several files reports it and goes on."""

    exit_code = EXIT_ERROR


class OutputError(InputError):
    """Output not written whole: disk full, read-only target, stdout closed (status 2)."""


class ExcessError(InputError):
    """Cleaning would remove more than --max-removed of a document, under --on-excess fail."""

    exit_code = EXIT_EXCESS


def warn(message: str) -> None:
    print(f"cleaner: warning: {message}", file=sys.stderr, flush=True)


def error(message: str) -> None:
    print(f"cleaner: error: {message}", file=sys.stderr, flush=True)


def fail(message: str, status: int = EXIT_ERROR) -> None:
    error(message)
    sys.exit(status)


@contextmanager
def reported() -> Iterator[None]:
    """Rule, config and input errors raised inside become one line on stderr and their exit status."""
    try:
        yield
    except RuleError as err:
        fail(str(err))
    except InputError as err:
        fail(str(err), err.exit_code)


def reader_gone() -> None:
    """stdout's reader went away (`cleaner < in | head`): as click does, say nothing, status 1."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
    sys.exit(1)


def source_name(path: Path | None) -> str:
    return "<stdin>" if path is None else str(path)


@contextmanager
def output_errors(name: str) -> Iterator[None]:
    """An OSError writing `name` becomes OutputError (status 2, one line); BrokenPipeError passes as it is."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as err:
        if name == STDOUT:  # what is left in its buffer must not fail a second time at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise OutputError(f"{name}: cannot write: {err.strerror or err}") from None


class Sink:
    """A binary stream that takes all it is given or raises OutputError naming it: a short write,
    as on a full disk, is an error, never taken as done."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.stream, self.name = stream, name

    def write(self, data: bytes) -> None:
        with output_errors(self.name):
            view = memoryview(data)
            while view:
                written = self.stream.write(view)
                if not written:
                    raise OSError(errno.EIO, "nothing written")
                view = view[written:]

    def flush(self) -> None:
        with output_errors(self.name):
            self.stream.flush()


def stdout_sink() -> Sink:
    if sys.stdout is None:
        raise OutputError(f"{STDOUT}: cannot write: stdout is closed")
    sys.stdout.flush()
    return Sink(sys.stdout.buffer, STDOUT)


def write_out(text: str) -> None:
    """The text on stdout as UTF-8, verbatim (click.echo would strip escape sequences when piped)."""
    sink = stdout_sink()
    sink.write(text.encode("utf-8"))
    sink.flush()


def same_file(source: Path, target: Path) -> bool:
    """`target` is the regular file `source` names, by the same name or through a link; for '-', the file on
    stdin (a device such as /dev/null is never the same file: writing there replaces nothing)."""
    if str(target) == "-" or not target.is_file():
        return False
    try:
        if str(source) == "-":
            return sys.stdin is not None and os.path.samestat(os.fstat(sys.stdin.fileno()), os.stat(target))
        return os.path.samefile(source, target)
    except (OSError, ValueError):
        return False


def stdin_stream() -> BinaryIO:
    if sys.stdin is None:
        raise InputError("<stdin>: cannot read: stdin is closed")
    return sys.stdin.buffer


@contextmanager
def replacing(target: Path) -> Iterator[Sink]:
    """A Sink on `.NAME.PID.tmp` beside `target`, renamed over it once the block ends without error
    (else removed), so `target` is never left half written. Temp files of `target` left by a run
    that was killed (their PID no longer running) are removed first."""
    remove_stale_temps(target)
    temp, name = target.with_name(f".{target.name}.{os.getpid()}.tmp"), str(target)
    with output_errors(name):
        stream = open(temp, "wb", buffering=1 << 20)
    try:
        yield Sink(stream, name)
        with output_errors(name):
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
            os.replace(temp, target)
    finally:
        with suppress(OSError):
            stream.close()
        with suppress(OSError):
            temp.unlink(missing_ok=True)


def remove_stale_temps(target: Path) -> None:
    for temp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        pid = temp.name[len(target.name) + 2:-4]
        if pid.isdigit() and not pid_running(int(pid)):
            with suppress(OSError):
                temp.unlink()


def pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_file(path: Path, text: str) -> None:
    """`text` as UTF-8 into `path` (its folder made), through a temp file renamed over it once whole."""
    with output_errors(str(path)):
        path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as sink:
        sink.write(text.encode("utf-8"))


def read_bytes(path: Path | None, encoding: str | None = None) -> bytes:
    """The bytes of a file, or of stdin for None, as read_source reads them."""
    return read_source(path, encoding)[0]


def read_source(path: Path | None, encoding: str | None = None) -> tuple[bytes, str | None]:
    """The bytes of a file (decompressed when its name ends in .gz), or of stdin for None (decompressed
    when it starts as gzip data does), and their text in `encoding` when one is given (decoded once);
    refused when unreadable or binary (judged on that text: UTF-16 holds NUL bytes). Stdin on a
    terminal is announced on stderr first."""
    name = source_name(path)
    if path is None and sys.stdin is not None and sys.stdin.isatty():
        print("cleaner: reading text from stdin (end it with Ctrl-D; 'cleaner --help' for help)",
              file=sys.stderr, flush=True)
    try:
        data = stdin_stream().read() if path is None else path.read_bytes()
    except OSError as err:
        raise InputError(f"{name}: cannot read: {err.strerror}") from None
    if (path is not None and path.name.lower().endswith(".gz")) or (path is None and data.startswith(GZIP_MAGIC)):
        data = gunzip(data, name)
    given = None if encoding is None else decode_as(data, encoding, name)
    reason = binary_reason(data if given is None else given.encode("utf-8", "replace"))
    if reason:
        raise InputError(f"{name}: looks like binary data ({reason}); not cleaned")
    return data, given


def gunzip(data: bytes, name: str) -> bytes:
    import gzip  # only for .gz input
    import zlib

    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(f"{name}: not valid gzip data ({err})") from None


def binary_reason(data: bytes) -> str | None:
    """Why `data` looks binary rather than text (see the module docstring), or None."""
    head = data[:BINARY_SNIFF]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 byte-order mark (--encoding utf-16 reads it)"
    nul = head.find(b"\0")
    if nul >= 0:
        return f"NUL byte at offset {nul}"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls * 10 > len(head):
        return f"{controls} control bytes in the first {len(head)}"
    return None


def read_text(path: Path | None, data: bytes | None = None, strict: bool = False, quiet: bool = False,
              encoding: str | None = None) -> str:
    """Read a file (or stdin for None) in `encoding`, else as UTF-8; text that is not UTF-8 is read in the
    encoding charset_normalizer finds, else with its bad bytes replaced, with a warning either way (none
    when `quiet`; refused when `strict`)."""
    name = source_name(path)
    data = read_bytes(path) if data is None else data
    if encoding:
        return decode_as(data, encoding, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if strict:
            raise InputError(f"{name}: invalid UTF-8 at byte {err.start} (--strict)") from None
        found = guess_encoding(data)
        say = warn if not quiet else (lambda message: None)
        if found:
            say(f"{name}: not UTF-8 (invalid at byte {err.start}): read as {found}, as detected "
                "(--encoding NAME says which)")
            return data.decode(found, errors="replace")
        say(f"{name}: invalid UTF-8 at byte {err.start}; replaced")
        return data.decode("utf-8", errors="replace")


def decode_as(data: bytes, encoding: str, name: str) -> str:
    """`data` in the encoding --encoding names; InputError at the first byte it cannot read."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: not valid {encoding} at byte {err.start} (--encoding)") from None
    except (UnicodeError, ValueError) as err:  # a codec that fails otherwise (punycode, idna)
        raise InputError(f"{name}: not valid {encoding} ({err}) (--encoding)") from None


def guess_encoding(data: bytes) -> str | None:
    """The encoding charset_normalizer (a dependency of trafilatura) finds for text that is not UTF-8, when
    it recognises a language in it; of encodings it cannot tell apart, cp1252, which browsers read latin-1
    as (short text often ties). None for UTF-8 with a few bad bytes: it holds valid multibyte sequences."""
    from charset_normalizer import from_bytes

    if _UTF8_SEQUENCE.search(data):
        return None
    matches = list(from_bytes(data[:1 << 20]))
    if not matches or matches[0].encoding in ("utf_8", "ascii") or not matches[0].coherence:
        return None
    ties = [m.encoding for m in matches if (m.chaos, m.coherence) == (matches[0].chaos, matches[0].coherence)]
    return "cp1252" if "cp1252" in ties else matches[0].encoding


_HTML_START = re.compile(
    rb"<!doctype\s+html|<(?:html|head|body)[\s>]|^\s*<(?:div|p|article|section|main|meta|title|!--)[\s>/]", re.I)


def looks_like_html(data: bytes) -> bool:
    """A doctype or an html/head/body tag in the first KB, or a page fragment's opening tag."""
    return bool(_HTML_START.search(data[:1024].removeprefix(b"\xef\xbb\xbf")))


def clean_source(cleaner: Cleaner, path: Path | None, options: dict[str, Any]) -> Result:
    """Clean a file (or stdin for None) as HTML or as text: as --input says, else as its start suggests."""
    kind, encoding = options.get("input_kind") or "auto", options.get("encoding")
    name = source_name(path)
    data, given = read_source(path, encoding)  # given: the text, in the encoding given
    try:
        where = {"url": options.get("url"), "site": options.get("site"),
                 "page_type": (options.get("page_type") or "").lower() or None}
        if kind == "html" or (kind == "auto" and looks_like_html(data if given is None else given.encode())):
            from cleaner.html import clean_page  # imports trafilatura: text input never pays for it

            result = clean_page(cleaner, data if given is None else given, lang=options.get("lang"), **where)
        else:
            text = given if given is not None else read_text(path, data, options.get("strict", False),
                                                             options.get("quiet", False))
            result = cleaner.clean(text, options.get("lang"), **where)
    except ExcessiveRemovalError as err:
        raise ExcessError(f"{name}: {err} (--on-excess fail); not written") from None
    for warning in () if options.get("quiet") else result.warnings:
        warn(f"{name}: {warning}")
    return result


def removal_dicts(result: Result, removals: list[Removal]) -> list[dict[str, object]]:
    """Removals as in `--format json`, in line order, each with its offsets (start, end) into the input."""
    located = [(r.as_dict(), where) for r, where in zip(removals, locate(result.source, removals))]
    located.sort(key=lambda pair: (pair[0]["line"], pair[1][0] if pair[1] else -1))
    return [d | {"start": where[0] if where else None, "end": where[1] if where else None} for d, where in located]


def to_json(result: Result) -> str:
    import json  # only when asked for: keeps text-mode start-up lean

    return json.dumps({
        "text": result.text,
        "removals": removal_dicts(result, result.removals),
        "counts": result.counts,
        "warnings": result.warnings,
        "kept": [k.as_dict() for k in result.kept],
        "removed_share": round(result.removed_share, 4),
        "guard": result.guard,
        "reverted": removal_dicts(result, result.reverted),
        "lang": result.lang,
        "lang_source": result.lang_source,
        "page_type": result.page_type,
        "page_type_source": result.page_type_source,
    }, ensure_ascii=False, indent=2) + "\n"


def render(result: Result, fmt: str) -> str:
    return to_json(result) if fmt == "json" else result.text


def clean_stdin(options: dict[str, Any], fmt: str = "text") -> None:
    """The pipe filter: stdin cleaned to stdout, with the settings file and `options` (the
    command line's, by name; none for plain `cleaner`)."""
    result = clean_source(build_cleaner(**options), None, options)
    write_out(render(result, fmt))
