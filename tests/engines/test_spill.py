"""Spilled hash digests (auditor.engines.spill) answer every question as the in-memory ones do."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parity_data import odd_frame
from parity_data import odd_plan as _plan

from auditor.engines import duckdb as duck
from auditor.engines import spill
from auditor.engines.digests import HashCounts, combine_hashes
from auditor.engines.pandas import profile_frame
from auditor.engines.spill import SPILL_DIR_ENV, SpilledHashCounts, SpillFolder
from auditor.spec.model import DataSource


@pytest.fixture(autouse=True, params=["one aggregate", "hash partitions"])
def _always_spill(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The DuckDB engine spills its hash digests for these small files too (it does above
    SPILL_MIN_ROWS); every test runs with one aggregate and with hash partitions of 97 rows
    (a digest of 100 M rows is partitioned, see spill.PARTITION_ROWS)."""
    monkeypatch.setattr(duck, "SPILL_MIN_ROWS", 0)
    if request.param == "hash partitions":
        monkeypatch.setattr(spill, "PARTITION_ROWS", 97)


def _digest(values: np.ndarray, labels: np.ndarray | None = None, start: int = 0) -> HashCounts:
    """In-memory digest of small integer "rows" (and labels: a feature digest with groups)."""
    vector = pd.util.hash_array(values.astype(np.int64))
    if labels is None:
        return HashCounts.from_hashes(vector, ("x",), positions=np.arange(start, start + len(values)))
    with_label = combine_hashes([vector, pd.util.hash_array(labels.astype(np.int64))], len(values))
    return HashCounts.from_hashes(with_label, ("x",), positions=np.arange(start, start + len(values)), groups=vector)


