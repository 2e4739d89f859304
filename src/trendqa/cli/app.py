"""The root `trendqa` app: command groups registered here, errors mapped to exit codes once."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from trendqa import __version__
from trendqa.cli import ask, chat, evaluate, index, models, search, serve
from trendqa.cli.env import Env, env_of
from trendqa.errors import ExitStatus, TrendqaError

app = typer.Typer(
    name="trendqa",
    help="Answer questions about a folder of reports, with citations a reader can check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(ctx: typer.Context, value: bool) -> None:
    if value:
        env_of(ctx).stdout.write(f"{__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        # Eager: runs before typer complains that no command was given.
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Answer questions about a folder of reports, with citations a reader can check."""


app.command("ingest")(index.ingest_cmd)
app.command("search")(search.search_cmd)
app.command("ask")(ask.ask_cmd)
app.command("chat")(chat.chat_cmd)
app.command("serve")(serve.serve_cmd)
app.command("eval")(evaluate.eval_cmd)
app.command("sources")(index.sources_cmd)
app.command("info")(index.info_cmd)
app.add_typer(models.app, name="models")


def run(argv: Sequence[str] | None = None, env: Env | None = None) -> int:
    """Run the CLI and return its exit code; the one place errors become exit codes."""
    env = env or Env()
    debug = "TRENDQA_TRACEBACK" in env.environ
    try:
        # typer prints --help to sys.stdout; send it where the results go.
        with contextlib.redirect_stdout(env.stdout):
            result = app(
                args=list(argv) if argv is not None else None,
                prog_name="trendqa",
                standalone_mode=False,
                obj=env,
            )
    except typer.Exit as exc:
        result = exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        result = ExitStatus.INTERRUPTED
    except typer.TyperException as exc:  # typer's own click: usage errors (exit 2) and the like
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=env.stderr)
        else:
            env.warn(exc.format_message())
        return int(exc.exit_code)
    except TrendqaError as exc:
        if debug:
            raise
        env.warn(f"error: {exc}")
        return exc.exit_status
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitStatus.OK
    except SystemExit as exc:
        # typer meets a closed pipe inside a command with sys.exit(1): the same case as above.
        if isinstance(exc.__context__, BrokenPipeError):
            return ExitStatus.OK
        raise
    code = int(result) if isinstance(result, int) else ExitStatus.OK
    if code == ExitStatus.INTERRUPTED:  # typer returns Ctrl-C in a command as exit code 130
        env.warn("interrupted")
    return code


# The collector's first threshold (objects allocated between young collections) while
# trendqa runs; Python's default is 700. Importing torch and transformers and loading the
# models allocate millions of long-lived objects, and at the default every few thousand of
# them set off a collection that walks them all again: 10-12 full collections, 1.4-1.9 s,
# in a cold `ask` (bench/gc_cold.py), against none at this threshold. Garbage cycles are
# still collected, later.
GC_THRESHOLD = 50_000


def main() -> None:
    """Console-script entry point."""
    gc.set_threshold(GC_THRESHOLD, 20, 20)
    code = run()
    # Nothing is freed by collecting at exit; the interpreter's final walk over every object
    # torch created took ~1 s. Frozen objects are skipped; atexit handlers still run and
    # files are still flushed and closed.
    gc.freeze()
    sys.exit(code)
