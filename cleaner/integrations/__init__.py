"""cleaner inside other tools: `datatrove` (a pipeline step, also for Ray)."""
