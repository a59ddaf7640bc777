"""The coach: citations on every detected mistake, a grounded debrief, and live hints."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from chat_fakes import FakeListChat

from trainer.coaching import coach
from trainer.coaching.index import KnowledgeIndex
from trainer.coaching.knowledge import MISTAKE_TAGS, article_title, default_notes_dir, shipped_notes
from trainer.domain.acts import Act, ActKind, TurnAnalysis

sys.path.insert(0, str(Path(__file__).parent))
from report_factory import make_report  # noqa: E402

QUOTES = {
    "urgency_signal": [(2, "we need this signed before our board meets on the 14th")],
    "process_concession": [(4, "sure, send over your standard contract")],
}


def detected_report():
    return make_report({"urgency_signal": 20, "process_concession": 30, "unified_actor": 40}, quotes=QUOTES)


def analysis(text: str, *kinds: ActKind) -> TurnAnalysis:
    return TurnAnalysis(text=text, acts=[Act(kind=k, quote=text) for k in kinds])


class BrokenIndex:
    """An index whose Chroma is unreachable."""

    @property
    def collection(self):
        raise ConnectionError("chroma is down")

    def query(self, *args, **kwargs):
        raise ConnectionError("chroma is down")


class RaisingModel(FakeListChat):
    def _call(self, *args, **kwargs):
        raise TimeoutError("model too slow")


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> KnowledgeIndex:
    """An index over the notes for the detected mistakes (enough for retrieval, quick to build)."""
    root = tmp_path_factory.mktemp("coach")
    notes = root / "notes"
    notes.mkdir()
    for note in shipped_notes():
        if {"urgency_signal", "process_concession", "unified_actor"} & set(note.tags):
            shutil.copy(note.path, notes)
    ix = KnowledgeIndex(SimpleNamespace(data_dir=root / "data", chroma_url=None), notes_dir=notes)
    ix.build()
    return ix


def test_tag_fallback_cites_each_detected_mistake_quickly():
    report = detected_report()
    coach.attach_sources(report)  # warm the notes cache
    started = time.perf_counter()
    out = coach.attach_sources(report)
    assert time.perf_counter() - started < 0.2
    notes = {n.id: n for n in shipped_notes()}
    for finding in out.mistakes:
        if not finding.detected:
            assert finding.sources == []
            continue
        assert 1 <= len(finding.sources) <= 3
        assert notes[finding.sources[0].note_id].is_remedy
        for c in finding.sources:
            assert finding.id in notes[c.note_id].tags
            assert c.title == notes[c.note_id].title and c.source == article_title(notes[c.note_id].source)
            assert ".txt" not in c.source
    assert all(m.sources == [] for m in report.mistakes), "the input report must not be mutated"


def test_every_mistake_has_a_fallback_citation():
    for mistake in MISTAKE_TAGS:
        ranked = coach.notes_for_mistake(mistake)
        assert ranked and ranked[0].is_remedy, mistake


def test_retrieved_citations_are_filtered_to_the_mistake(small_index):
    out = coach.attach_sources(detected_report(), small_index)
    notes = {n.id: n for n in shipped_notes()}
    urgency = next(m for m in out.mistakes if m.id == "urgency_signal")
    assert 1 <= len(urgency.sources) <= 3
    assert all("urgency_signal" in notes[c.note_id].tags for c in urgency.sources)
    assert "pace-by-substance" in {c.note_id for c in urgency.sources}  # the remedy is always kept


def test_unavailable_or_empty_index_falls_back_to_tags(tmp_path):
    expected = coach.attach_sources(detected_report())
    assert coach.attach_sources(detected_report(), BrokenIndex()) == expected
    empty = KnowledgeIndex(SimpleNamespace(data_dir=tmp_path, chroma_url=None), notes_dir=default_notes_dir())
    assert coach.attach_sources(detected_report(), empty) == expected
    assert empty.collection.count() == 0, "attach_sources must not build the index (it has to stay fast)"


def scenario_library():
    from trainer.scenarios.loading import load_library

    return load_library()


def test_template_debrief_explains_in_context_and_suggests_next():
    lib = scenario_library()
    scenario = lib.scenarios["carmaker-renewal"]
    d = coach.debrief(detected_report(), scenario, library=lib)
    assert d.mode == "template"
    assert [p.mistake for p in d.points] == ["urgency_signal", "process_concession", "unified_actor"]
    urgency = d.points[0]
    assert "board meets on the 14th" in urgency.what_happened and "turn 3" in urgency.what_happened
    assert scenario.trainee.private_pressures[0].description[:30] in urgency.what_happened
    assert urgency.why_it_matters and urgency.better_line
    assert 1 <= len(urgency.citations) <= 3
    assert d.next_scenario is not None and d.next_scenario.id != scenario.id
    assert set(lib.scenarios[d.next_scenario.id].learning_focus) & {"urgency_signal", "process_concession",
                                                                       "unified_actor"}
    text = d.to_text()
    assert "Better:" in text and urgency.citations[0].title in text


def test_clean_report_has_no_points():
    d = coach.debrief(make_report(), library={})
    assert d.points == [] and "None of the five" in d.headline and d.next_scenario is None


def test_embedded_model_only_polishes():
    polished = "You told them your board date, so they could simply wait you out. Keep dates private next time."
    model = FakeListChat(responses=[polished] * 3)
    d = coach.debrief(detected_report(), model=model, grounded=False, library={})
    assert d.mode == "polished"
    assert d.points[0].what_happened == polished
    assert d.points[0].citations == coach.attach_sources(detected_report()).mistakes[1].sources


def test_strong_model_cites_only_retrieved_notes(small_index):
    reply = ("Naming your board date let them wait you out [keep-your-deadline]. Pace the talks by the open "
             "issues instead [pace-by-substance] [made-up-note].")
    model = FakeListChat(responses=[reply] * 3)
    d = coach.debrief(detected_report(), model=model, grounded=True, index=small_index, library={})
    point = d.points[0]
    assert d.mode == "grounded"
    assert "[made-up-note]" not in point.why_it_matters and "[keep-your-deadline]" in point.why_it_matters
    assert [c.note_id for c in point.citations] == ["keep-your-deadline", "pace-by-substance"]


def test_the_small_local_flag_chooses_polishing_over_grounded_writing(small_index):
    class Embedded(FakeListChat):
        is_small_local = True

    reply = "Naming your board date let them wait you out [keep-your-deadline]."
    small = coach.debrief(detected_report(), model=Embedded(responses=[reply] * 3), index=small_index, library={})
    strong = coach.debrief(detected_report(), model=FakeListChat(responses=[reply] * 3), index=small_index,
                           library={})
    assert (small.mode, strong.mode) == ("polished", "grounded")


def test_failing_model_falls_back_to_templates():
    d = coach.debrief(detected_report(), model=RaisingModel(responses=["x"]), grounded=False, library={})
    template = coach.debrief(detected_report(), library={})
    assert d.mode == "template" and d.points == template.points


def test_live_hint_for_a_turn_that_reveals_urgency(small_index):
    hint = coach.live_hint(analysis("We need this signed by Friday, our board meets Monday.",
                                    ActKind.disclose_urgency), small_index)
    assert hint is not None and hint.mistake == "urgency_signal"
    assert "\n" not in hint.text and hint.citation.title in hint.text
    assert "urgency_signal" in {n.id: n for n in shipped_notes()}[hint.citation.note_id].tags


def test_live_hint_without_index_uses_the_remedy_note():
    hint = coach.live_hint(analysis("Sure, send your template.", ActKind.accept_their_process))
    assert hint.citation.note_id == "negotiate-the-process-first" and hint.line


def test_no_hint_for_good_turns_or_conditional_trades():
    assert coach.live_hint(analysis("What would a delay mean for your launch?", ActKind.question_interests)) is None
    trade = analysis("If you commit to volume, we can move on price.", ActKind.conditional_trade, ActKind.concession)
    assert coach.live_hint(trade) is None


def test_what_could_i_say_answers_the_counterparty_line(small_index):
    hint = coach.what_could_i_say("We'll send over our standard contract for you to sign.", index=small_index)
    assert hint is not None and hint.line and hint.citation.note_id in {"hold-the-pen", "process-is-substance",
                                                                        "negotiate-the-process-first"}

