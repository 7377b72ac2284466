"""Governance declarations (Art. 10(2)(a)-(d), (h), 10(5)) and the datasheet per dataset."""

from __future__ import annotations

import pandas as pd
import pytest
from quality_context import only, profiles, run

from auditor.checks.governance import datasheet
from auditor.errors import SpecError
from auditor.evidence.model import Status

FRAME = pd.DataFrame({"when": pd.date_range("2024-01-01", "2024-12-31", periods=40), "label": [0, 1] * 20,
                      "group": ["a", "b"] * 20})
COLUMNS = {"target": "label", "protected": ["group"]}
WHO = {"declared_by": "J. Jansen, data team", "date": "2026-10-01"}
COMPLETE = {
    "design_choices": {"text": "Label = irregularity found at review.", **WHO},
    "collection": {"origin": "Benefits administration 2023-2025", "original_purpose": "Administering benefits", **WHO},
    "preparation": {"steps": [{"step": "labelling", "text": "Outcome recorded by the reviewer"},
                              {"step": "cleaning", "text": "Test records removed"}], **WHO},
    "assumptions": {"text": "A review finds most irregularities.", **WHO},
}


def test_all_practices_declared_pass_with_who_and_when() -> None:
    finding = only(run("governance.data_practices", {"training": FRAME}, COLUMNS, governance=COMPLETE))
    assert finding.status == Status.PASS
    items = {i["item"]: i for i in finding.message.params["items"]}
    assert items["collection"]["declared_by"] == "J. Jansen, data team" and items["collection"]["date"] == "2026-10-01"
    assert items["preparation"]["article"] == "10(2)(c)" and len(items["preparation"]["steps"]) == 2


def test_missing_and_incomplete_practices() -> None:
    partial = {"design_choices": "Only a text", "collection": {"origin": "x", **WHO}}
    finding = only(run("governance.data_practices", {"training": FRAME}, COLUMNS, governance=partial))
    assert finding.status == Status.WARN  # incomplete items, and two not declared
    assert finding.message.params["missing"] == ["preparation", "assumptions"]
    assert finding.message.params["incomplete"] == ["design_choices", "collection"]
    items = {i["item"]: i for i in finding.message.params["items"]}
    assert items["design_choices"]["missing"] == ["declared_by", "date"]
    assert items["collection"]["missing"] == ["original_purpose"]
    only_incomplete = {**COMPLETE, "assumptions": {"text": "x"}}
    assert only(run("governance.data_practices", {"training": FRAME}, COLUMNS, governance=only_incomplete)).status == Status.WARN
    nothing = only(run("governance.data_practices", {"training": FRAME}, COLUMNS))
    assert nothing.status == Status.INSUFFICIENT_EVIDENCE  # not declared: the audit cannot show the practice
    assert nothing.message.params["missing"] == ["design_choices", "collection", "preparation", "assumptions"]


def test_data_gap_register() -> None:
    assert only(run("governance.data_gaps", {"training": FRAME}, COLUMNS)).status == Status.INSUFFICIENT_EVIDENCE
    assert only(run("governance.data_gaps", {"training": FRAME}, COLUMNS, governance={"data_gaps": []})).status == Status.PASS
    gaps = [{"gap": "income missing for one group", "owner": "Team Data", "status": "open", **WHO},
            {"gap": "labels only for reviewed cases", "status": "accepted"}]
    finding = only(run("governance.data_gaps", {"training": FRAME}, COLUMNS, governance={"data_gaps": gaps}))
    assert finding.status == Status.WARN and finding.message.params["incomplete"] == [1]
    assert finding.message.params["n_open"] == 1


def test_special_categories_and_their_safeguards() -> None:
    none_declared = only(run("governance.special_categories", {"training": FRAME}, COLUMNS))
    assert none_declared.status == Status.INSUFFICIENT_EVIDENCE and none_declared.message.params["protected"] == ["group"]
    not_used = {"special_categories": {"used": False, **WHO}}
    assert only(run("governance.special_categories", {"training": FRAME}, COLUMNS, governance=not_used)).status == Status.PASS
    safeguards = {name: {"text": "declared", **WHO} for name in
                  ("a_necessity", "b_reuse_and_security", "c_access", "d_no_transfer", "e_deletion")}
    used = {"special_categories": {"used": True, "categories": ["ethnic origin"], **WHO, "safeguards": safeguards}}
    finding = only(run("governance.special_categories", {"training": FRAME}, COLUMNS, governance=used))
    assert finding.status == Status.FAIL and finding.message.params["missing"] == ["f_records"]
    used["special_categories"]["safeguards"]["f_records"] = {"text": "in the register"}
    finding = only(run("governance.special_categories", {"training": FRAME}, COLUMNS, governance=used))
    assert finding.status == Status.WARN and finding.message.params["incomplete"] == ["f_records"]


def test_datasheet_per_dataset() -> None:
    governance = {**COMPLETE, "label_definition": {"text": "1 = irregularity found", **WHO},
                  "datasets": {"test": {"collection": {"origin": "Reviews 2025", "original_purpose": "Reviews", **WHO}}}}
    spec, profs = profiles({"training": FRAME, "test": FRAME}, COLUMNS, quality={"date_column": "when"},
                           governance=governance)
    sheet = datasheet(profs["training"], spec)
    assert (sheet["rows"], sheet["columns"]) == (40, 3)
    assert sheet["period"] == {"column": "when", "first": "2024-01-01", "last": "2024-12-31"}
    assert sheet["provenance"]["origin"] == "Benefits administration 2023-2025"
    assert sheet["label"]["counts"] == {"0": 20, "1": 20} and sheet["label"]["definition"]["complete"]
    assert [s["step"] for s in sheet["preparation"]["steps"]] == ["labelling", "cleaning"]
    assert datasheet(profs["test"], spec)["provenance"]["origin"] == "Reviews 2025"


@pytest.mark.parametrize("governance, key", [
    ({"desing_choices": "x"}, "did you mean 'design_choices'"),
    ({"data_gaps": [{"gap": "x", "status": "opne"}]}, "did you mean 'open'"),
    ({"preparation": {"steps": [{"step": "labeling"}]}}, "did you mean 'labelling'"),
    ({"assumptions": {"text": "x", "date": "yesterday"}}, "governance.assumptions.date"),
    ({"special_categories": {"used": "yes"}}, "governance.special_categories.used"),
])
def test_malformed_declarations_are_spec_errors(governance, key) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError, match=key):
        profiles({"training": FRAME}, COLUMNS, governance=governance)
