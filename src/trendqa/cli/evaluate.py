"""`trendqa eval`: retrieval and answer scores on a question file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from trendqa.cli.env import env_of, loader_of, settings_of
from trendqa.cli.options import MODES, EmbedderOpt, IndexOpt, JsonOpt, KOpt, ModelOpt
from trendqa.errors import InputError


def eval_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Questions in JSONL (see eval/dev.jsonl).")],
    k: KOpt = 10,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25.")] = "hybrid",
    answers: Annotated[
        bool, typer.Option(help="Also answer every question and score the answers.")
    ] = False,
    extractive: Annotated[bool, typer.Option(help="Score extractive answers.")] = False,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    model: ModelOpt = None,
    llm_url: Annotated[str | None, typer.Option("--llm-url", help="Endpoint URL.")] = None,
    details: Annotated[bool, typer.Option(help="Print one row per question too.")] = False,
    rows_file: Annotated[
        Path | None,
        typer.Option(
            "--rows",
            help="Append each answer's row to this JSONL file as it is scored; questions "
            "already in it are not asked again (resume a stopped run).",
        ),
    ] = None,
    replies_file: Annotated[
        Path | None,
        typer.Option(
            "--replies",
            help="Record every model reply in this JSONL file and replay a recorded one when "
            "the same call comes again: a re-run after a change asks the model only where "
            "its prompt changed.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score retrieval (hit@1/3/5/10, MRR@10) and optionally answers on a question file."""
    from trendqa.api import (
        evaluate,
        load_answer_rows,
        load_questions,
        open_answerer,
        replaying,
    )

    env = env_of(ctx)
    if mode not in MODES:
        raise InputError(f"--mode must be hybrid, dense or bm25, not {mode!r}")
    settings = settings_of(ctx, index_dir=index, embedder=embedder, llm=model, llm_url=llm_url)
    questions = load_questions(file)  # a bad file fails before any model loads
    done = load_answer_rows(rows_file) if rows_file and answers else {}
    if done:
        env.warn(f"{sum(q.id in done for q in questions)} answers reused from {rows_file}")
    answerer, _times = open_answerer(
        settings,
        loader=loader_of(env),
        generator=env.generator,
        use_llm=answers and not extractive,
        # Scores must not depend on question order: no prompt prefix carried between questions.
        reproducible=True,
        on_warning=env.warn,
    )
    if replies_file is not None and answerer.generator is not None:
        answerer.generator = replaying(answerer.generator, replies_file)
    result, rows = evaluate(
        questions,
        answerer,
        k=k,
        mode=mode,
        answers=answers,
        extractive=extractive,
        on_progress=lambda i, n, row: _progress(env.warn, rows_file, i, n, row),
        done=done,
    )
    if as_json:
        env.json_line(result)
        if details:
            for row in rows:
                env.json_line(row)
        return
    out = env.out()
    for section, groups in result.items():
        out.print(f"{section}:")
        for name, scores in groups.items():
            cells = ", ".join(f"{key} {value}" for key, value in scores.items())
            out.print(f"  {name}: {cells}")
    if details:
        for row in rows:
            out.print(json.dumps(row, ensure_ascii=False))


def _progress(
    warn: Callable[[str], None], rows_file: Path | None, i: int, n: int, row: dict[str, Any]
) -> None:
    """One line per answered question on stderr (a long run shows where it is); the row
    itself appended to `rows_file`, so a stopped run loses nothing scored."""
    warn(
        f"{i}/{n} {row['id']}: {row['mode']} {row['total_s']} s"
        + (f" ({row['reason']})" if row["reason"] else "")
    )
    if rows_file is None:
        return
    try:
        with rows_file.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write {rows_file}: {exc.strerror}") from exc
