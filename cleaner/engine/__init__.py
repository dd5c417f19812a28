"""The core: text in, cleaned text and a record of each removal out. It imports nothing of cleaner
outside this package.

- `pipeline`: `Cleaner` runs the rules in order over a `document.Doc`, with the over-removal guard;
- `loader`: rule files (TOML) to `Rule`s, each with the step its `kind` builds;
- `kinds`: the text kinds (drop_line, strip_span, cut_tail, ...); `elements`: the HTML element kinds;
- `language`: which language's rules run; `categories`: the one list of rule categories;
- `fast/`: what makes it fast and bounded (literal prefilter, compiled-pattern cache, time limits)."""
