"""`trendqa serve`: one process keeps the embedder, the index and the LLM loaded.

- `discovery`: the file a server writes in its index folder so clients find it
  (stale files of killed servers are recognised by their pid).
- `client`: the thin HTTP client; stdlib only, it never imports torch. The CLI reaches
  it, the discovery file and `run` through `trendqa.api`.
- `lane`: one model job at a time, behind a bounded queue ("busy" when full).
- `models`: what the server holds, reopening the index when ingest swaps a new one in.
- `app`: the ASGI app (Starlette): the endpoints and their NDJSON streams.
- `run`: `serve`, which listens, writes the discovery file and runs the app with uvicorn.

Nothing is imported here, so `trendqa.server.client` stays light.
"""
