"""The dated timeline: original and amended dates, --as-of, Art. 111 transitional rules, overrides."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.classification import Classification, classify, load_system
from auditor.classification._data import load
from auditor.errors import SpecError

from .harness import run

BENEFITS = Path(__file__).resolve().parents[2] / "sample_data" / "benefits" / "system.yaml"
BEFORE_AMENDMENT = dt.date(2026, 5, 1)
TODAY = dt.date(2026, 11, 22)

BASE: dict[str, Any] = {
    "name": "Dates",
    "organisation": "Gemeente Voorbeeld",
    "role": ["provider", "deployer"],
    "public_authority": False,
    "status": "in_development",
    "kind": "ai_system",
}


def _classify(as_of: dt.date, timeline: Path | None = None, **facts: Any) -> Classification:
    return classify(load_system({**BASE, **facts}), as_of=as_of, timeline=timeline)


def _date(result: Classification, obligation: str, role: str = "provider") -> dt.date | None:
    return next(o.applies_from for o in result.obligations if o.id == obligation and o.role == role)


@pytest.mark.parametrize(
    ("as_of", "version", "annex_iii_date", "annex_i_date"),
    [
        pytest.param(BEFORE_AMENDMENT, "aia-2024", dt.date(2026, 8, 2), dt.date(2027, 8, 2), id="original-art113"),
        pytest.param(
            dt.date(2026, 7, 26), "aia-2024", dt.date(2026, 8, 2), dt.date(2027, 8, 2), id="day-before-amendment"
        ),
        pytest.param(
            dt.date(2026, 7, 27), "aia-2024-amended-2026", dt.date(2027, 12, 2), dt.date(2028, 8, 2), id="amendment-day"
        ),
        pytest.param(TODAY, "aia-2024-amended-2026", dt.date(2027, 12, 2), dt.date(2028, 8, 2), id="amended-today"),
    ],
)
def test_as_of_selects_original_or_amended_dates(
    as_of: dt.date, version: str, annex_iii_date: dt.date, annex_i_date: dt.date
) -> None:
    annex_iii = _classify(as_of, annex_iii=["4.a"])
    annex_i = _classify(as_of, annex_i={"section": "A", "area": "lifts", "third_party_conformity": True})
    assert annex_iii.timeline_version == annex_i.timeline_version == version
    assert _date(annex_iii, "art10") == _date(annex_iii, "art26_4", "deployer") == annex_iii_date
    assert _date(annex_i, "art10") == annex_i_date
    assert annex_iii.next_deadline == annex_iii_date


def test_both_bases_take_the_earlier_annex_iii_date() -> None:
    both = _classify(
        TODAY, annex_iii=["5.d"], annex_i={"section": "A", "area": "medical_devices", "third_party_conformity": True}
    )
    assert both.bases == ("annex_i", "annex_iii")
    assert _date(both, "art9") == dt.date(2027, 12, 2)


def test_unchanged_dates_are_the_same_in_both_versions() -> None:
    for as_of in (BEFORE_AMENDMENT, TODAY):
        result = _classify(as_of, transparency=["50.1"])
        assert _date(result, "art4") == dt.date(2025, 2, 2)
        assert _date(result, "art50_1") == dt.date(2026, 8, 2)
        model = _classify(as_of, kind="gpai_model")
        assert _date(model, "art53_1_c") == dt.date(2025, 8, 2)


@pytest.mark.parametrize("as_of", [BEFORE_AMENDMENT, TODAY])
def test_benefits_system_in_use_by_a_public_authority_has_until_2030_art111_2(as_of: dt.date) -> None:
    result = classify(load_system(BENEFITS), as_of=as_of)
    art10 = next(o for o in result.obligations if o.id == "art10")
    assert art10.applies_from == dt.date(2030, 8, 2)
    assert art10.condition is not None and "111(2)" in art10.condition["en"]
    assert [e["key"] for e in art10.date_source] == ["high_risk_legacy_cutoff_annex_iii", "high_risk_legacy_public"]
    assert result.next_deadline == dt.date(2030, 8, 2)
    assert _date(result, "art4") == dt.date(2025, 2, 2)


def test_private_system_already_in_use_is_covered_only_after_a_significant_change() -> None:
    result = _classify(TODAY, status="in_use", in_use_since=dt.date(2025, 1, 1), annex_iii=["5.b"])
    art10 = next(o for o in result.obligations if o.id == "art10")
    assert art10.applies_from is None
    assert art10.condition is not None and "significantly" in art10.condition["en"]
    assert result.next_deadline is None


def test_the_art111_2_cut_off_separates_systems_already_in_use_from_new_ones() -> None:
    as_of = dt.date(2028, 1, 10)
    before = _classify(as_of, status="in_use", in_use_since=dt.date(2027, 6, 1), annex_iii=["5.b"])
    assert _date(before, "art10") is None
    after = _classify(as_of, status="in_use", in_use_since=dt.date(2028, 1, 5), annex_iii=["5.b"])
    art10 = next(o for o in after.obligations if o.id == "art10")
    assert art10.applies_from == dt.date(2027, 12, 2) and art10.condition is None
    assert not any("cut-off" in u["en"] for u in before.unverified)  # Art. 111(2) as amended: no longer unverified
    cutoff = next(o for o in before.obligations if o.id == "art9").date_source[0]
    assert (cutoff["key"], cutoff["date"], cutoff["verified"]) == ("high_risk_legacy_cutoff_annex_iii", "2027-12-02", True)
    assert "2026/1744" in cutoff["source"]


def test_in_use_without_a_date_gets_the_earlier_date_and_a_caveat() -> None:
    result = _classify(TODAY, status="in_use", public_authority=True, annex_iii=["5.a"])
    art10 = next(o for o in result.obligations if o.id == "art10")
    assert art10.applies_from == dt.date(2027, 12, 2)
    assert art10.condition is not None and "in_use_since is not given" in art10.condition["en"]
    assert "2030-08-02" in art10.condition["en"]


@pytest.mark.parametrize(
    ("in_use_since", "expected"),
    [(dt.date(2025, 3, 1), dt.date(2027, 8, 2)), (None, dt.date(2025, 8, 2))],
    ids=["on-the-market-before-2-aug-2025-art111(3)", "new-model"],
)
def test_gpai_models_already_on_the_market_have_until_2027(in_use_since: dt.date | None, expected: dt.date) -> None:
    status = "in_use" if in_use_since else "in_development"
    result = _classify(TODAY, kind="gpai_model", status=status, in_use_since=in_use_since)
    assert _date(result, "art53_1_d") == expected


def test_synthetic_content_marking_grace_period_exists_only_after_the_amendment() -> None:
    facts = {"status": "in_use", "in_use_since": dt.date(2026, 1, 1), "transparency": ["50.2"]}
    assert _date(_classify(TODAY, **facts), "art50_2") == dt.date(2026, 12, 2)
    assert _date(_classify(BEFORE_AMENDMENT, **facts), "art50_2") == dt.date(2026, 8, 2)
    amended = _classify(TODAY, **facts)
    art50_2 = next(o for o in amended.obligations if o.id == "art50_2")
    assert art50_2.date_source[0]["source"].startswith("Art. 111(4)") and art50_2.date_source[0]["verified"]


def test_unverified_points_follow_the_version_in_force() -> None:
    assert _classify(BEFORE_AMENDMENT, annex_iii=["4.a"]).unverified == ()
    amended = _classify(TODAY, annex_iii=["4.a"])
    assert "2026/1744" in amended.timeline_title["en"]
    # what stays open after the amendment: whether Art. 43, 49 and 73 follow the deferred dates
    assert [u["en"][:5] for u in amended.unverified] == ["open:"]
    assert amended.to_dict()["timeline_title"]["nl"].startswith("AI-verordening zoals gewijzigd")


def test_as_of_defaults_to_today() -> None:
    result = classify(load_system({**BASE}))
    assert result.as_of == dt.date.today()


def test_as_of_before_entry_into_force_is_an_error() -> None:
    with pytest.raises(SpecError, match="before the AI Act entered into force"):
        _classify(dt.date(2024, 7, 31))


def _timeline_copy(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(yaml.safe_dump(load("timeline.yaml")))
    change(data)
    path = tmp_path / "timeline.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_user_timeline_can_move_the_entry_into_force(tmp_path: Path) -> None:
    def later(data: dict[str, Any]) -> None:
        data["versions"][1]["in_force_from"] = dt.date(2026, 12, 1)

    path = _timeline_copy(tmp_path, later)
    result = _classify(TODAY, timeline=path, annex_iii=["4.a"])
    assert result.timeline_version == "aia-2024"
    assert _date(result, "art10") == dt.date(2026, 8, 2)
    assert _classify(dt.date(2026, 12, 1), timeline=path, annex_iii=["4.a"]).timeline_version == "aia-2024-amended-2026"


def test_invalid_user_timeline_names_the_key(tmp_path: Path) -> None:
    def broken(data: dict[str, Any]) -> None:
        data["dates"]["high_risk_annex_iii"]["aia-2024"] = {"date": "soon"}

    with pytest.raises(SpecError) as info:
        _classify(TODAY, timeline=_timeline_copy(tmp_path, broken))
    assert info.value.key == "dates.high_risk_annex_iii.aia-2024"
    assert info.value.file == str(tmp_path / "timeline.yaml")

    def missing(data: dict[str, Any]) -> None:
        del data["dates"]["gpai"]

    with pytest.raises(SpecError, match="missing date keys: gpai"):
        _classify(TODAY, timeline=_timeline_copy(tmp_path, missing))


def test_cli_as_of_switches_the_timeline(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    system = tmp_path / "system.yaml"
    system.write_text(yaml.safe_dump({**BASE, "annex_iii": ["4.a"]}), encoding="utf-8")
    assert run(["classify", str(system), "--format", "json", "--as-of", "2026-05-01"]) == 0
    original = json.loads(capsys.readouterr().out)
    assert run(["classify", str(system), "--format", "json", "--as-of", "2026-11-22"]) == 0
    amended = json.loads(capsys.readouterr().out)
    assert (original["timeline_version"], original["next_deadline"]["date"]) == ("aia-2024", "2026-08-02")
    assert (amended["timeline_version"], amended["next_deadline"]["date"]) == ("aia-2024-amended-2026", "2027-12-02")
    assert "art10" in amended["next_deadline"]["obligations"]
    assert run(["classify", str(system), "--as-of", "22-11-2026"]) == 2
    assert "expected a date YYYY-MM-DD" in capsys.readouterr().err
