"""Saved profiles: a versioned JSON format that round-trips, keys its row evidence and refuses what it cannot read."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from audit_helpers import findings, sample_case

from auditor.engines.digests import HashCounts, HashSummary
from auditor.engines.profile import Profile
from auditor.profile.format import ProfileFormatError, key_id, profile_schema

KEY = b"0123456789abcdef-secret-for-tests"


@pytest.fixture(scope="module")
def benefits() -> tuple[Any, dict[str, Profile]]:
    """The sample case's spec and profiles, computed as audit() computes them."""
    return sample_case()


def test_the_format_is_json_with_a_versioned_header(benefits: tuple[Any, dict[str, Profile]], tmp_path: Path) -> None:
    _, profiles = benefits
    path = profiles["training"].save(tmp_path / "training.profile.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    head = document["header"]
    assert head["format"] == "auditor-profile" and head["profile_version"] == 2 and head["engine"] == "pandas"
    assert {"auditor", "numpy", "pandas", "pyarrow"} <= set(head["libraries"])
    assert head["sketch"]["alpha"] == 0.01 and head["hash_family"]["name"] == "auditor-rowhash/1"
    assert head["canonical_labels"]["version"] == 1 and head["sample"]["written"] is False
    assert head["row_evidence"] is None and document["row_evidence"] is None
    text = path.read_text(encoding="utf-8")
    assert "application_id" in text  # the column name, as a role
    ids = profiles["training"].sample.rows if profiles["training"].sample is not None else pd.DataFrame()
    assert "application_id" not in ids.columns  # the sample never holds ids ...
    assert not any(str(int(h)) in text for h in profiles["training"].digests.rows.hashes[:50])  # ... and no hash is written


def test_round_trip_keeps_every_statistic(benefits: tuple[Any, dict[str, Profile]], tmp_path: Path) -> None:
    spec, profiles = benefits
    for name, profile in profiles.items():
        loaded = Profile.load(profile.save(tmp_path / f"{name}.json"))
        assert loaded.n_rows == profile.n_rows and loaded.roles == profile.roles and loaded.row_missing == profile.row_missing
        assert loaded.columns == profile.columns
        for part in ("cells", "missing", "scores"):
            mine, theirs = getattr(profile.groups, part), getattr(loaded.groups, part)
            if mine is None:
                assert theirs is None
            else:
                pd.testing.assert_frame_equal(theirs, mine)
        assert loaded.features.kinds == profile.features.kinds
        assert list(loaded.features.tables) == list(profile.features.tables)
        for key, table in profile.features.tables.items():
            if table is None:
                assert loaded.features.tables[key] is None
            else:
                pd.testing.assert_frame_equal(loaded.features.tables[key], table)
        d, e = profile.digests, loaded.digests
        assert isinstance(e.rows, HashSummary) and e.rows.n_repeated == d.rows.n_repeated
        assert sorted(e.rows.counts.tolist()) == sorted(d.rows.counts.tolist())
        assert (e.fingerprints, e.codes, e.treated_missing, e.dates) == (d.fingerprints, d.codes, d.treated_missing, d.dates)
        assert [dataclasses.replace(r, rows=()) for r in d.rules] == list(e.rules)
        assert loaded.sample is None
        # and once more: saving the loaded profile gives the same document
        again = json.loads(loaded.save(tmp_path / f"{name}.again.json").read_text(encoding="utf-8"))
        first = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        assert again["profile"] == first["profile"]


def test_checks_on_a_loaded_profile_give_the_same_findings(benefits: tuple[Any, dict[str, Profile]], tmp_path: Path) -> None:
    spec, profiles = benefits
    in_memory = {n: dataclasses.replace(p.keyed(KEY), sample=None) for n, p in profiles.items()}
    loaded = {n: Profile.load(p.save(tmp_path / f"{n}.json", row_evidence_key=KEY), row_evidence_key=KEY)
              for n, p in profiles.items()}
    expected, got = findings(spec, in_memory), findings(spec, loaded)
    assert len(expected) > 40
    assert got == expected
    assert not any(f["id"].endswith("/error") for f in expected)


def test_without_row_evidence_only_the_row_level_findings_are_missing(benefits: tuple[Any, dict[str, Profile]],
                                                                     tmp_path: Path) -> None:
    spec, profiles = benefits
    in_memory = {n: dataclasses.replace(p, sample=None) for n, p in profiles.items()}
    loaded = {n: Profile.load(p.save(tmp_path / f"{n}.json")) for n, p in profiles.items()}
    expected = {f["id"]: f for f in findings(spec, in_memory)}
    got = {f["id"]: f for f in findings(spec, loaded)}
    differ = sorted(i for i in expected.keys() | got.keys() if expected.get(i) != got.get(i))
    # shared rows between datasets need the hashes; example rows are row evidence
    # Shared rows and conflicting labels need the hashes; example rows are row evidence. Counts stay exact.
    assert {i.split("/")[0] for i in differ} == {"quality.split_overlap", "quality.conflicting_labels",
                                                 "quality.duplicate_rows", "quality.duplicate_ids", "quality.validity"}
    for i in ("quality.duplicate_rows/training", "quality.duplicate_ids/training", "quality.validity/training/months_on_benefit"):
        assert got[i]["status"] == expected[i]["status"]
        assert got[i]["metrics"] == expected[i]["metrics"]


def test_keyed_row_evidence_compares_only_with_the_same_key(benefits: tuple[Any, dict[str, Profile]], tmp_path: Path) -> None:
    _, profiles = benefits
    profile = profiles["test"]
    path = profile.save(tmp_path / "p.json", row_evidence_key=KEY)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["header"]["row_evidence"] == {"method": "HMAC-SHA256, first 64 bits", "key_id": key_id(KEY)}
    loaded = Profile.load(path, row_evidence_key=KEY)
    rows = loaded.digests.rows
    assert isinstance(rows, HashCounts) and rows.key == key_id(KEY)
    mine = profile.keyed(KEY).digests.rows
    assert np.array_equal(rows.hashes, mine.hashes) and np.array_equal(rows.first, mine.first)
    assert not np.isin(rows.hashes, profile.digests.rows.hashes).any()  # keyed hashes are not the plain ones
    with pytest.raises(ProfileFormatError, match="not the one the row evidence was written with"):
        Profile.load(path, row_evidence_key=b"another key of 16+ bytes")
    with pytest.raises(ValueError, match="different keys"):
        profile.digests.rows.merge(rows, 0)
    with pytest.raises(ValueError, match="at least 16 bytes"):
        profile.save(tmp_path / "short.json", row_evidence_key=b"short")


def test_a_loaded_profile_without_row_evidence_refuses_an_inexact_merge(benefits: tuple[Any, dict[str, Profile]],
                                                                         tmp_path: Path) -> None:
    _, profiles = benefits
    loaded = Profile.load(profiles["test"].save(tmp_path / "p.json"))
    with pytest.raises(ValueError, match="cannot merge saved digest summaries exactly"):
        loaded.merge(loaded)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["header"].update(profile_version=3), "profile_version 3 is not supported: this auditor reads version 1, 2"),
    (lambda d: d.update(header={"format": "something"}), "is not an auditor profile"),
    (lambda d: d["profile"].update(n_rows=-1), "is not a valid profile: at profile/n_rows"),
    (lambda d: d["profile"]["groups"]["cells"]["rows"].append(["F"]), "is not a valid profile: a table row must be"),
    (lambda d: d["profile"]["columns"][0].update(numeric={"n": 1, "n_infinite": 0, "total": 1.0, "total_sq": 1.0, "min": 1.0,
                                                          "max": 1.0, "sketch": [["x", 1]]}), "is not a valid profile"),
])
def test_unreadable_documents_are_refused_with_a_clear_message(benefits: tuple[Any, dict[str, Profile]], tmp_path: Path,
                                                                change: Any, message: str) -> None:
    _, profiles = benefits
    path = profiles["test"].save(tmp_path / "p.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ProfileFormatError, match=message) as caught:
        Profile.load(path)
    assert str(path) in str(caught.value)


def test_not_json_and_missing_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "pickle.bin"
    bad.write_bytes(b"\x80\x04\x95\x00")
    with pytest.raises(ProfileFormatError, match="is not a JSON document"):
        Profile.load(bad)
    with pytest.raises(ProfileFormatError, match="file not found"):
        Profile.load(tmp_path / "nope.json")


def test_the_schema_is_a_valid_json_schema() -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(profile_schema())


def test_sums_beyond_float64_save_as_unknown_not_as_a_crash(tmp_path: Path) -> None:
    import warnings

    from auditor.engines.base import ProfilePlan
    from auditor.engines.pandas import profile_frame
    from auditor.spec.model import Columns

    frame = pd.DataFrame({"big": [1e160, -3e160, 2e160, 5.0], "huge": [1e308, 1e308, 1.0, 2.0], "small": [1.0, 2.0, 3.0, 4.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning reaches the user either
        profile = profile_frame(frame, dataset="training", plan=ProfilePlan.for_columns(Columns(), frame.columns))
    assert math.isnan(profile.columns["big"].numeric.std) and math.isnan(profile.columns["huge"].numeric.mean)
    assert profile.columns["small"].numeric.std == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    loaded = Profile.load(profile.save(tmp_path / "big.json"))
    for name in frame.columns:
        a, b = profile.columns[name].numeric, loaded.columns[name].numeric
        assert (a.n, a.min, a.max, a.sketch) == (b.n, b.min, b.max, b.sketch)
        assert a.mean == b.mean or (math.isnan(a.mean) and math.isnan(b.mean))
        assert a.std == b.std or (math.isnan(a.std) and math.isnan(b.std))
