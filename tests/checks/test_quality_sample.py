"""The bundled benefits case: the audit finds exactly the planted quality problems (README §5)."""

from __future__ import annotations

import pandas as pd
import pytest
from quality_context import only, run

import auditor
from auditor.evidence.model import Status

SKIP = ["bias.proxy_features"]  # a model-fitting check of another family; not needed here


@pytest.fixture(scope="module")
def result(sample_dir):  # type: ignore[no-untyped-def]
    return auditor.audit(sample_dir / "audit.yaml", system=None, **{"checks.skip": SKIP})


def by_id(result):  # type: ignore[no-untyped-def]
    return {f.id: f for f in result.findings}


def test_fifteen_duplicate_rows_in_training(result, sample_dir) -> None:  # type: ignore[no-untyped-def]
    train = pd.read_parquet(sample_dir / "train.parquet")
    finding = by_id(result)["quality.duplicate_rows/training"]
    assert int(train.duplicated().sum()) == 15
    assert finding.status == Status.FAIL and finding.message.params["n_duplicates"] == 15
    rows = [e["row"] for e in finding.message.params["examples"]]
    assert rows == train.index[train.duplicated()].tolist()
    ids = by_id(result)["quality.duplicate_ids/training"].message.params
    assert (ids["n_duplicates"], ids["n_exact_copies"], ids["n_conflicting"]) == (15, 15, 0)
    assert by_id(result)["quality.duplicate_rows/test"].status == Status.PASS


def test_eight_sentinels_in_months_on_benefit(result, sample_dir) -> None:  # type: ignore[no-untyped-def]
    train = pd.read_parquet(sample_dir / "train.parquet")
    finding = by_id(result)["quality.sentinel_values/training"]
    assert int((train["months_on_benefit"] == -1).sum()) == 8
    assert finding.status == Status.WARN
    assert finding.message.params["flagged"] == [
        {"column": "months_on_benefit", "value": "-1", "count": 8, "reason": "negative_code"}]
    assert by_id(result)["quality.sentinel_values/test"].status == Status.PASS


def test_three_applications_in_both_training_and_test(result, sample_dir) -> None:  # type: ignore[no-untyped-def]
    train = pd.read_parquet(sample_dir / "train.parquet")
    test = pd.read_parquet(sample_dir / "test_scored.parquet")
    shared = set(train["application_id"]) & set(test["application_id"])
    finding = by_id(result)["quality.split_overlap/training-test"]
    params = finding.message.params
    assert len(shared) == 3 and finding.status == Status.FAIL
    assert (params["n_shared_ids"], params["n_shared_id_rows"], params["n_shared_rows"]) == (3, 3, 3)
    rows = sorted(e["row"] for e in params["row_examples"])
    assert rows == sorted(test.index[test["application_id"].isin(shared)].tolist())
    assert all("A0" not in str(e) and "A1" not in str(e) for e in params["id_examples"])  # no id values


def test_income_missing_concentrated_in_non_western(result) -> None:  # type: ignore[no-untyped-def]
    assert by_id(result)["quality.missingness_by_group/training/migration_background"].status == Status.FAIL
    assert by_id(result)["quality.completeness/training"].message.params["columns"] == ["income_other"]


def test_conflicting_labels_with_the_readme_features(sample_dir) -> None:  # type: ignore[no-untyped-def]
    features = ["sex", "age_band", "migration_background", "district", "household", "months_on_benefit",
                "income_other", "n_prior_reviews", "debt_registered"]
    train = pd.read_parquet(sample_dir / "train.parquet")
    groups = train.groupby(features, dropna=False)["label"].agg(["nunique", "size"])
    expected = groups[groups["nunique"] > 1]
    finding = only(run("quality.conflicting_labels", {"training": train}, {"target": "label", "features": features}))
    params = finding.message.params
    assert (params["n_groups"], params["n_rows_involved"]) == (len(expected), int(expected["size"].sum())) == (25, 53)


def test_every_quality_message_renders_in_both_languages(result) -> None:  # type: ignore[no-untyped-def]
    from auditor.render.i18n import Translator

    for language in ("en", "nl"):
        tr = Translator(language, strict=True)
        for finding in result.findings:
            if finding.check.startswith(("quality.", "governance.")):
                assert tr.message(finding.message.key, finding.message.params)


def test_datasheets_are_in_the_evidence(result) -> None:  # type: ignore[no-untyped-def]
    sheets = {d["name"]: d["datasheet"] for d in result.to_dict()["datasets"]}
    assert sheets["training"]["rows"] == 6000 and sheets["training"]["label"]["counts"] == {"0": 5323, "1": 677}
    # The sample spec declares application_date; the test period starts at the 3 rows leaked from 2024.
    assert sheets["test"]["period"] == {"column": "application_date", "first": "2024-03-18", "last": "2025-12-31"}
    assert sheets["training"]["period"] == {"column": "application_date", "first": "2023-01-02", "last": "2025-03-31"}
