"""The `trendqa` command: a thin typer layer over `trendqa.api`, one module per command group.

- `env`: the injectable process environment (`Env`) and helpers shared by the commands.
- `app`: the root typer app, where the groups are registered, and `run`, the one
  place errors become exit codes.
- `index` (ingest, sources, info), `search`, `ask`, `evaluate`, `models`, `serve`, `chat`.
- `backend`: answers searches and questions in-process or through a running `trendqa serve`.

Results go to stdout; progress, warnings and errors to stderr.
"""

from trendqa.cli.app import app, main, run
from trendqa.cli.env import Env

__all__ = ["Env", "app", "main", "run"]
