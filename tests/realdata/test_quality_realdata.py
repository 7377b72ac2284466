"""Data-quality checks on real datasets, against counts verified by hand with pandas.

COMPAS (ProPublica): out-of-range ``days_b_screening_arrest`` (the |x| <= 30 filter of the
analysis), the mostly missing ``r_`` columns, duplicated header names; plus the recidivism
columns that leak the label. Social Diagnosis 2011 (PL): ``income`` with 683 NA and 603 rows
coded -8, and 755 duplicate rows. UCI Adult: "?" as missing (as " ?", the file has a space after
each comma), no header, 24 duplicate rows, capital-gain top-coded at 99999.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import auditor
from auditor.evidence.model import Status

pytestmark = pytest.mark.realdata
SKIP = ["bias.proxy_features"]
ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
                 "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country",
                 "income"]


def by_id(result):  # type: ignore[no-untyped-def]
    return {f.id: f for f in result.findings}


@pytest.fixture(scope="module")
def compas(shared_data):  # type: ignore[no-untyped-def]
    path = shared_data / "compas_propublica" / "compas-scores-two-years.csv"
    result = auditor.audit({
        "data": {"training": str(path)},
        "columns": {"target": "two_year_recid", "protected": ["race", "sex"], "id": "id"},
        "quality": {"rules": {"days_b_screening_arrest": {"min": -30, "max": 30}}},
        "checks": {"skip": SKIP},
    })
    return result, pd.read_csv(path)


def test_compas_days_b_screening_arrest_out_of_range(compas) -> None:  # type: ignore[no-untyped-def]
    result, frame = compas
    days = frame["days_b_screening_arrest"]
    assert (int((days < -30).sum()), int((days > 30).sum()), int(days.isna().sum())) == (451, 284, 307)
    finding = by_id(result)["quality.validity/training/days_b_screening_arrest"]
    failed = {r["rule"]: r for r in finding.message.params["failed"]}
    assert finding.status == Status.FAIL
    assert (failed["min"]["n_failed"], failed["max"]["n_failed"]) == (451, 284)
    assert failed["min"]["n_checked"] == 7214 - 307
    assert failed["min"]["rows"] == frame.index[(days < -30)].tolist()[:20]
    assert all(v["count"] >= 10 for v in failed["min"]["values"])


def test_compas_r_columns_mostly_missing(compas) -> None:  # type: ignore[no-untyped-def]
    result, frame = compas
    finding = by_id(result)["quality.completeness/training"]
    expected = {"r_case_number": 3743, "r_charge_degree": 3743, "r_days_from_arrest": 4898, "r_offense_date": 3743,
                "r_charge_desc": 3801, "r_jail_in": 4898, "r_jail_out": 4898}
    assert {c: int(frame[c].isna().sum()) for c in expected} == expected
    rates = {m.column: m for m in finding.metrics if m.name == "missing_rate"}
    for column, n_missing in expected.items():
        assert column in finding.message.params["columns"]
        assert rates[column].value == pytest.approx(n_missing / 7214)


def test_compas_duplicated_column_names(compas) -> None:  # type: ignore[no-untyped-def]
    result, frame = compas
    assert (frame["decile_score"] == frame["decile_score.1"]).all()
    finding = by_id(result)["quality.duplicate_columns/training"]
    params = finding.message.params
    assert finding.status == Status.FAIL and params["header_duplicates"] == ["decile_score", "priors_count"]
    assert ["decile_score", "decile_score.1"] in params["identical"] and ["priors_count", "priors_count.1"] in params["identical"]
    assert ["compas_screening_date", "screening_date", "v_screening_date"] in params["identical"]
    assert result.to_dict()["datasets"][0]["details"]["duplicated_columns"] == ["decile_score", "priors_count"]


def test_compas_recidivism_columns_leak_the_label(compas) -> None:  # type: ignore[no-untyped-def]
    result, _ = compas
    finding = by_id(result)["quality.target_leakage/training"]
    flagged = {f["feature"] for f in finding.message.params["flagged"]}
    assert finding.status == Status.FAIL and "is_recid" in flagged
    assert {"name", "first", "last", "dob"} <= set(finding.message.params["not_assessed"])


def test_compas_evidence_holds_no_names(compas) -> None:  # type: ignore[no-untyped-def]
    result, frame = compas
    mine = [f.to_dict() for f in result.findings if f.check.startswith(("quality.", "governance."))]
    text = json.dumps(mine) + json.dumps(result.to_dict()["datasets"])
    assert not any(name in text for name in frame["name"].unique())


@pytest.fixture(scope="module")
def social(shared_data):  # type: ignore[no-untyped-def]
    path = shared_data / "social_diagnosis_2011_pl" / "SocialDiagnosis2011.csv"
    spec = {"data": {"training": str(path)}, "columns": {"protected": ["sex"]}, "checks": {"skip": SKIP}}
    return auditor.audit(spec), auditor.audit({**spec, "quality": {"missing_values": {"income": [-8]}}}), \
        pd.read_csv(path, sep=";")


def test_social_diagnosis_minus_eight_is_a_missing_code(social) -> None:  # type: ignore[no-untyped-def]
    plain, treated, frame = social
    assert (int(frame["income"].isna().sum()), int((frame["income"] == -8).sum())) == (683, 603)
    finding = by_id(plain)["quality.sentinel_values/training"]
    assert finding.status == Status.WARN
    assert finding.message.params["flagged"] == [{"column": "income", "value": "-8", "count": 603, "reason": "negative_code"}]
    sentinels = by_id(treated)["quality.sentinel_values/training"]
    assert sentinels.status == Status.PASS and sentinels.message.params["treated"] == [
        {"column": "income", "value": "-8", "count": 603}]
    completeness = by_id(treated)["quality.completeness/training"]
    rate = next(m for m in completeness.metrics if m.column == "income")
    assert rate.value == pytest.approx((683 + 603) / 5000)
    assert completeness.message.params["treated_missing"] == {"income": 603}
    per_row = frame.assign(income=frame["income"].mask(frame["income"] == -8)).isna().sum(axis=1).value_counts()
    assert completeness.message.params["rows_by_missing_cells"] == [
        {"missing_cells": int(k), "rows": int(v)} for k, v in sorted(per_row.items())]
    from auditor.render.i18n import Translator

    for language in ("en", "nl"):
        assert "603" in Translator(language, strict=True).message(completeness.message.key, completeness.message.params)


def test_social_diagnosis_duplicate_rows(social) -> None:  # type: ignore[no-untyped-def]
    plain, _, frame = social
    assert int(frame.duplicated().sum()) == 755
    finding = by_id(plain)["quality.duplicate_rows/training"]
    assert finding.status == Status.WARN  # no id: identical answers may be different respondents
    assert finding.message.params["n_duplicates"] == 755
    assert [e["row"] for e in finding.message.params["examples"]] == frame.index[frame.duplicated()].tolist()[:20]


@pytest.fixture(scope="module")
def adult(shared_data):  # type: ignore[no-untyped-def]
    path = shared_data / "adult_uci" / "adult.data"
    data = {"training": {"path": str(path), "header": False, "names": ADULT_COLUMNS}}
    spec = {"data": data, "columns": {"target": "income", "positive": " >50K", "protected": ["sex", "race"]},
            "checks": {"skip": SKIP}}
    frame = pd.read_csv(path, header=None, names=ADULT_COLUMNS)
    return auditor.audit(spec), auditor.audit({**spec, "quality": {"missing_values": {"*": ["?"]}}}), frame


def test_adult_question_marks_are_missing_values(adult) -> None:  # type: ignore[no-untyped-def]
    plain, treated, frame = adult
    marks = {c: int((frame[c].astype(str).str.strip() == "?").sum()) for c in ADULT_COLUMNS}
    assert {c: n for c, n in marks.items() if n} == {"workclass": 1836, "occupation": 1843, "native-country": 583}
    flagged = {(f["column"], f["value"]): f["count"] for f in by_id(plain)["quality.sentinel_values/training"].message.params["flagged"]}
    assert flagged == {("workclass", " ?"): 1836, ("occupation", " ?"): 1843, ("native-country", " ?"): 583,
                       ("capital-gain", "99999"): 159}
    assert int((frame["capital-gain"] == 99999).sum()) == 159 and frame["capital-gain"][frame["capital-gain"] < 99999].max() == 41310
    assert ("hours-per-week", "99") not in flagged  # the top value, right after 98: not a code by the rule
    completeness = by_id(treated)["quality.completeness/training"].message.params
    assert completeness["rows_with_missing"] == 2399 == int(frame.apply(lambda s: s.astype(str).str.strip() == "?").any(axis=1).sum())


def test_adult_duplicates_and_header_less_loading(adult) -> None:  # type: ignore[no-untyped-def]
    plain, _, frame = adult
    assert frame.shape == (32561, 15) and int(frame.duplicated().sum()) == 24
    assert plain.to_dict()["datasets"][0]["rows"] == 32561
    finding = by_id(plain)["quality.duplicate_rows/training"]
    assert finding.message.params["n_duplicates"] == 24 and finding.status == Status.WARN
