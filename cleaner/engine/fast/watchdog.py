"""One alarm per document that stops a runaway regex.

A time limit passed to each regex search costs the regex module about 2 µs a call, more than
most searches themselves. Where it can, the engine instead arms one SIGALRM timer per
document: the regex module checks for signals while it matches, so the handler's TimeoutError
stops a rule in the middle of a search. Where a timer cannot be used (not the main thread,
no setitimer, or a SIGALRM handler or timer of the host program in place), `armed` is False
and the engine passes the limit to every search as before."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import TypeVar

try:  # the C functions under `signal`, without its conversions to and from enums (half the cost here)
    import _signal as _raw
except ImportError:  # pragma: no cover - not CPython
    _raw = signal  # type: ignore[assignment]

T = TypeVar("T")


class _Alarm:
    """The main thread's alarm: only its armed `document` and `run` change this (other threads
    never arm one, and their rules run with a time limit on each search instead)."""

    __slots__ = ("in_rule", "fired", "seconds")

    def __init__(self) -> None:
        self.in_rule, self.fired, self.seconds = False, False, 0.0


_alarm = _Alarm()


def _on_alarm(signum: int, frame: object) -> None:
    """Stops the rule that is running; between rules only notes that the alarm went off (the
    next rule arms it again: a handler that armed the timer itself could outlive the document)."""
    if _alarm.in_rule:
        raise TimeoutError("rule time limit")
    _alarm.fired = True


_HAS_TIMER = hasattr(signal, "setitimer")  # not on Windows


class document:  # noqa: N801 - used like a function: `with watchdog.document(seconds) as armed:`
    """Arms the alarm for one document's cleaning; `as` gives whether it is armed. (A class
    rather than a generator-based context manager: this runs once per document.)"""

    __slots__ = ("seconds", "previous")

    def __init__(self, seconds: float | None) -> None:
        self.seconds, self.previous = seconds, None

    def __enter__(self) -> bool:
        if self.seconds is None or not _HAS_TIMER or threading.current_thread() is not threading.main_thread() \
                or _raw.getsignal(signal.SIGALRM) != signal.SIG_DFL:
            return False
        _alarm.seconds, _alarm.fired = self.seconds, False
        self.previous = _raw.signal(signal.SIGALRM, _on_alarm)
        replaced = _raw.setitimer(signal.ITIMER_REAL, self.seconds)  # (one call: it returns the timer it replaced)
        if replaced[0]:  # the host program's own alarm() was running: put it back and leave it be
            _raw.setitimer(signal.ITIMER_REAL, *replaced)
            _raw.signal(signal.SIGALRM, self.previous)
            self.previous = None
            return False
        return True

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:  # in this order: no rule, no timer, then the handler goes
            _alarm.in_rule = False
            _raw.setitimer(signal.ITIMER_REAL, 0)
            _settle()
            _raw.signal(signal.SIGALRM, self.previous)


def _settle() -> None:
    """A Python function call: CPython runs the handler of a signal that came in before the
    timer was stopped here, while it is still ours (not once the default handler is back)."""


def run(call: Callable[..., T], *args: object) -> T:
    """Call a rule's step in the main thread's armed document; the alarm may stop it (a step
    changes nothing itself)."""
    _alarm.in_rule = True  # (first: an alarm from here on stops this rule rather than being missed)
    try:
        if _alarm.fired:  # it went off between rules: a full time limit for this one
            rearm()
        return call(*args)
    finally:
        _alarm.in_rule = False


def rearm() -> None:
    """After the alarm went off: a full time limit again for the rules after it."""
    _alarm.fired = False
    _raw.setitimer(signal.ITIMER_REAL, _alarm.seconds)


class paused:  # noqa: N801 - `with watchdog.paused():` around work no alarm may cut short
    """Work inside a rule that must not be cut short (importing or compiling a regex leaves
    modules and caches half made): the alarm only notes its firing meanwhile, and the rule gets
    a full limit again after it. Does nothing outside the main thread's rules."""

    __slots__ = ("active",)

    def __enter__(self) -> None:
        self.active = _alarm.in_rule and threading.current_thread() is threading.main_thread()
        if self.active:
            _alarm.in_rule = False

    def __exit__(self, *exc: object) -> None:
        if self.active:
            _alarm.in_rule = True
            if _alarm.fired:
                rearm()


# --- a page's work: CPU time, for the HTML path ---------------------------------------------


class OverTime(BaseException):
    """The work under `cpu_limit` used its CPU seconds. (A BaseException, as KeyboardInterrupt: the
    libraries doing the work catch Exception.)"""


TICK = 0.05  # once over, the limit fires again this often (CPU seconds) until its work stops


def _on_prof(signum: int, frame: object) -> None:
    """Stops the work, unless the text rules' alarm is in place (their own limit is running, and
    their watchdog must not be left half set up): the next tick stops it after them."""
    if _raw.getsignal(signal.SIGALRM) is not _on_alarm:
        raise OverTime()


class cpu_limit:  # noqa: N801 - used like a function: `with watchdog.cpu_limit(seconds) as armed:`
    """Raises OverTime in the work once the process has used `seconds` of CPU time in it (a profiling
    timer: the limit does not shrink on a busy machine). Not armed (`as` gives False) for None, outside
    the main thread, without setitimer, or when the host program has its own SIGPROF handler."""

    __slots__ = ("seconds", "previous")

    def __init__(self, seconds: float | None) -> None:
        self.seconds, self.previous = seconds, None

    def __enter__(self) -> bool:
        if self.seconds is None or not _HAS_TIMER or threading.current_thread() is not threading.main_thread() \
                or _raw.getsignal(signal.SIGPROF) != signal.SIG_DFL:
            return False
        self.previous = _raw.signal(signal.SIGPROF, _on_prof)
        _raw.setitimer(signal.ITIMER_PROF, self.seconds, TICK)
        return True

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            try:
                _raw.setitimer(signal.ITIMER_PROF, 0)
            finally:  # (a tick that came in before is dropped once the default handler is back)
                _raw.signal(signal.SIGPROF, self.previous)
