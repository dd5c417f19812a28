"""Speed and bounds, below the rest of the engine (it imports nothing of cleaner outside this package):
`atoms` reads the literal words a regex needs, `prefilter` finds the lines that hold them
(Aho-Corasick), `regexes` keeps compiled patterns, `cache` keeps all of that between runs, and
`watchdog` holds the per-document and per-rule time limits."""
