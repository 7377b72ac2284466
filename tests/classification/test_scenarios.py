"""Table-driven classification scenarios: each id states the legal reasoning for its outcome.

Every scenario starts from a plain AI system in development whose organisation is its provider,
changes the facts that matter, and states the category, the high-risk bases, the Art. 50 cases
that stack (art50), and obligations (role, id) that must or must not follow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from auditor.classification import Classification, classify, load_system
from auditor.classification._data import choices, vocabulary

AS_OF = dt.date(2026, 11, 22)

BASE: dict[str, Any] = {
    "name": "Scenario",
    "organisation": "Gemeente Voorbeeld",
    "role": ["provider"],
    "public_authority": False,
    "status": "in_development",
    "kind": "ai_system",
}

PROVIDER_HIGH_RISK = {
    ("provider", i) for i in ("art9", "art10", "art11", "art12", "art13", "art14", "art15", "art17", "art43", "art72")
}


def scenario(
    id: str,
    category: str,
    *,
    bases: tuple[str, ...] = (),
    art50: tuple[str, ...] = (),
    has: set[tuple[str, str]] | None = None,
    lacks: set[tuple[str, str]] | None = None,
    only: set[tuple[str, str]] | None = None,
    note: str | None = None,
    **facts: Any,
) -> Any:
    expect = {
        "category": category,
        "bases": bases,
        "art50": art50,
        "has": has or set(),
        "lacks": lacks or set(),
        "only": only,
        "note": note,
    }
    return pytest.param({**BASE, **facts}, expect, id=id)


SCENARIOS = [
    # --- Art. 3: is it an AI system at all? ---------------------------------------------------
    scenario("rules-written-solely-by-people-are-not-an-ai-system-art3(1)", "not_ai_system", kind="not_ai", only=set()),
    # --- Art. 2: exclusions take the system out of the whole Act ---------------------------
    scenario(
        "exclusively-military-purpose-is-excluded-art2(3)",
        "out_of_scope",
        exclusion="military_defence_security",
        only=set(),
    ),
    scenario(
        "third-country-authority-in-law-enforcement-cooperation-is-excluded-art2(4)",
        "out_of_scope",
        exclusion="third_country_law_enforcement",
        role=["deployer"],
        only=set(),
    ),
    scenario(
        "sole-purpose-scientific-research-is-excluded-art2(6)",
        "out_of_scope",
        exclusion="scientific_research",
        only=set(),
    ),
    scenario(
        "testing-before-placing-on-the-market-is-excluded-art2(8)",
        "out_of_scope",
        exclusion="pre_market_research",
        only=set(),
    ),
    scenario(
        "natural-person-in-purely-personal-use-is-excluded-as-deployer-art2(10)",
        "out_of_scope",
        exclusion="personal_use",
        role=["deployer"],
        only=set(),
    ),
    scenario(
        "art2-exclusion-precedes-the-art5-prohibitions-military-biometric-identification",
        "out_of_scope",
        exclusion="military_defence_security",
        prohibited=["5.1.h"],
        only=set(),
    ),
    scenario(
        "art2(6)-research-exclusion-also-lifts-gpai-model-obligations",
        "out_of_scope",
        kind="gpai_model",
        exclusion="scientific_research",
        only=set(),
    ),
    # --- Art. 5: prohibited practices ---------------------------------------------------------
    *(
        scenario(
            f"art5(1)({point[-1]})-{slug}-is-a-prohibited-practice",
            "prohibited",
            prohibited=[point],
            only={("provider", "art5")},
        )
        for point, slug in (
            ("5.1.a", "manipulative-or-deceptive-techniques"),
            ("5.1.b", "exploiting-vulnerabilities"),
            ("5.1.c", "social-scoring"),
            ("5.1.d", "crime-prediction-solely-on-profiling"),
            ("5.1.e", "untargeted-facial-image-scraping"),
            ("5.1.f", "emotion-recognition-at-work-or-school"),
            ("5.1.g", "biometric-categorisation-by-sensitive-traits"),
            ("5.1.h", "real-time-remote-biometric-identification-for-law-enforcement"),
        )
    ),
    scenario(
        "prohibition-wins-over-annex-iii-because-art5-comes-before-art6",
        "prohibited",
        prohibited=["5.1.c"],
        annex_iii=["5.a"],
        profiling=True,
        only={("provider", "art5")},
    ),
    scenario(
        "open-source-licence-never-lifts-a-prohibition-art2(12)",
        "prohibited",
        prohibited=["5.1.e"],
        open_source=True,
        note="Art. 2(12) does not exempt",
    ),
    scenario(
        "prohibition-binds-importers-and-distributors-too-art5(1)",
        "prohibited",
        prohibited=["5.1.b"],
        role=["importer", "distributor"],
        only={("importer", "art5"), ("distributor", "art5")},
    ),
    scenario(
        "real-time-biometric-identification-ban-notes-its-narrow-exceptions-art5(2)",
        "prohibited",
        prohibited=["5.1.h"],
        note="Art. 5(1)(h) has narrow exceptions",
    ),
    scenario(
        "crime-risk-assessment-not-solely-on-profiling-is-annex-iii-6(d)-not-art5(1)(d)",
        "high_risk",
        bases=("annex_iii",),
        annex_iii=["6.d"],
        has=PROVIDER_HIGH_RISK,
    ),
    # --- Art. 6(1): Annex I products ----------------------------------------------------------
    scenario(
        "annex-i-section-a-medical-device-with-third-party-assessment-is-high-risk-art6(1)",
        "high_risk",
        bases=("annex_i",),
        annex_i={"section": "A", "area": "medical_devices", "third_party_conformity": True},
        has=PROVIDER_HIGH_RISK,
        lacks={("provider", "art49_1"), ("provider", "art2_2")},
    ),
    scenario(
        "annex-i-section-b-aviation-is-high-risk-but-bound-only-through-sectoral-law-art2(2)",
        "high_risk",
        bases=("annex_i",),
        annex_i={"section": "B", "area": "civil_aviation", "third_party_conformity": True},
        only={("provider", "art2_2")},
    ),
    scenario(
        "annex-i-product-without-third-party-assessment-is-not-high-risk-art6(1)(b)",
        "minimal",
        annex_i={"section": "A", "area": "machinery", "third_party_conformity": False},
        only={("provider", "art4")},
    ),
    scenario(
        "annex-i-without-third-party-assessment-but-annex-iii-5(b)-is-high-risk-via-art6(2)",
        "high_risk",
        bases=("annex_iii",),
        annex_i={"section": "A", "area": "radio_equipment", "third_party_conformity": False},
        annex_iii=["5.b"],
        has=PROVIDER_HIGH_RISK,
    ),
    scenario(
        "annex-i-and-annex-iii-both-give-a-high-risk-basis",
        "high_risk",
        bases=("annex_i", "annex_iii"),
        annex_i={"section": "A", "area": "medical_devices", "third_party_conformity": True},
        annex_iii=["5.d"],
        has=PROVIDER_HIGH_RISK | {("provider", "art49_1")},
    ),
    # --- Art. 6(2): every Annex III point ----------------------------------------------------
    *(
        scenario(
            f"annex-iii-{entry['code']}-listed-use-without-derogation-is-high-risk-art6(2)",
            "high_risk",
            bases=("annex_iii",),
            annex_iii=[point],
            has=PROVIDER_HIGH_RISK,
        )
        for point, entry in choices("annex_iii").items()
    ),
    # --- Art. 6(3): the derogation, and profiling --------------------------------------------
    scenario(
        "narrow-procedural-task-without-profiling-is-not-high-risk-but-documented-art6(3)(a)-6(4)-49(2)",
        "minimal",
        annex_iii=["5.a"],
        derogation_6_3="a",
        profiling=False,
        only={("provider", "art4"), ("provider", "art6_4"), ("provider", "art49_2")},
    ),
    scenario(
        "profiling-always-defeats-the-derogation-art6(3)-subparagraph-3",
        "high_risk",
        bases=("annex_iii",),
        annex_iii=["4.b"],
        derogation_6_3="b",
        profiling=True,
        has=PROVIDER_HIGH_RISK,
        lacks={("provider", "art6_4")},
    ),
    scenario(
        "derogation-6(3)(c)-leaves-the-art50(1)-duty-in-place",
        "transparency",
        art50=("50.1",),
        transparency=["50.1"],
        annex_iii=["8.a"],
        derogation_6_3="c",
        profiling=False,
        has={("provider", "art50_1"), ("provider", "art6_4")},
    ),
    scenario(
        "derogated-annex-iii-system-under-open-source-licence-is-exempt-art2(12)-unverified",
        "out_of_scope",
        annex_iii=["3.b"],
        derogation_6_3="d",
        profiling=False,
        open_source=True,
        only=set(),
    ),
    scenario(
        "derogation-relied-on-by-a-deployer-brings-it-no-provider-duties-art6(4)",
        "minimal",
        role=["deployer"],
        annex_iii=["5.a"],
        derogation_6_3="a",
        profiling=False,
        only={("deployer", "art4")},
    ),
    # --- Art. 50: transparency, on its own and on top of high-risk ---------------------------
    scenario(
        "chatbot-interacting-with-people-must-say-it-is-ai-art50(1)",
        "transparency",
        art50=("50.1",),
        transparency=["50.1"],
        only={("provider", "art4"), ("provider", "art50_1")},
    ),
    scenario(
        "generator-of-synthetic-content-must-mark-it-art50(2)",
        "transparency",
        art50=("50.2",),
        transparency=["50.2"],
        only={("provider", "art4"), ("provider", "art50_2")},
    ),
    scenario(
        "emotion-recognition-is-annex-iii-1(c)-and-its-deployer-informs-people-art50(3)",
        "high_risk",
        bases=("annex_iii",),
        art50=("50.3",),
        transparency=["50.3"],
        role=["deployer"],
        annex_iii=["1.c"],
        has={("deployer", "art26_4"), ("deployer", "art50_3")},
    ),
    scenario(
        "deep-fakes-are-disclosed-by-the-deployer-art50(4)",
        "transparency",
        art50=("50.4",),
        transparency=["50.4"],
        role=["deployer"],
        only={("deployer", "art4"), ("deployer", "art50_4")},
    ),
    scenario(
        "transparency-stacks-on-high-risk-recruitment-chatbot-art50-and-art6(2)",
        "high_risk",
        bases=("annex_iii",),
        art50=("50.1",),
        transparency=["50.1"],
        annex_iii=["4.a"],
        has=PROVIDER_HIGH_RISK | {("provider", "art50_1")},
    ),
    scenario(
        "open-source-licence-does-not-exempt-an-art50-system-art2(12)",
        "transparency",
        art50=("50.2",),
        transparency=["50.2"],
        open_source=True,
        note="Art. 2(12) does not exempt",
    ),
    scenario(
        "open-source-licence-does-not-exempt-a-high-risk-system-art2(12)",
        "high_risk",
        bases=("annex_iii",),
        annex_iii=["3.a"],
        open_source=True,
        has=PROVIDER_HIGH_RISK,
    ),
    scenario(
        "open-source-system-neither-prohibited-high-risk-nor-art50-is-exempt-art2(12)",
        "out_of_scope",
        open_source=True,
        only=set(),
    ),
    scenario("ordinary-ai-system-is-minimal-risk-with-ai-literacy-art4", "minimal", only={("provider", "art4")}),
    scenario(
        "art50(1)-case-listed-by-a-deployer-binds-the-provider-not-the-deployer",
        "transparency",
        art50=("50.1",),
        transparency=["50.1"],
        role=["deployer"],
        only={("deployer", "art4")},
        note="Art. 50(1) and 50(2) oblige the provider",
    ),
    # --- general-purpose AI models (Art. 51-55) ---------------------------------------------
    scenario(
        "gpai-model-trained-with-more-than-1e25-flop-has-systemic-risk-art51(2)",
        "gpai_model_systemic_risk",
        kind="gpai_model",
        gpai_training_flops=1.0e26,
        has={("provider", "art52_1"), ("provider", "art53_1_a"), ("provider", "art55_1")},
    ),
    scenario(
        "gpai-model-at-exactly-1e25-flop-does-not-exceed-the-threshold-art51(2)",
        "gpai_model",
        kind="gpai_model",
        gpai_training_flops="1e25",
        only={("provider", i) for i in ("art53_1_a", "art53_1_b", "art53_1_c", "art53_1_d")},
    ),
    scenario(
        "gpai-model-designated-by-the-commission-has-systemic-risk-art51(1)(b)",
        "gpai_model_systemic_risk",
        kind="gpai_model",
        systemic_risk=True,
        has={("provider", "art55_1")},
    ),
    scenario(
        "open-source-gpai-model-without-systemic-risk-keeps-copyright-policy-and-summary-art53(2)",
        "gpai_model",
        kind="gpai_model",
        open_source=True,
        only={("provider", "art53_1_c"), ("provider", "art53_1_d")},
    ),
    scenario(
        "open-source-gpai-model-with-systemic-risk-keeps-all-duties-art53(2)",
        "gpai_model_systemic_risk",
        kind="gpai_model",
        open_source=True,
        gpai_training_flops=3.0e25,
        has={("provider", "art53_1_a"), ("provider", "art53_1_b"), ("provider", "art55_1")},
    ),
    scenario(
        "gpai-model-obligations-fall-on-the-model-provider-not-a-deployer",
        "gpai_model",
        kind="gpai_model",
        role=["deployer"],
        only=set(),
        note="fall on the provider of the model",
    ),
    scenario(
        "gpai-system-used-for-recruitment-is-high-risk-annex-iii-4(a)-art6(2)",
        "high_risk",
        bases=("annex_iii",),
        kind="gpai_system",
        annex_iii=["4.a"],
        has=PROVIDER_HIGH_RISK,
    ),
    scenario(
        "gpai-system-generating-content-has-the-marking-duty-art50(2)",
        "transparency",
        art50=("50.2",),
        transparency=["50.2"],
        kind="gpai_system",
        has={("provider", "art50_2")},
    ),
    # --- roles: what each role owes for a high-risk system ------------------------------------
    scenario(
        "public-body-deploying-5(a)-does-a-fria-and-registers-its-use-art27-art26(8)",
        "high_risk",
        bases=("annex_iii",),
        role=["deployer"],
        public_authority=True,
        annex_iii=["5.a"],
        has={
            ("deployer", i)
            for i in ("art26_1", "art26_2", "art26_4", "art26_5", "art26_6", "art26_8", "art26_11", "art27", "art86")
        },
        lacks={("deployer", "art9")},
    ),
    scenario(
        "private-deployer-of-credit-scoring-5(b)-does-a-fria-art27(1)",
        "high_risk",
        bases=("annex_iii",),
        role=["deployer"],
        annex_iii=["5.b"],
        has={("deployer", "art27")},
        lacks={("deployer", "art26_8")},
    ),
    scenario(
        "private-deployer-of-recruitment-4(a)-needs-no-fria-art27(1)",
        "high_risk",
        bases=("annex_iii",),
        role=["deployer"],
        annex_iii=["4.a"],
        has={("deployer", "art26_4"), ("deployer", "art26_7")},
        lacks={("deployer", "art27")},
        note="becomes its provider (Art. 25(1))",
    ),
    scenario(
        "public-deployer-of-critical-infrastructure-point-2-needs-no-fria-art27(1)",
        "high_risk",
        bases=("annex_iii",),
        role=["deployer"],
        public_authority=True,
        annex_iii=["2"],
        has={("deployer", "art26_4")},
        lacks={("deployer", "art27"), ("deployer", "art26_8"), ("deployer", "art86")},
    ),
    scenario(
        "provider-of-critical-infrastructure-point-2-registers-nationally-art49(5)",
        "high_risk",
        bases=("annex_iii",),
        annex_iii=["2"],
        has={("provider", "art49_5")},
        lacks={("provider", "art49_1")},
    ),
    scenario(
        "importer-of-a-high-risk-system-verifies-conformity-art23",
        "high_risk",
        bases=("annex_iii",),
        role=["importer"],
        annex_iii=["7.c"],
        only={("importer", "art23")},
    ),
    scenario(
        "distributor-of-a-high-risk-system-verifies-ce-marking-art24",
        "high_risk",
        bases=("annex_iii",),
        role=["distributor"],
        annex_iii=["3.c"],
        only={("distributor", "art24")},
    ),
    scenario(
        "deployer-of-post-remote-biometric-identification-needs-authorisation-art26(10)",
        "high_risk",
        bases=("annex_iii",),
        role=["deployer"],
        public_authority=True,
        annex_iii=["1.a"],
        remote_biometric_identification="post",
        has={("deployer", "art26_10")},
        lacks={("deployer", "art5_2_7")},
    ),
    scenario(
        "provider-and-deployer-at-once-bear-both-sets-of-duties-art16-art26",
        "high_risk",
        bases=("annex_iii",),
        role=["provider", "deployer"],
        public_authority=True,
        annex_iii=["5.a"],
        profiling=True,
        has=PROVIDER_HIGH_RISK
        | {("deployer", "art26_4"), ("deployer", "art27"), ("provider", "art4"), ("deployer", "art4")},
    ),
]


def _pairs(result: Classification) -> set[tuple[str, str]]:
    return {(o.role, o.id) for o in result.obligations}


@pytest.mark.parametrize(("facts", "expect"), SCENARIOS)
def test_scenario(facts: dict[str, Any], expect: dict[str, Any]) -> None:
    result = classify(load_system(facts), as_of=AS_OF)
    assert result.category == expect["category"]
    assert result.bases == expect["bases"]
    assert result.transparency == expect["art50"]
    pairs = _pairs(result)
    assert expect["has"] <= pairs, f"missing {expect['has'] - pairs}"
    assert not expect["lacks"] & pairs, f"unexpected {expect['lacks'] & pairs}"
    if expect["only"] is not None:
        assert pairs == expect["only"]
    if expect["note"]:
        assert any(expect["note"] in n["en"] for n in (*result.notes, *result.unverified))
    assert result.path[0].step == "roles"
    assert all(step.article and step.conclusion["en"] and step.conclusion["nl"] for step in result.path)


def test_scenarios_cover_every_category_role_annex_iii_area_and_art5_practice() -> None:
    params = [p.values for p in SCENARIOS]
    categories = {expect["category"] for _, expect in params}
    assert categories == set(vocabulary()["categories"])
    roles = {role for facts, _ in params for role in facts["role"]}
    assert roles == set(choices("roles"))
    areas = {point.split(".")[0] for facts, _ in params for point in facts.get("annex_iii", [])}
    assert areas == {point.split(".")[0] for point in choices("annex_iii")}
    practices = {p for facts, _ in params for p in facts.get("prohibited", [])}
    assert practices >= {p for p in choices("prohibited") if "introduced_by" not in choices("prohibited")[p]}
    assert len(SCENARIOS) >= 40


def test_derogated_open_source_system_reports_the_unsettled_point_as_unverified() -> None:
    facts = {**BASE, "annex_iii": ["3.b"], "derogation_6_3": "d", "profiling": False, "open_source": True}
    result = classify(load_system(facts), as_of=AS_OF)
    assert any("not settled" in u["en"] for u in result.unverified)


def test_path_records_the_facts_each_step_used() -> None:
    facts = {**BASE, "annex_iii": ["4.b"], "derogation_6_3": "b", "profiling": True}
    steps = {s.step: s for s in classify(load_system(facts), as_of=AS_OF).path}
    assert steps["derogation"].facts == {"derogation_6_3": "b"}
    assert steps["profiling"].facts == {"profiling": True}
    assert steps["profiling"].article == "6(3), subparagraph 3"
    assert "4(b)" in steps["annex_iii"].conclusion["en"]
    assert "open_source" not in {k for s in steps.values() for k in s.facts}
