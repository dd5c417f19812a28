"""The HTTP service: `app` (the FastAPI routes and limits), `pool` (the supervised cleaning
processes), `protocol` (uvicorn's HTTP protocol with a deadline for slow clients)."""
