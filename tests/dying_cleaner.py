"""A Cleaner for the pool tests whose cleaning process, on one marker text, dies the slow way: it
closes its files first (the server sees its pipe end) and only exits a second later, as a
process being killed or running out of memory can. Module-level, so the spawned template can
import it."""

import os
import time

from cleaner import Cleaner

MARKER = "close the pipe, then linger"


class DyingCleaner(Cleaner):
    def clean(self, text, lang=None, **where):
        if text.startswith(MARKER):
            os.closerange(3, 4096)
            time.sleep(1.0)
            os._exit(1)
        return super().clean(text, lang, **where)
