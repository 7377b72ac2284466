"""The AI Act as amended by Regulation (EU) 2026/1744 (in force 27 Jul 2026), point by point.

Each test states the legal outcome it pins down; where the amendment changed it, the test
classifies the same facts as of a date before 27 Jul 2026 (the original text) and after.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from auditor.classification import Classification, classify, load_system
from auditor.classification._render import render_text
from auditor.errors import SpecError

ORIGINAL = dt.date(2026, 7, 26)  # the day before Regulation (EU) 2026/1744 entered into force
AMENDED = dt.date(2026, 7, 27)
TODAY = dt.date(2026, 11, 22)

BASE: dict[str, Any] = {
    "name": "Scenario",
    "organisation": "Organisatie",
    "role": ["provider"],
    "public_authority": False,
    "status": "in_development",
    "kind": "ai_system",
}


def _classify(as_of: dt.date, **facts: Any) -> Classification:
    return classify(load_system({**BASE, **facts}), as_of=as_of)


def _ids(result: Classification, role: str | None = None) -> set[str]:
    return {o.id for o in result.obligations if role is None or o.role == role}


def _obligation(result: Classification, obligation: str, role: str = "provider") -> Any:
    return next(o for o in result.obligations if o.id == obligation and o.role == role)


# --- 1. one public_authority fact stood in for three tests -------------------------------------


def test_private_ambulance_service_needs_a_fria_but_no_registration_and_no_2030_backstop() -> None:
    """Art. 27(1) reaches private entities providing public services; Art. 26(8)/49(3) and the
    Art. 111(2) public-authority date do not."""
    facts = {
        "role": ["deployer"],
        "public_services": True,
        "status": "in_use",
        "in_use_since": dt.date(2024, 3, 1),
        "annex_iii": ["5.d"],
    }
    for as_of in (ORIGINAL, TODAY):
        result = _classify(as_of, **facts)
        assert result.category == "high_risk"
        ids = _ids(result, "deployer")
        assert "art27" in ids
        assert "art26_8" not in ids
        assert all(o.applies_from != dt.date(2030, 8, 2) for o in result.obligations)
        fria = _obligation(result, "art27", "deployer")
        assert fria.applies_from is None and "significantly" in fria.condition["en"]  # Art. 111(2), private


def test_public_authority_deployer_registers_and_has_until_2030() -> None:
    result = _classify(TODAY, role=["deployer"], public_authority=True, status="in_use",
                       in_use_since=dt.date(2024, 3, 1), annex_iii=["5.d"])
    assert {"art27", "art26_8"} <= _ids(result, "deployer")
    assert _obligation(result, "art26_4", "deployer").applies_from == dt.date(2030, 8, 2)


def test_deployer_acting_on_behalf_of_a_public_authority_registers_the_use_art49_3() -> None:
    result = _classify(TODAY, role=["deployer"], acting_for_public_authority=True, annex_iii=["4.a"])
    assert "art26_8" in _ids(result, "deployer")
    assert "art27" not in _ids(result, "deployer")  # not a body governed by public law, no public service


def test_private_provider_of_a_system_intended_for_public_authorities_gets_the_2030_date_art111_2() -> None:
    facts = {"status": "in_use", "in_use_since": dt.date(2025, 5, 1), "annex_iii": ["5.a"]}
    private = _classify(TODAY, **facts)
    assert _obligation(private, "art10").applies_from is None
    intended = _classify(TODAY, intended_for_public_authorities=True, **facts)
    assert _obligation(intended, "art10").applies_from == dt.date(2030, 8, 2)
    # and a public authority whose system is explicitly not intended for public authorities has no backstop
    not_intended = _classify(TODAY, public_authority=True, intended_for_public_authorities=False, **facts)
    assert _obligation(not_intended, "art10").applies_from is None


# --- 2. machinery moved from Annex I Section A to Section B (Art. 1(41) of 2026/1744) -------------


MACHINE = {"annex_i": {"section": "A", "area": "machinery", "third_party_conformity": True}}


def test_machinery_is_section_a_before_and_section_b_after_the_amendment() -> None:
    before = _classify(ORIGINAL, **MACHINE)
    assert before.category == "high_risk" and {"art9", "art10", "art43", "art4"} <= _ids(before)
    assert "art2_2" not in _ids(before)
    after = _classify(AMENDED, **MACHINE)
    assert after.category == "high_risk" and after.bases == ("annex_i",)
    assert _ids(after) == {"art2_2"}  # no Chapter III list, no Art. 4
    assert any("Art. 1(41) of Regulation (EU) 2026/1744" in n["en"] for n in after.notes)
    outcome = after.path[-1].conclusion
    assert "only Art. 6(1), Art. 102-109 and Art. 112 apply" in outcome["en"]
    assert "Chapter III apply" not in outcome["en"]
    # a description that already says section B for machinery is read back as A under the original text
    written_b = _classify(ORIGINAL, annex_i={"section": "B", "area": "machinery", "third_party_conformity": True})
    assert "art9" in _ids(written_b)


def test_section_b_vehicle_outcome_says_only_the_listed_articles_apply_and_no_art50() -> None:
    result = _classify(TODAY, transparency=["50.1"],
                       annex_i={"section": "B", "area": "motor_vehicles", "third_party_conformity": True})
    assert result.category == "high_risk"
    assert result.transparency == ()
    assert _ids(result) == {"art2_2"}
    text = render_text(result, "en")
    assert "Chapter III apply" not in text and "Art. 2(2)" in text


def test_lifts_stay_in_section_a() -> None:
    result = _classify(TODAY, annex_i={"section": "A", "area": "lifts", "third_party_conformity": True})
    assert {"art9", "art10", "art4"} <= _ids(result)


def test_unknown_section_for_machinery_is_still_an_error() -> None:
    with pytest.raises(SpecError, match="area 'machinery' is not in section C|section 'C' is unknown"):
        load_system({**BASE, "annex_i": {"section": "C", "area": "machinery", "third_party_conformity": True}})


# --- 3. Art. 4a replaces Art. 10(5) and applies now; 4a(2) extends to deployers ------------------


def test_art4a_applies_from_the_amendment_and_not_under_the_original_text() -> None:
    before = _classify(ORIGINAL, role=["provider", "deployer"], annex_iii=["4.a"])
    assert not {"art4a_1", "art4a_2"} & _ids(before)
    after = _classify(TODAY, role=["provider", "deployer"], annex_iii=["4.a"])
    provider = _obligation(after, "art4a_1")
    assert provider.applies_from == dt.date(2026, 7, 27)  # applies now, not with the deferred Annex III date
    assert "replaces Art. 10(5)" in provider.title["en"]
    assert "urn:nl:ak:ver:avg-08" in after.requirements
    assert "art4a_2" in _ids(after, "deployer")


# --- 4. new prohibitions Art. 5(1)(ba) and (bb), from 2 Dec 2026 -----------------------------------


NUDIFY = {"prohibited": ["5.1.ba"], "transparency": ["50.2"], "status": "in_use", "in_use_since": dt.date(2025, 6, 1)}


@pytest.mark.parametrize(
    ("as_of", "category"),
    [
        pytest.param(ORIGINAL, "transparency", id="original-text-has-no-such-ban"),
        pytest.param(dt.date(2026, 11, 30), "transparency", id="amended-but-ban-not-yet-applying"),
        pytest.param(dt.date(2026, 12, 2), "prohibited", id="ban-applies"),
    ],
)
def test_nudify_app_is_prohibited_only_from_2_december_2026(as_of: dt.date, category: str) -> None:
    result = _classify(as_of, **NUDIFY)
    assert result.category == category
    if category == "transparency":
        marking = _obligation(result, "art50_2")  # keeps its Art. 50(2) duty until the ban applies
        assert marking.applies_from == (dt.date(2026, 12, 2) if as_of >= AMENDED else dt.date(2026, 8, 2))
    else:
        assert _obligation(result, "art5").applies_from == dt.date(2026, 12, 2)
        assert "art50_2" not in _ids(result)


def test_pending_ban_is_a_note_and_an_upcoming_obligation() -> None:
    result = _classify(dt.date(2026, 11, 30), **NUDIFY)
    assert any("Art. 5(1)(ba) prohibits this practice from 2026-12-02" in n["en"] for n in result.notes)
    pending = _obligation(result, "art5_pending")
    assert pending.applies_from == dt.date(2026, 12, 2)
    assert result.next_deadline == dt.date(2026, 12, 2)
    original = _classify(ORIGINAL, **NUDIFY)
    assert "art5_pending" not in _ids(original)
    assert any("not a prohibited practice under the version" in n["en"] for n in original.notes)


def test_csam_generation_is_point_bb() -> None:
    result = _classify(dt.date(2027, 1, 1), prohibited=["5.1.bb"])
    assert result.category == "prohibited"
    assert "5(1)(bb)" in result.path[[s.step for s in result.path].index("prohibited")].conclusion["en"]


def test_ban_applying_earlier_wins_over_a_pending_one() -> None:
    result = _classify(dt.date(2026, 11, 30), prohibited=["5.1.c", "5.1.ba"])
    assert result.category == "prohibited"
    assert _obligation(result, "art5").applies_from == dt.date(2025, 2, 2)


# --- 5. dates: settled, with the open question of Art. 43, 49 and 73 ------------------------------


def test_amended_dates_are_no_longer_unverified_but_art43_49_73_are_open() -> None:
    result = _classify(TODAY, role=["provider"], annex_iii=["4.a"])
    assert _obligation(result, "art10").applies_from == dt.date(2027, 12, 2)
    assert _obligation(result, "art10").condition is None
    for open_id in ("art43", "art49_1", "art73"):
        condition = _obligation(result, open_id).condition
        assert condition is not None and "not settled" in condition["en"] and "Sections 1-3" in condition["en"]
    assert len(result.unverified) == 1 and "Art. 43, 49 and 73" in result.unverified[0]["en"]
    before = _classify(ORIGINAL, role=["provider"], annex_iii=["4.a"])
    assert _obligation(before, "art43").condition is None and before.unverified == ()


def test_annex_i_date_and_cut_off_move_to_2028() -> None:
    facts = {"status": "in_use", "in_use_since": dt.date(2027, 9, 1),
             "annex_i": {"section": "A", "area": "medical_devices", "third_party_conformity": True}}
    # in use since Sep 2027: after the original cut-off (2 Aug 2026), before the amended one (2 Aug 2028)
    assert _obligation(_classify(ORIGINAL, **facts), "art10").applies_from == dt.date(2027, 8, 2)
    assert _obligation(_classify(TODAY, **facts), "art10").applies_from is None


# --- 6. Art. 4 wording -------------------------------------------------------------------------------


def test_art4_wording_follows_the_version_in_force() -> None:
    before = _obligation(_classify(ORIGINAL, transparency=["50.1"]), "art4")
    after = _obligation(_classify(TODAY, transparency=["50.1"]), "art4")
    assert "sufficient level" in before.title["en"] and "toereikend niveau" in before.title["nl"]
    assert after.title["en"].startswith("Take measures to support")
    assert "sufficient level" not in after.title["en"] and "ondersteunen" in after.title["nl"]
    assert before.applies_from == after.applies_from == dt.date(2025, 2, 2)


# --- 7. real-time remote biometric identification within an Art. 5(1)(h) exception ---------------


def test_real_time_rbi_within_an_exception_brings_art5_2_to_7_since_2025_not_art26_10() -> None:
    facts = {"role": ["deployer"], "public_authority": True, "annex_iii": ["1.a"],
             "remote_biometric_identification": "real_time"}
    for as_of in (ORIGINAL, TODAY):
        result = _classify(as_of, **facts)
        assert result.category == "high_risk"
        conditions = _obligation(result, "art5_2_7", "deployer")
        assert conditions.applies_from == dt.date(2025, 2, 2)
        assert "prior authorisation" in conditions.title["en"] and "notifying each use" in conditions.title["en"]
        assert "art26_10" not in _ids(result)


def test_post_rbi_brings_art26_10_and_unstated_mode_asks_for_it() -> None:
    post = _classify(TODAY, role=["deployer"], annex_iii=["1.a"], remote_biometric_identification="post")
    assert "art26_10" in _ids(post) and "art5_2_7" not in _ids(post)
    unstated = _classify(TODAY, role=["deployer"], annex_iii=["1.a"])
    assert not {"art26_10", "art5_2_7"} & _ids(unstated)
    assert any("state remote_biometric_identification" in n["en"] for n in unstated.notes)


def test_rbi_mode_without_annex_iii_1a_is_a_contradiction() -> None:
    with pytest.raises(SpecError, match="remote_biometric_identification"):
        load_system({**BASE, "annex_iii": ["4.a"], "remote_biometric_identification": "post"})


# --- 8. Annex X large-scale IT systems: 31 Dec 2030 (Art. 111(1)) ----------------------------------


def test_component_of_an_annex_x_system_in_use_before_aug_2027_complies_by_end_2030() -> None:
    facts = {"role": ["provider", "deployer"], "public_authority": True, "annex_iii": ["7.b"], "annex_x": True,
             "status": "in_use", "in_use_since": dt.date(2025, 1, 1)}
    for as_of in (ORIGINAL, TODAY):
        result = _classify(as_of, **facts)
        art10 = _obligation(result, "art10")
        assert art10.applies_from == dt.date(2030, 12, 31)  # not 2 Aug 2030 (Art. 111(1) excludes 111(2))
        assert "111(1)" in art10.condition["en"]
        assert [e["key"] for e in art10.date_source] == ["annex_x_cutoff", "annex_x"]
    new = _classify(TODAY, **{**facts, "status": "in_development", "in_use_since": None})
    assert _obligation(new, "art10").applies_from == dt.date(2027, 12, 2)


# --- 11. fines for public authorities; the report does not read as a conformity statement -------


def test_fine_amounts_carry_the_art99_8_note() -> None:
    art5 = _obligation(_classify(TODAY, prohibited=["5.1.c"], public_authority=True), "art5")
    assert "EUR 35 million" in art5.title["en"] and "Art. 99(8)" in art5.title["en"]
    assert "Member State" in art5.title["en"] and "art. 99, lid 8" in art5.title["nl"]


def test_report_kicker_is_not_a_conformity_statement() -> None:
    from auditor.render.i18n import Translator

    for lang, negation in (("en", "not a conformity assessment"), ("nl", "geen conformiteitsbeoordeling")):
        kicker = str(Translator(lang, strict=True).text("report.kicker"))
        assert negation in kicker
        assert "Conformity evidence" not in kicker and "Bewijs van overeenstemming" not in kicker


def test_dutch_texts_use_the_terms_of_the_regulation() -> None:
    result = _classify(TODAY, role=["provider"], annex_iii=["4.a"])
    text = render_text(result, "nl")
    assert "AI-systeem met een hoog risico" in text and "Hoog-risico-AI-systeem" not in text
    assert "gebruiksinstructies" in text and "gebruiksaanwijzing" not in text
    assert "vooringenomenheid" in _obligation(result, "art10").title["nl"]
    assert "vertekeningen" in _obligation(result, "art4a_1").title["nl"]
    annex_i = _classify(TODAY, annex_i={"section": "A", "area": "lifts", "third_party_conformity": True})
    assert "door een derde partij" in render_text(annex_i, "nl")


# --- 10. the Algoritmekader requirements that existed but were unused ---------------------------


@pytest.mark.parametrize(("urn", "obligation"), [
    ("aia-00", "art5"), ("aia-01", "art4"), ("aia-03", "art9"), ("aia-11", "art17"), ("aia-12", "art18"),
    ("aia-13", "art19"), ("aia-14", "art43"), ("aia-15", "art47"), ("aia-16", "art48"), ("aia-17", "art49_1"),
    ("aia-18", "art20"), ("aia-19", "art16"), ("aia-24", "art26_7"), ("aia-25", "art26_8"), ("aia-26", "art86"),
    ("aia-28", "art50_1"), ("aia-29", "art53_1_a"), ("aia-30", "art55_1"), ("aia-31", "art55_1"),
    ("aia-32", "art55_1"), ("aia-35", "art73"), ("aia-39", "art53_1_c"),
])
def test_algoritmekader_requirements_are_mapped_to_their_article(urn: str, obligation: str) -> None:
    from auditor.classification._data import rules

    rule = next(o for o in rules().obligations if o.id == obligation)
    assert f"urn:nl:ak:ver:{urn}" in rule.requirements


def test_drift_maps_to_mon_05_in_the_rulebook() -> None:
    from pathlib import Path

    import yaml

    rulebook = yaml.safe_load((Path(__file__).resolve().parents[2] / "checks" / "ai-act-article-10.yaml")
                              .read_text(encoding="utf-8"))
    assert "urn:nl:ak:mtr:mon-05" in rulebook["requirements"]["art26_4"]["algoritmekader"]
    assert rulebook["requirements"]["art10_5"]["article"] == "AI Act 4a(1), 10(5)"


def test_interactive_session_asks_real_time_or_post_only_for_annex_iii_1a() -> None:
    import io

    from auditor.classification._interactive import ask_facts

    answers = ["Camera", "Politie", "2", "y", "1", "", "1", "1", "", "1", "1", "1", "1", "", ""]
    out = io.StringIO()
    facts = ask_facts(lang="en", stdin=io.StringIO("\n".join(answers) + "\n"), stdout=out)
    assert facts["annex_iii"] == ["1.a"] and facts["remote_biometric_identification"] == "real_time"
    assert "Is the remote biometric identification in real time" in " ".join(out.getvalue().split())
    other = ["Chat", "Gemeente", "2", "y", "1", "", "1", "1", "", "1", "8", "1", "", ""]
    out = io.StringIO()
    facts = ask_facts(lang="en", stdin=io.StringIO("\n".join(other) + "\n"), stdout=out)
    assert "remote_biometric_identification" not in facts
