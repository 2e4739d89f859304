"""What a claim rests on: its figure stated with what it measures, and its names kept
when it is translated."""

from __future__ import annotations

import pytest

from trendqa.answer import number_passages
from trendqa.answer.answerer import _names_kept
from trendqa.answer.claims import ClaimChecker
from trendqa.answer.question import ReportNames, analyze
from trendqa.records import Chunk, Hit, Location


@pytest.mark.parametrize(
    ("translation", "claim", "shown"),
    [
        # A name the model "corrected" into one it knows is written as the claim writes it.
        ("The architecture is centred on the CPU.", "架构以 CIPU 为中心。", "centred on the CIPU."),
        ("Sophgo built it from SG2024 chips.", "由 SG2042 芯片构建。", "from SG2042 chips."),
        # Names kept, or words that are no near miss of one, are left as they are.
        ("It is centred on the CIPU.", "架构以 CIPU 为中心。", "centred on the CIPU."),
        ("It is AI-generated content.", "它是 AIGC。", "It is AI-generated content."),
    ],
)
def test_a_translation_keeps_the_latin_names_of_its_claim(
    translation: str, claim: str, shown: str
) -> None:
    assert _names_kept(translation, claim).endswith(shown)


def test_a_figure_is_stated_with_what_it_measures() -> None:
    # "2023年立项数量为97家" takes its words from one sentence and its figure from
    # another, about companies: the figure's own sentence must say what it counts.
    approvals = "2023 年深圳人工智能创新载体立项数量骤然减少至 1 家。"
    firms = '其中,97 家人工智能相关企业被认定为专精特新"小巨人"企业。'
    chunks = [
        Chunk("a", approvals, Location("w.md", "w", 0, len(approvals), 1, 1), heading="载体"),
        Chunk("b", firms, Location("w.md", "w", 500, 500 + len(firms), 9, 9), heading="企业"),
    ]
    passages = number_passages([Hit(c, i, 1.0) for i, c in enumerate(chunks, 1)])
    chosen = [(p, s) for p in passages for s in p.sentences]
    asked = analyze("2023年深圳人工智能创新载体立项数量如何？", ReportNames({}))
    idf = {"立项": 5.0, "数量": 2.0, "深圳": 3.0, "载体": 4.0, "企业": 2.0}
    checker = ClaimChecker(asked, idf, 5.0, {})
    wrong, right = checker.check_all(
        ["2023年深圳创新载体立项数量为97家。", "2023年深圳创新载体立项数量减少至1家。"],
        chosen,
        passages,
    )
    assert not wrong.supported and wrong.check == "figure", wrong.detail
    assert "97" in wrong.detail
    assert right.supported, right.detail
