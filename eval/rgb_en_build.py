#!/usr/bin/env python3
"""Build an English news test from RGB (Chen et al., AAAI 2024) for trendqa.

RGB's data is CC BY-NC-SA 4.0 and is not committed. From a checkout of
https://github.com/chen700564/RGB:

    python eval/rgb_en_build.py RGB_GIT_DIR OUT [--n 60] [--reject 20] [--seed 7]
    trendqa ingest OUT/corpus --index OUT/index
    trendqa eval OUT/questions.jsonl --index OUT/index --answers

It reads `data/en_fact.json` (the English split whose files a snapshot holds in full) and
uses only its correct passages: OUT/corpus gets one text file per question holding its
positive and negative news snippets, or for the first --reject questions (after a seeded
shuffle) only the negatives, so that the corpus truly lacks their answer; OUT/questions
.jsonl is in eval/dev.jsonl's format (evidence = RGB's accepted answers; type
"unanswerable" for the rejected ones, "fact" for the others).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", help="RGB checkout (a git directory)")
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--reject", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    raw = subprocess.run(
        ["git", "-C", args.repo, "show", "HEAD:data/en_fact.json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    items = [json.loads(line) for line in raw.splitlines() if line.strip()]
    random.Random(args.seed).shuffle(items)
    items = [it for it in items if it["positive"] and it["negative"]][: args.n]
    corpus = args.out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    rejected = {it["id"] for it in items[: args.reject]}
    rows = []
    for it in items:
        gold = it["answer"]
        answers = [gold] if isinstance(gold, str) else [a for a in gold if isinstance(a, str)]
        answers = answers or [a for group in gold for a in group]
        passages = list(it["negative"][:4])
        unanswerable = it["id"] in rejected
        if not unanswerable:
            passages = list(it["positive"][:3]) + passages
            random.Random(it["id"]).shuffle(passages)
        name = f"rgbe_{it['id']:03d}.txt"
        (corpus / name).write_text("\n\n".join(passages) + "\n", encoding="utf-8")
        rows.append(
            {
                "id": f"rgbe{it['id']:03d}",
                "lang": "en",
                "question": it["query"],
                "answer": "" if unanswerable else answers[0],
                "doc": [] if unanswerable else name,
                "evidence": [] if unanswerable else answers,
                "type": "unanswerable" if unanswerable else "fact",
            }
        )
    with open(args.out / "questions.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} questions ({len(rejected)} unanswerable) in {args.out}")


if __name__ == "__main__":
    main()
