"""Overrides (``load_spec(spec, **overrides)``, ``audit(spec, **overrides)``) with in-memory objects.

A notebook user passes DataFrames and a pandera schema object, builds a spec once and changes a
key or two. The objects must stay objects (never a bogus path such as ``<DataFrame 10x3>``),
and relative paths keep resolving against the spec file's folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

import auditor
from auditor import SpecError, load_spec
from auditor.spec import AuditSpec
from auditor.spec.model import Columns

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "benefits"


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "reference_population.csv")


@pytest.fixture(scope="module")
def test_frame() -> pd.DataFrame:
    return pd.read_parquet(SAMPLE / "test_scored.parquet")


SCHEMA = pa.DataFrameSchema({"months_on_benefit": pa.Column(int, pa.Check.le(100))})


def test_overriding_a_built_spec_keeps_its_dataframes_schema_and_folder(tmp_path: Path, reference: pd.DataFrame) -> None:
    (tmp_path / "audit.yaml").write_text(
        "system: system.yaml\ndata: {training: d/train.csv}\nreference: {file: ref.csv, setting: {district: [Noord]}}\n",
        encoding="utf-8")
    built = load_spec(tmp_path / "audit.yaml", **{"quality.pandera": SCHEMA, "reference.file": reference})
    assert built.reference is not None and built.reference.frame is reference and built.reference.path is None
    assert built.reference.setting == {"district": ("Noord",)}  # the YAML's other reference keys stay

    again = load_spec(built, **{"report.language": "nl"})
    assert again.report.language == "nl"
    assert again.reference is not None and again.reference.frame is reference and again.reference.path is None
    assert again.quality.pandera is SCHEMA
    assert again.data["training"].path == tmp_path / "d" / "train.csv"  # not the current folder
    assert again.system == tmp_path / "system.yaml" and again.source_file == tmp_path / "audit.yaml"
    assert again.raw["reference"]["file"] == "<DataFrame 10x3>" and again.raw["quality"]["pandera"] == "<DataFrameSchema>"

    back = load_spec(again, **{"reference.file": "other.csv"})  # and from an object back to a file
    assert back.reference is not None and back.reference.path == tmp_path / "other.csv" and back.reference.frame is None


def test_overriding_a_spec_built_from_a_mapping(reference: pd.DataFrame, test_frame: pd.DataFrame) -> None:
    built = load_spec({"data": {"test": test_frame}, "reference": reference, "quality": {"pandera": SCHEMA},
                       "columns": {"target": "label", "prediction": "predicted", "protected": ["sex"]}})
    again = load_spec(built, **{"columns.protected": ["sex", "age_band"]})
    assert again.columns.protected == ("sex", "age_band")
    assert again.data["test"].frame is test_frame
    assert again.reference is not None and again.reference.frame is reference
    assert again.quality.pandera is SCHEMA


def test_a_hand_made_spec_cannot_take_overrides() -> None:
    spec = AuditSpec(data={}, columns=Columns())
    assert load_spec(spec) is spec
    with pytest.raises(SpecError, match="overrides need a spec built by load_spec"):
        load_spec(spec, **{"report.language": "nl"})


def test_audit_with_an_in_memory_reference_and_a_pandera_schema(reference: pd.DataFrame, test_frame: pd.DataFrame) -> None:
    spec = load_spec({
        "data": {"test": test_frame},
        "columns": {"target": "label", "prediction": "predicted", "favourable": 0, "protected": ["sex", "age_band"]},
        "reference": {"file": reference},
        "quality": {"pandera": SCHEMA},
        "checks": {"skip": ["bias.proxy_features"]},
    })
    result = auditor.audit(spec, **{"report.language": "nl", "checks.thresholds.min_group_size": 50})
    findings = {f.id: f for f in result.findings}

    age = findings["representativeness.reference_population/test/age_band"]
    ratios = {m.group["age_band"]: m.value for m in age.metrics if m.name == "representation_ratio"}
    shares = test_frame["age_band"].value_counts(normalize=True)
    expected = reference[reference["attribute"] == "age_band"].set_index("category")["share"]
    assert ratios == pytest.approx((shares / expected).dropna().to_dict(), rel=1e-12)
    assert result.evidence["reference"]["source"] == "<DataFrame>"

    pandera_finding = findings["quality.validity_pandera/test/months_on_benefit/less_than_or_equal_to(100)"]
    (rate,) = [m for m in pandera_finding.metrics if m.name == "failure_rate"]
    assert rate.value == pytest.approx((test_frame["months_on_benefit"] > 100).mean()) and rate.n == len(test_frame)
    assert result.evidence["spec"]["quality"]["pandera"] == "<DataFrameSchema>"
    threshold = result.evidence["rulebook"]["thresholds"]["min_group_size"]
    assert threshold["value"] == 50 and threshold["overridden"] is True
    assert result.evidence["run"]["language"] == "nl"
