"""Answers with citations a reader can check, in the order the pipeline runs.

- `question`: the question analysed before retrieval (type, reports named, subject).
- `context`: evidence that fits the question (passages, sections, outlines).
- `prompts`: every prompt and reply schema sent to the model.
- `reply`: reading the model's JSON, whole or cut off.
- `claims`: each claim checked against the sentences it cites.
- `cite`: citations and [n] markers.
- `answerer`: the pipeline itself.

The model never writes citations itself: it names numbered sentences, and the
citations are built from those, so every quote is verbatim by construction and is
verified again before it is shown.
"""

from trendqa.answer.answerer import MAX_QUESTION_CHARS, Answerer
from trendqa.answer.context import number_passages
from trendqa.answer.question import QuestionAnalysis, analyze
from trendqa.answer.types import REFUSAL, Answer, AskOptions, Citation, Claim, Passage, Sentence

__all__ = [
    "MAX_QUESTION_CHARS",
    "REFUSAL",
    "Answer",
    "Answerer",
    "AskOptions",
    "Citation",
    "Claim",
    "Passage",
    "QuestionAnalysis",
    "Sentence",
    "analyze",
    "number_passages",
]
