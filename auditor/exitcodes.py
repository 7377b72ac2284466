"""Process exit codes of the ``auditor`` command, for schedulers and CI.

======  ==================================================================
code    meaning
======  ==================================================================
0       the run completed and no check failed
1       at least one check failed
2       usage or input error (bad spec, missing file, unknown column, ...)
3       insufficient evidence, when the user asked ``--strict``
======  ==================================================================
"""

from __future__ import annotations

from typing import Final

OK: Final = 0
CHECK_FAILED: Final = 1
USAGE_ERROR: Final = 2
INSUFFICIENT_EVIDENCE: Final = 3

HELP_TEXT: Final = (
    "exit codes: 0 no check failed; 1 a check failed; 2 usage or input error "
    "(bad spec, missing file, unknown column); 3 insufficient evidence with --strict"
)
