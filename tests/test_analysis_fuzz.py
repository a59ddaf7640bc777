"""Property tests: random, garbage and huge input never crash the analysis, the parser or the evaluator."""

from __future__ import annotations

from evaluator_fixtures import sample_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.domain.transcripts import TranscriptError, parse_transcript
from trainer.evaluation.evaluator import Turn, evaluate
from trainer.reader.analysis import analyse_turn

SCENARIO = sample_scenario()
WORDS = st.sampled_from(
    ["we", "need", "to", "sign", "by", "Friday", "€1.2m", "45 days", "if", "you", "your", "draft", "CFO", "?", "!",
     "12%", "3 years", "whatever", "the", "board", "😀", "|", "---", "\n", "é", "ß", "İ", "…", ":", "'", "’"]
)
TEXT = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=80).map(" ".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, previous=st.one_of(st.none(), TEXT))
def test_analyse_turn_never_crashes_and_quotes_are_substrings(text: str, previous: str | None) -> None:
    analysis = analyse_turn(text, SCENARIO, previous)
    for act in analysis.acts:
        assert act.quote in text


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=12))
def test_evaluate_never_crashes(texts: list[str]) -> None:
    turns = [Turn(speaker="trainee" if i % 2 else "counterparty", text=t) for i, t in enumerate(texts)]
    report = evaluate(turns, scenario=SCENARIO)
    assert len(report.mistakes) == 5
    for m in report.mistakes:
        assert all(0 <= e.turn < len(turns) for e in m.evidence)


@settings(max_examples=100, deadline=None)
@given(raw=st.one_of(st.text(max_size=600), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_parser_only_raises_transcript_error(raw: str) -> None:
    try:
        parse_transcript(raw)
    except TranscriptError as exc:
        assert "\n" not in str(exc)


def test_huge_turn_is_fast() -> None:
    import time

    text = ("We need to sign by Friday because our board meets. " * 20_000)[:900_000]
    start = time.perf_counter()
    analyse_turn(text, SCENARIO)
    assert time.perf_counter() - start < 5
