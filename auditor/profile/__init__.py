"""The pandas-free core of the profile: canonical labels, the key constants of its tables, its format.

Everything here imports neither pandas nor an engine, so the spec, the validators and the
renderers can use it (``auditor render`` never loads pandas). The statistics themselves live in
:mod:`auditor.engines.profile`; how they are computed in :mod:`auditor.engines`.

* :mod:`auditor.profile.labels` — :func:`canonical_label` and the reserved column names of the
  long count tables (``__label__``, ``__prediction__``, ``__score_bin__``, ``__value__``, ``n``);
* :mod:`auditor.profile.format` — the versioned on-disk format of a profile
  (:meth:`Profile.save <auditor.engines.profile.Profile.save>`), its JSON Schema and its parameters.
"""

from auditor.profile.labels import (
    CANONICAL_LABEL_RULES,
    COUNT,
    JOINT_SEPARATOR,
    LABEL,
    MAX_CATEGORIES,
    PREDICTION,
    SCORE_BIN,
    VALUE,
    canonical_label,
)

__all__ = ["CANONICAL_LABEL_RULES", "COUNT", "JOINT_SEPARATOR", "LABEL", "MAX_CATEGORIES", "PREDICTION", "SCORE_BIN",
           "VALUE", "canonical_label"]
