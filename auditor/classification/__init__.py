"""The AI-Act classification of a system: category, reasoning, obligations, dates, checks.

A system description (``system.yaml``) states facts about a system in the vocabulary of
Regulation (EU) 2024/1689; :func:`classify` walks the decision tree shipped as data
(``decision_tree.yaml``) and returns a :class:`Classification` with the category, the path
with the article behind each step, the obligations per role with the dates they apply from
(``timeline.yaml``, original and as amended in 2026), the Algoritmekader requirements and the
rulebook checks the classification makes mandatory.

>>> import datetime
>>> from auditor.classification import classify, load_system
>>> facts = load_system("sample_data/benefits/system.yaml")
>>> result = classify(facts, as_of=datetime.date(2026, 11, 22))
>>> result.category, result.basis, result.next_deadline.isoformat()
('high_risk', 'annex_iii', '2030-08-02')
"""

from auditor.classification._classify import Classification, Obligation, PathStep, classify
from auditor.classification._facts import AnnexIProduct, SystemFacts, load_system
from auditor.classification._register import register_entry, register_problems
from auditor.classification._systemcard import dump_card, system_card

__all__ = [
    "AnnexIProduct",
    "Classification",
    "Obligation",
    "PathStep",
    "SystemFacts",
    "classify",
    "dump_card",
    "load_system",
    "register_entry",
    "register_problems",
    "system_card",
]