def _parts(values: np.ndarray, labels: np.ndarray | None, cuts: list[int]) -> list[tuple[np.ndarray, np.ndarray | None]]:
    bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(values))), len(values)]
    return [(values[a:b], None if labels is None else labels[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def _both(values: np.ndarray, labels: np.ndarray | None, cuts: list[int],
          folder: SpillFolder) -> tuple[HashCounts, SpilledHashCounts]:
    """The digest of the rows merged part by part in memory, and spilled part by part."""
    memory: HashCounts | None = None
    spilled: SpilledHashCounts | None = None
    offset = 0
    for part_values, part_labels in _parts(values, labels, cuts):
        part = _digest(part_values, part_labels)
        memory = part if memory is None else memory.merge(part, offset)
        as_file = SpilledHashCounts.spill(part, folder)
        spilled = as_file if spilled is None else spilled.merge(as_file, offset)
        offset += len(part_values)
    assert memory is not None and spilled is not None
    return memory, spilled


def _assert_same(memory: HashCounts, spilled: SpilledHashCounts) -> None:
    whole = memory
    assert spilled.n_rows == whole.n_rows and spilled.n_distinct == whole.n_distinct
    assert spilled.n_repeated == whole.n_repeated
    assert spilled.multiplicities() == whole.multiplicities()
    assert spilled.summary() == whole.summary()
    assert spilled.repeated_groups() == whole.repeated_groups()
    assert spilled.repeat_examples() == whole.repeat_examples()
    if whole.groups is not None:
        assert spilled.conflicts() == whole.conflicts()
    back = spilled.materialise()
    for attr in ("hashes", "counts", "first", "repeats", "repeat_hashes"):
        assert np.array_equal(getattr(back, attr), getattr(whole, attr)), attr
    assert (back.groups is None) == (whole.groups is None)
    if whole.groups is not None:
        assert np.array_equal(back.groups, whole.groups)


def _truth_repeats(values: np.ndarray) -> list[dict[str, int]]:
    """Exact answer from the rows themselves: the first rows equal to an earlier row."""
    series = pd.Series(values)
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    repeated = np.flatnonzero(series.duplicated().to_numpy())[:20]
    return [{"row": int(r), "same_as": int(first[values[r]])} for r in repeated]


def test_duplicates_and_conflicts_across_parts_match_the_rows(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    values = rng.integers(0, 300, 2000)
    labels = rng.integers(0, 2, 2000)
    folder = SpillFolder(tmp_path)
    memory, spilled = _both(values, labels, [250, 700, 701, 1500], folder)
    _assert_same(memory, spilled)
    assert (len(spilled.aggregate()) > 1) == (spill.PARTITION_ROWS < len(values))
    # checked against the rows: duplicates of (value, label), conflicts of value with two labels
    rows = pd.DataFrame({"v": values, "y": labels})
    assert spilled.n_repeated == int(rows.duplicated().sum())
    conflicting = rows.groupby("v")["y"].nunique()
    n_groups, n_rows, examples = spilled.conflicts()
    assert n_groups == int((conflicting > 1).sum()) and n_rows == int(rows["v"].isin(conflicting[conflicting > 1].index).sum())
    assert examples[0] == sorted(rows.drop_duplicates().loc[lambda d: d["v"] == values[0]].index.tolist()) or \
        conflicting[values[0]] == 1
    plain_memory, plain_spilled = _both(values, None, [250, 700, 1500], folder)
    assert plain_spilled.repeat_examples() == _truth_repeats(values) == plain_memory.repeat_examples()


def test_shared_rows_spilled_and_in_memory_every_way(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    earlier_values, later_values = rng.integers(0, 500, 1500), rng.integers(300, 900, 800)
    folder = SpillFolder(tmp_path)
    early_memory, early_spilled = _both(earlier_values, None, [400, 1000], folder)
    late_memory, late_spilled = _both(later_values, None, [100, 555], folder)
    expected = late_memory.shared_with(early_memory)
    assert expected[0] == int(np.isin(later_values, earlier_values).sum()) > 0
    assert expected[1] == len(set(later_values) & set(earlier_values))
    first_earlier = {v: i for i, v in reversed(list(enumerate(earlier_values)))}
    assert all(earlier_values[e["earlier_row"]] == later_values[e["row"]] and first_earlier[later_values[e["row"]]]
               == e["earlier_row"] for e in expected[2])
    assert late_spilled.shared_with(early_spilled) == expected
    assert late_spilled.shared_with(early_memory) == expected
    assert late_memory.shared_with(early_spilled) == expected
    none_memory, none_spilled = _both(np.arange(5000, 5100), None, [50], folder)
    assert none_spilled.shared_with(early_spilled) == (0, 0, []) == none_memory.shared_with(early_memory)


def test_in_memory_and_spilled_merge_both_ways(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 100, 600)
    folder = SpillFolder(tmp_path)
    a, b = _digest(values[:250]), _digest(values[250:])
    expected = a.merge(b, 250)
    left = a.merge(SpilledHashCounts.spill(b, folder), 250)
    right = SpilledHashCounts.spill(a, folder).merge(b, 250)
    assert isinstance(left, SpilledHashCounts) and isinstance(right, SpilledHashCounts)
    _assert_same(expected, left)
    _assert_same(expected, right)
    with pytest.raises(ValueError, match="saved digest summary"):
        right.merge(expected.summary(), 600)  # type: ignore[arg-type]


def test_the_spill_folder_goes_with_its_last_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SPILL_DIR_ENV, str(tmp_path / "spill"))
    folder = SpillFolder()
    assert folder.path.parent == tmp_path / "spill" and folder.path.is_dir()
    path = folder.path
    digest = SpilledHashCounts.spill(_digest(np.arange(10) % 3), folder)
    assert digest.n_distinct == 3 and any(path.glob("*.parquet"))
    del folder
    gc.collect()
    assert path.is_dir()  # the digest still uses it
    del digest
    gc.collect()
    assert not path.exists()


@pytest.mark.parametrize(("batch_rows", "workers"), [(333, 2), (1000, 1)])
def test_engine_digests_equal_the_in_memory_ones(tmp_path: Path, batch_rows: int, workers: int) -> None:
    """The DuckDB engine's spilled digests of a file with planted duplicates, reused ids and conflicting labels."""
    frame = odd_frame(3000, seed=11)
    frame.iloc[2900:2950] = frame.iloc[10:60].to_numpy()  # copies across parts
    path = tmp_path / "odd.parquet"
    frame.to_parquet(path, index=False)
    frame = pd.read_parquet(path)
    plan = _plan(frame)
    whole = profile_frame(frame, dataset="training", plan=plan).digests
    streamed = duck.profile_source(DataSource("training", path=path), dataset="training", plan=plan,
                                   batch_rows=batch_rows, workers=workers, spill_dir=tmp_path / "spill").digests
    assert whole is not None and streamed is not None
    for name in ("rows", "ids", "features"):
        memory, spilled = getattr(whole, name), getattr(streamed, name)
        assert isinstance(spilled, SpilledHashCounts) and len(spilled.parts) == -(-3000 // batch_rows)
        _assert_same(memory, spilled)
    assert whole.rows.n_repeated >= 50 and whole.ids.n_repeated >= 50
    assert streamed.features.conflicts() == whole.features.conflicts()
    assert streamed.rows.shared_with(whole.rows)[0] == 3000
    del streamed, spilled
    gc.collect()
    assert not any((tmp_path / "spill").iterdir())


def test_a_profile_with_spilled_digests_saves_its_row_evidence(tmp_path: Path) -> None:
    frame = odd_frame(800, seed=5)
    path = tmp_path / "odd.parquet"
    frame.to_parquet(path, index=False)
    frame = pd.read_parquet(path)
    plan = _plan(frame)
    key = b"0123456789abcdef-secret"
    memory = profile_frame(frame, dataset="training", plan=plan)
    spilled = duck.profile_source(DataSource("training", path=path), dataset="training", plan=plan, batch_rows=300,
                                  workers=1)
    assert isinstance(spilled.digests.rows, SpilledHashCounts)
    from auditor.engines.profile import Profile

    a = Profile.load(memory.save(tmp_path / "memory.json", row_evidence_key=key), row_evidence_key=key)
    b = Profile.load(spilled.save(tmp_path / "spilled.json", row_evidence_key=key), row_evidence_key=key)
    for name in ("rows", "ids", "features"):
        x, y = getattr(a.digests, name), getattr(b.digests, name)
        for attr in ("hashes", "counts", "first", "repeats", "repeat_hashes"):
            assert np.array_equal(getattr(x, attr), getattr(y, attr)), (name, attr)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.integers(0, 12), min_size=1, max_size=120), labels=st.data(),
       cuts=st.lists(st.integers(1, 119), max_size=6))
def test_spilled_equals_in_memory_on_random_parts(tmp_path: Path, values: list[int], labels: st.DataObject,
                                                  cuts: list[int]) -> None:
    array = np.array(values)
    label_values = np.array(labels.draw(st.lists(st.integers(0, 2), min_size=len(values), max_size=len(values))))
    folder = SpillFolder(tmp_path)
    memory, spilled = _both(array, label_values, cuts, folder)
    _assert_same(memory, spilled)
    whole = _digest(array, label_values)  # one part: the merge is exact
    assert spilled.repeat_examples() == whole.repeat_examples() and spilled.conflicts() == whole.conflicts()
    other_memory, other_spilled = _both(array[::-1].copy(), None, cuts, folder)
    plain_memory, plain_spilled = _both(array, None, cuts[:2], folder)
    assert other_spilled.shared_with(plain_spilled) == other_memory.shared_with(plain_memory)


def test_a_killed_runs_folder_is_removed_by_the_next_run(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from auditor.engines.spill import SpillFolder

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead = int(gone.stdout)
    stale = tmp_path / f"auditor-spill-{dead}-abc"  # what a run killed with SIGKILL leaves behind
    recent = tmp_path / f"auditor-spill-{dead}-def"  # the same, but touched a moment ago: left alone
    alive = tmp_path / f"auditor-spill-{os.getpid()}-ghi"  # a running audit's folder: never touched
    other = tmp_path / "auditor-spill-notapid"
    for folder in (stale, recent, alive, other):
        folder.mkdir()
        (folder / "part.parquet").write_bytes(b"x")
    old = os.stat(stale).st_mtime - 3_600
    for folder in (stale, alive, other):
        os.utime(folder, (old, old))
    made = SpillFolder(tmp_path)
    assert not stale.exists()
    assert recent.exists() and alive.exists() and other.exists() and made.path.exists()
    assert made.path.name.startswith(f"auditor-spill-{os.getpid()}-")
    made.remove()
