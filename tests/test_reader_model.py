"""The learned reader: corpus loading, calibration, the shipped model, training end to end, robustness."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trainer.domain.acts import ActKind
from trainer.reader.corpus import LABELS, CorpusError, data_hash, load_split, read_rows
from trainer.reader.scoring import act_metrics, fit_platt, sigmoid

FIXTURE = Path(__file__).parent / "fixtures" / "reader_corpus"


def test_corpus_rows_load_with_acts_in_label_order():
    rows = load_split("train", FIXTURE)
    assert len(rows) == 24
    assert rows[1].acts == [ActKind.disclose_urgency]
    assert LABELS[0] == ActKind.offer and len(LABELS) == len(ActKind)


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ("{not json", "not JSON"),
        (json.dumps({"id": "x", "sector": "s", "text": "t", "acts": ["made_up"], "writer": "w"}), "acts.0"),
        (json.dumps({"id": "x", "sector": "s", "text": "t", "acts": [], "writer": "w", "extra": 1}), "extra"),
        (json.dumps({"id": "x", "sector": "s", "text": "", "acts": [], "writer": "w"}), "text"),
    ],
)
def test_malformed_corpus_line_names_file_line_and_field(tmp_path, line, where):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "ok", "sector": "s", "text": "fine", "acts": [], "writer": "w"}) + "\n" + line + "\n")
    with pytest.raises(CorpusError) as err:
        read_rows(path)
    assert f"{path}:2:" in str(err.value) and where in str(err.value)


def test_missing_split_is_an_error_not_empty(tmp_path):
    with pytest.raises(CorpusError, match="no .jsonl files"):
        load_split("heldout", tmp_path)


def test_data_hash_changes_with_content(tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text("one\n")
    first = data_hash([a])
    a.write_text("two\n")
    assert data_hash([a]) != first


def test_platt_calibration_recovers_a_known_scale():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 3, size=(4000, 1))
    truth = (rng.random((4000, 1)) < sigmoid(0.5 * z - 1.0)).astype(float)
    platt = fit_platt(z, truth)
    assert platt.a[0] == pytest.approx(0.5, abs=0.08)
    assert platt.b[0] == pytest.approx(-1.0, abs=0.15)


def test_act_metrics_by_hand():
    kinds = len(LABELS)
    truth = np.zeros((4, kinds))
    probs = np.zeros((4, kinds))
    truth[:2, 0] = 1  # two offers
    probs[0, 0], probs[2, 0] = 0.9, 0.8  # one right, one false alarm, one missed
    m = act_metrics(probs, truth)
    assert m["acts"]["offer"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "n": 2}
    assert m["macro_f1"] == 0.5  # only acts that occur count


@pytest.fixture(scope="module")
def shipped():
    from trainer.reader.model import ActReader

    return ActReader()


def test_shipped_model_card_matches_the_committed_corpus(shipped):
    """The weights were trained on exactly the committed train/dev files (the card records their hash)."""
    from trainer.reader.corpus import CORPUS_DIR

    card = json.loads((Path(__file__).parents[1] / "trainer" / "reader" / "model" / "reader.json").read_text())
    files = [CORPUS_DIR / name for name in card["data_files"]]
    assert all(f.is_file() for f in files)
    assert data_hash(files) == card["data_sha256"] == shipped.card.data_sha256


@pytest.mark.parametrize(
    "text",
    ["🙂🙂🙂 👍", "Nous ne pouvons pas accepter ce prix.", "我们需要在三月前签约。",
     "| issue | ours | theirs |\n|---|---|---|\n| price | 190 | 180 |", "very long " * 200 + ".", "", "   \n\t"],
)
def test_reader_never_crashes_on_odd_input(shipped, text):
    from trainer.reader.turns import read_turn

    analysis = read_turn(text, None, "Our price is 180 a unit.", reader=shipped)
    assert analysis.text == text
    assert all(0.0 <= a.confidence <= 1.0 for a in analysis.acts)


@pytest.mark.slow
def test_training_runs_end_to_end_and_the_result_loads(tmp_path):
    """`trainer train reader` on a tiny corpus: seeded training, calibration, int8 export, a loadable model."""
    pytest.importorskip("torch")
    from trainer.reader.model import ActReader
    from trainer.reader.training import TrainConfig, train_reader

    result = train_reader(tmp_path, TrainConfig(epochs=1, batch_size=8), FIXTURE, log=lambda _: None)
    card = json.loads((tmp_path / "reader.json").read_text())
    assert card["train_rows"] == 24 and card["data_files"] == ["dev/fixture.jsonl", "train/fixture.jsonl"]
    assert set(result.metrics) == {"dev_fp32", "dev_int8"}
    probs = ActReader(tmp_path).probabilities([("Our price is 180.", "We can't accept it as it stands.")])
    assert probs.shape == (1, len(LABELS)) and np.all((probs >= 0) & (probs <= 1))
