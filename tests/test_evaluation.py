"""The eval harness: question files, evidence matching, hit@k and MRR arithmetic."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from trendqa.errors import InputError
from trendqa.evaluation import (
    Question,
    RetrievalScores,
    evaluate_retrieval,
    first_hit_rank,
    load_questions,
)
from trendqa.records import Chunk, Hit, Location


def hits(*texts: str) -> list[Hit]:
    """Ranked hits over passages with these texts."""
    out = []
    for rank, text in enumerate(texts, 1):
        location = Location("a.txt", "A", 0, len(text), 1, 1)
        out.append(Hit(Chunk(f"c{rank}", text, location), rank=rank, score=1.0 / rank))
    return out


def test_first_hit_rank_finds_the_first_passage_holding_evidence() -> None:
    ranked = hits("无关内容。", "算力提升65.4%。", "算力提升65.4%，再次出现。")
    assert first_hit_rank(ranked, ["算力提升65.4%"]) == 2
    assert first_hit_rank(ranked, ["不存在", "无关"]) == 1  # any evidence string counts
    assert first_hit_rank(ranked, ["不存在"]) is None
    assert first_hit_rank([], ["算力"]) is None


@pytest.mark.parametrize(
    "evidence",
    [
        "算力提升６５．４％",  # full-width digits and sign
        "算力 提升\n65.4 %",  # whitespace and a line break inside
        "“算力提升”65.4%",  # quote marks a model might add
        "ＡＩ芯片",
    ],
)
def test_evidence_matching_ignores_width_whitespace_and_quotes(evidence: str) -> None:
    ranked = hits("别的。", "AI芯片让算力提升65.4%。" if "芯片" in evidence else "算力提升65.4%。")
    assert first_hit_rank(ranked, [evidence]) == 2


def test_empty_evidence_matches_nothing() -> None:
    assert first_hit_rank(hits("算力。"), ["", "  "]) is None


def test_scores_arithmetic() -> None:
    scores = RetrievalScores()
    for rank in (1, 2, 4, None, 11):
        scores.add(rank, seconds=0.1)
    result = scores.to_dict()
    assert result["n"] == 5
    assert result["hit@1"] == 0.2
    assert result["hit@3"] == 0.4
    assert result["hit@5"] == 0.6
    assert result["hit@10"] == 0.6
    assert result["mrr@10"] == round((1 + 1 / 2 + 1 / 4) / 5, 3)  # rank 11 is past the cutoff
    assert result["latency_p50_s"] == 0.1


def test_latency_percentiles() -> None:
    scores = RetrievalScores()
    for n in range(1, 21):
        scores.add(1, seconds=n / 100)
    result = scores.to_dict()
    assert result["latency_p50_s"] == 0.105
    assert result["latency_p95_s"] == 0.2
    assert RetrievalScores().to_dict() == {"n": 0}


def test_evaluate_retrieval_groups_by_language() -> None:
    passages = {"量子": hits("量子纠错突破。"), "battery": hits("别的。", "固态电池装车。")}

    def search(question: str) -> Sequence[Hit]:
        return passages.get(question, [])

    questions = [
        Question("q1", "zh", "量子", evidence=("量子纠错",)),
        Question("q2", "en", "battery", evidence=("固态电池",)),
        Question("q3", "en", "nothing", evidence=("固态电池",)),
        Question("q4", "zh", "unanswerable"),  # no evidence: skipped
    ]
    summary, rows = evaluate_retrieval(questions, search)
    assert [(r["id"], r["rank"]) for r in rows] == [("q1", 1), ("q2", 2), ("q3", None)]
    assert summary["all"]["n"] == 3
    assert summary["all"]["mrr@10"] == round((1 + 0.5) / 3, 3)
    assert summary["zh"]["hit@1"] == 1.0
    assert (summary["en"]["n"], summary["en"]["hit@1"], summary["en"]["hit@3"]) == (2, 0.0, 0.5)


def test_load_questions(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    rows = [
        {"id": "a", "lang": "zh", "question": "量子？", "evidence": ["量子纠错"], "doc": "x.txt"},
        {"question": "Q?", "evidence": "one string", "doc": ["y.txt", "z.txt"]},
    ]
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8"
    )
    first, second = load_questions(path)
    assert first == Question("a", "zh", "量子？", evidence=("量子纠错",), docs=("x.txt",))
    assert first.answerable
    assert second.id == "2"  # the line number when there is no id
    assert second.evidence == ("one string",)  # not a tuple of characters
    assert second.docs == ("y.txt", "z.txt")


@pytest.mark.parametrize("line", ["{not json", '{"id": "x"}', "[1, 2]", '"a string"'])
def test_bad_question_line_names_its_number(tmp_path: Path, line: str) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text('{"question": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"dev\.jsonl:2: not a question record"):
        load_questions(path)


def test_missing_question_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_questions(tmp_path / "nope.jsonl")


QUOTE = "截至2023年底，上海市人工智能企业数量为1,100家。"


@pytest.mark.parametrize(
    ("text", "checked_as", "ok"),
    [
        # In the quote's language its words are compared.
        ("上海市人工智能企业数量为1,100家", "", True),
        ("杭州的人工智能企业数量为2,200家", "", False),
        # A translation is held to its quote as the claim it translates, with its figures.
        ("Shanghai had 1,100 AI companies.", "上海市人工智能企业数量为1,100家", True),
        ("Shanghai had 1,200 AI companies.", "上海市人工智能企业数量为1,100家", False),
        ("Hangzhou had many AI companies.", "杭州的独角兽企业很多，发展很快", False),
        # Without the claim it translates, only names and figures can be compared.
        ("Shanghai had 1,100 AI companies.", "", True),
        ("Many companies were founded there.", "", False),
    ],
)
def test_the_evals_own_check_of_a_shown_claim(text: str, checked_as: str, ok: bool) -> None:
    from trendqa.evaluation import shown_claim_supported

    assert shown_claim_supported(text, checked_as, [QUOTE]) is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2023年全国数据中心用电量约为一千五百亿千瓦时，占1.6%", True),
        ("2022年全国数据中心用电量约为一千五百亿千瓦时", False),
    ],
)
def test_the_evals_own_check_reads_figures_written_in_characters(text: str, ok: bool) -> None:
    from trendqa.evaluation import shown_claim_supported

    quote = "二〇二三年全国数据中心用电量约为一千五百亿千瓦时，占全社会用电量的百分之一点六。"
    assert shown_claim_supported(text, "", [quote]) is ok


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["dev.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl"])
def test_every_answerable_questions_evidence_is_in_the_report_it_names(name: str) -> None:
    # A question set over the default corpus is only as good as its gold: each evidence
    # string must be stated by one of the documents the question names (whitespace,
    # width and quotes folded as the harness folds them), and each unanswerable question
    # names none.
    from trendqa.evaluation import contains

    texts = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt")}
    questions = load_questions(ROOT / "eval" / name)
    assert questions
    for q in questions:
        if not q.answerable:
            assert not q.docs and not q.evidence, q.id
            continue
        assert q.docs and all(d in texts for d in q.docs), (q.id, q.docs)
        for evidence in q.evidence:
            assert any(contains(texts[d], evidence) for d in q.docs), (q.id, evidence)


@pytest.mark.parametrize(
    ("text", "language", "ok"),
    [
        ("The AMD MI300X uses 192GB of HBM3e memory[1]", "en", True),
        # Mostly Latin letters, and Chinese to a reader of English.
        ("AMD MI300X 采用 192GB HBM3e 内存[1]", "en", False),
        ("英伟达 H200 采用 HBM3e 内存，能耗降至 H100 的一半[1]", "zh", True),
    ],
)
def test_an_answer_is_in_its_language_when_its_reader_can_read_it(
    text: str, language: str, ok: bool
) -> None:
    from trendqa.textnorm import written_in

    assert written_in(text, language) is ok
