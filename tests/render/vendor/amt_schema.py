"""The system card data model of the Algorithm Management Toolkit (MinBZK/amt, EUPL-1.2).

Vendored for the tests: see SOURCES.md beside this file. Field types, defaults and aliases
are those of the source; descriptions are left out.
"""
# ruff: noqa: UP007, UP045, N815, N801, D101
from __future__ import annotations

from collections.abc import Generator
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel as PydanticBaseModel
from pydantic import Field, field_validator


# --- amt/schema/shared.py -------------------------------------------------------------------------
class IterMixin:
    def __iter__(self) -> Generator[tuple[str, Any], Any, Any]:
        yield from self.__dict__.items()


class BaseModel(PydanticBaseModel, IterMixin): ...


# --- amt/schema/ai_act_profile.py -----------------------------------------------------------------
class AiActProfile(BaseModel):
    type: str | None = Field(default=None)
    open_source: str | None = Field(default=None)
    risk_group: str | None = Field(default=None)
    conformity_assessment_body: str | None = Field(default=None)
    systemic_risk: str | None = Field(default=None)
    transparency_obligations: str | None = Field(default=None)
    role: list[str] | str | None = Field(default=None)

    @field_validator("role")
    def compute_role(cls, v: list[str] | None) -> str | None:  # noqa: N805
        if v is None:
            return None

        if isinstance(v, str):
            return v

        if len(v) <= 2:
            if len(v) == 0:
                return None
            elif len(v) == 1:
                return v[0]
            else:
                return f"{v[0]} + {v[1]}"
        else:
            raise ValueError("There can only be two roles")


# --- amt/schema/requirement.py (the decision aid's vocabulary and the requirement task) ----------
class TypeEnum(Enum):
    AI_systeem = "AI-systeem"
    AI_systeem_voor_algemene_doeleinden = "AI-systeem voor algemene doeleinden"
    AI_model_voor_algemene_doeleinden = "AI-model voor algemene doeleinden"
    geen_algoritme = "geen algoritme"
    impactvol_algoritme = "impactvol algoritme"
    niet_impactvol_algoritme = "niet-impactvol algoritme"


class OpenSourceEnum(Enum):
    open_source = "open-source"
    geen_open_source = "geen open-source"


class RiskGroupEnum(Enum):
    geen_hoog_risico_AI = "geen hoog-risico AI"
    hoog_risico_AI = "hoog-risico AI"
    verboden_AI = "verboden AI"
    uitzondering_van_toepassing = "uitzondering van toepassing"


class SystemicRiskEnum(Enum):
    systeemrisico = "systeemrisico"
    geen_systeemrisico = "geen systeemrisico"


class TransparencyObligationEnum(Enum):
    transparantieverplichting = "transparantieverplichting"
    geen_transparantieverplichting = "geen transparantieverplichting"


class ConformityAssessmentBodyEnum(Enum):
    beoordeling_door_derde_partij = "beoordeling door derde partij"


class RoleEnum(Enum):
    aanbieder = "aanbieder"
    gebruiksverantwoordelijke = "gebruiksverantwoordelijke"
    importeur = "importeur"
    distributeur = "distributeur"


class RequirementBase(BaseModel):
    urn: str


class RequirementTask(RequirementBase):
    state: str = Field(default="")
    version: str


# --- amt/schema/measure.py ------------------------------------------------------------------------
class MeasureBase(BaseModel):
    urn: str


class Person(BaseModel):
    name: str
    uuid: str


class MeasureTask(MeasureBase):
    state: str = Field(default="")
    value: str = Field(default="")
    version: str
    accountable_persons: list[Person] = Field(default=[])
    reviewer_persons: list[Person] = Field(default=[])
    responsible_persons: list[Person] = Field(default=[])


# --- amt/schema/instrument.py, amt/schema/assessment_card.py ------------------------------------
class InstrumentBase(BaseModel):
    urn: str


class AssessmentAuthor(BaseModel):
    name: str = Field(default=None)


class AssessmentContent(BaseModel):
    question: str = Field(default=None)
    urn: str = Field(default=None)
    answer: str = Field(default=None)
    remarks: str = Field(default=None)
    authors: list[AssessmentAuthor] = Field(default=[])
    timestamp: datetime | None = Field(default=None)


class AssessmentCard(BaseModel):
    name: str = Field(default=None)
    urn: str = Field(default=None)
    date: datetime = Field(default=None)
    contents: list[AssessmentContent] = Field(default=[])


# --- amt/schema/model_card.py ---------------------------------------------------------------------
class ModelProvenance(BaseModel):
    git_commit_hash: str | None = Field(None)
    timestamp: datetime | None = Field(None)
    uri: str | None = Field(None)
    author: str | None = Field(None)


class License(BaseModel):
    license_name: str = Field(...)
    license_link: str | None = Field(None)


class ModelOwner(BaseModel):
    oin: str | None = Field(None)
    organization: str | None = Field(None)
    name: str | None = Field(None)
    email: str | None = Field(None)
    role: str | None = Field(None)


class Artifact(BaseModel):
    uri: str | None = Field(None)
    content_type: str | None = Field(None, alias="content-type")
    md5_checksum: str | None = Field(None, alias="md5-checksum")


class Label(BaseModel):
    name: str = Field(...)
    dtype: str = Field(...)
    value: str = Field(...)


class Parameter(BaseModel):
    name: str = Field(...)
    dtype: str | None = Field(None)
    value: str | None = Field(None)
    labels: list[Label] | None = None


class TaskItem(BaseModel):
    type: str = Field(...)
    name: str | None = Field(None)


class Dataset(BaseModel):
    type: str = Field(...)
    name: str = Field(...)
    split: str | None = Field(None)
    features: list[str] | None = None
    revision: str | None = Field(None)


class Label1(BaseModel):
    name: str | None = Field(None)
    type: str | None = Field(None)
    dtype: str | None = Field(None)
    value: str | None = Field(None)


class Metric(BaseModel):
    type: str = Field(...)
    name: str = Field(...)
    dtype: str = Field(...)
    value: str | int | float = Field(...)
    labels: list[Label1] | None = Field(None)


class Result1(BaseModel):
    name: str = Field(...)
    value: float = Field(...)


class BarPlot(BaseModel):
    type: str = Field(...)
    name: str | None = Field(None)
    results: list[Result1]


class Datum(BaseModel):
    x_value: float = Field(...)
    y_value: float = Field(...)


class Result2(BaseModel):
    class_: str | int | float | bool | None = Field(None, alias="class")
    feature: str = Field(...)
    data: list[Datum]


class GraphPlot(BaseModel):
    type: str = Field(...)
    name: str | None = Field(None)
    results: list[Result2]


class Measurements(BaseModel):
    bar_plots: list[BarPlot] | None = None
    graph_plots: list[GraphPlot] | None = None


class Result(BaseModel):
    task: list[TaskItem]
    datasets: list[Dataset]
    metrics: list[Metric]
    measurements: Measurements


class ModelIndexItem(BaseModel):
    name: str | None = Field(None)
    model: str | None = Field(None)
    artifacts: list[Artifact] | None = None
    parameters: list[Parameter] | None = None
    results: list[Result]


class ModelCardSchema(BaseModel):
    provenance: ModelProvenance | None = None
    name: str | None = Field(None)
    language: list[str] | None = Field(None)
    license: License
    tags: list[str] | None = Field(None)
    owners: list[ModelOwner] | None = None
    model_index: list[ModelIndexItem] = Field(alias="model-index")


# --- amt/schema/system_card.py --------------------------------------------------------------------
class Provenance(BaseModel):
    git_commit_hash: str | None = Field(None)
    timestamp: datetime | None = Field(None)
    uri: str | None = Field(None)
    author: str | None = Field(None)


class CardLabel(BaseModel):  # "Label" in system_card.py
    name: str | None = Field(None)
    value: str | None = Field(None)


class LegalBaseItem(BaseModel):
    name: str | None = Field(None)
    link: str | None = Field(None)


class UserInterfaceItem(BaseModel):
    description: str | None = Field(None)
    link: str | None = Field(None)
    snapshot: str | None = Field(None)


class Reference(BaseModel):
    name: str | None = Field(default=None)
    link: str | None = Field(default=None)


class Owner(BaseModel):
    oin: str | None = Field(None)
    organization: str | None = Field(None)
    name: str | None = Field(None)
    email: str | None = Field(None)
    role: str | None = Field(None)


class SystemCard(BaseModel):
    version: str | None = Field(default="0.0.0")
    provenance: Provenance | None = None
    name: str | None = Field(None)
    instruments: list[InstrumentBase] = Field(default_factory=list[InstrumentBase])
    upl: str | None = Field(None)
    owners: list[Owner] = Field(default_factory=list[Owner])
    description: str | None = Field(None)
    ai_act_profile: AiActProfile | None = None
    labels: list[CardLabel] | None = Field(default_factory=list[CardLabel])
    status: str | None = Field(None)
    begin_date: date | None = Field(None)
    end_date: date | None = Field(None)
    goal_and_impact: str | None = Field(None)
    considerations: str | None = Field(None)
    risk_management: str | None = Field(None)
    human_intervention: str | None = Field(None)
    legal_base: list[LegalBaseItem] | None = Field(None)
    used_data: str | None = Field(None)
    technical_design: str | None = Field(None)
    external_providers: list[str] | None = Field(None)
    interaction_details: list[str] | None = Field(None)
    version_requirements: list[str] | None = Field(None)
    deployment_variants: list[str] | None = Field(None)
    hardware_requirements: list[str] | None = Field(None)
    product_markings: list[str] | None = Field(None)
    user_interface: list[UserInterfaceItem] | None = Field(None)

    schema_version: str = Field(default="0.1a10")
    requirements: list[RequirementTask] = Field(default=[])
    measures: list[MeasureTask] = Field(default=[])
    assessments: list[AssessmentCard] = Field(default=[])
    references: list[Reference] = Field(default=[])
    models: list[ModelCardSchema] = Field(default=[])
