"""The on-disk format of a profile: one versioned JSON document (no pickle, no code).

A saved profile (:meth:`Profile.save <auditor.engines.profile.Profile.save>`) is a UTF-8 JSON
file that validates against ``profile.schema.json`` (next to this module, :func:`profile_schema`):

``header``
    ``format`` (``"auditor-profile"``), ``profile_version`` (:data:`PROFILE_VERSION`), the
    ``engine`` that computed it, ``libraries`` (auditor, numpy, pandas, pyarrow versions), the
    ``sketch`` parameters (log-bucket quantile sketch, its α and key offset), the ``limits``
    (category, example and privacy-floor bounds), the ``sample`` parameters, the
    ``canonical_labels`` rules (:data:`~auditor.profile.labels.CANONICAL_LABEL_RULES`), the
    ``hash_family`` (:data:`HASH_FAMILY`) and ``row_evidence``: ``null``, or how the row
    evidence below was keyed.
``profile``
    The bounded sufficient statistics: per-column summaries, the group tables, the feature and
    label tables, missing-value codes, the date range, rule results (counts, without example
    rows) and, for each hash digest, only its size: rows, distinct hashes and the histogram of
    multiplicities (``[[copies, hashes], ...]``), from which duplicate counts follow. Long tables
    are ``{"columns": [...], "rows": [[...], ...]}`` with ``null`` for a missing key. A numeric
    summary's ``total`` or ``total_sq`` is ``null`` when the sum passed float64's range (values
    beyond about 1e154 for the squares): its mean or standard deviation is then not known.
    A column with more than ``limits.max_categories`` (1,000) distinct values has ``counts: null``
    and, from version 2, ``top``: at most ``limits.top_k`` (100) Misra–Gries counters, each value's
    true count in ``[counter, counter + error]`` with ``error <= n / (top_k + 1)`` (so every value
    above 1 % of the values is listed; merging adds the bounds), and the ``limits.kmv_k`` (1,024)
    smallest distinct value hashes, whose distinct-count estimate has a relative standard error of
    ``1 / sqrt(kmv_k - 2)`` ≈ 3.1 % (exact below ``kmv_k`` distinct values; the hashes merge exactly).
``row_evidence``
    ``null`` unless the caller asked for it with a secret key. Then: the hash digests (distinct
    hashes, their counts and first rows, repeated rows) and the rule results' example rows, with
    every hash replaced by ``HMAC-SHA256(key, hash as 8 big-endian bytes)`` truncated to 64 bits
    (hex). Without the key nobody can test whether a given record is in the data; with it, two
    profiles saved with the same key can be compared (rows shared between a reference and new
    data). The row sample is never written (it is rows of personal data).

A reader refuses a document whose ``profile_version`` it does not know, with a message that
names the file, the version found and the versions it reads (:class:`ProfileFormatError`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from auditor.errors import DataError

FORMAT = "auditor-profile"
PROFILE_VERSION = 2
"""Version of the format written; a reader reads exactly the versions in :data:`READABLE_VERSIONS`.

Version 2 added ``top`` to each column (the bounded summary of a column with more than
``limits.max_categories`` distinct values); a version-1 profile reads with no such summary (its
high-cardinality columns have neither counts nor top values, as when it was written)."""
READABLE_VERSIONS = (1, 2)

HASH_FAMILY: Mapping[str, Any] = {
    "name": "auditor-rowhash/1",
    "value": {
        "number": "integers, floats and booleans as float64 (-0.0 as 0.0); the 64 bits as an unsigned integer",
        "datetime": "microseconds since 1970-01-01 UTC as int64; its 64 bits",
        "text": "SipHash-2-4 with key '0123456789123456' of the UTF-8 text (pandas.util.hash_array of objects)",
        "finaliser": "splitmix64: x ^= x>>30; x *= 0xBF58476D1CE4E5B9; x ^= x>>27; x *= 0x94D049BB133111EB; x ^= x>>31 "
                     "(applied to numbers, datetimes and the SipHash of text: pandas.util.hash_array)",
        "missing": "0xFFFFFFFFFFFFFFFF for every missing value, whatever the type (explicit null marker)",
    },
    "row": "pandas' combine_hash_arrays over the value hashes of the row's columns sorted by name: "
           "h = 0x345678; per column i of k: h = (h ^ v_i) * m; m += 82520 + 2*(k-i), m starting at 1000003; "
           "finally h += 97531 (all modulo 2**64); a single column's row hash is its value hash",
    "record": "every column except the model's prediction and score",
    "engines": "every engine hashes through the pandas kernel (auditor.engines.digests), so hashes agree across engines",
}
"""The one row hash of every engine, specified (recorded in each saved profile)."""

NULL_HASH = 0xFFFFFFFFFFFFFFFF
"""The hash of a missing value (:data:`HASH_FAMILY`)."""


class ProfileFormatError(DataError):
    """A saved profile cannot be read: not a profile, an unknown version, or invalid content."""


@cache
def profile_schema() -> dict[str, Any]:
    """The JSON Schema of a saved profile (``auditor/profile/profile.schema.json``)."""
    return json.loads((Path(__file__).with_name("profile.schema.json")).read_text(encoding="utf-8"))


def key_id(key: bytes) -> str:
    """A public identifier of a secret key (SHA-256 of a fixed label and the key, 16 hex digits)."""
    return hashlib.sha256(b"auditor-profile-key\x00" + key).hexdigest()[:16]


def keyed_hashes(hashes: Iterable[int], key: bytes) -> list[str]:
    """``HMAC-SHA256(key, h as 8 big-endian bytes)`` truncated to 64 bits, as 16 hex digits, per hash."""
    if not isinstance(key, bytes) or len(key) < 16:
        raise ValueError("the row-evidence key must be at least 16 bytes (e.g. secrets.token_bytes(32))")
    return [hmac.new(key, int(h).to_bytes(8, "big"), hashlib.sha256).hexdigest()[:16] for h in hashes]


def check_document(document: Any, *, source: str | Path) -> None:
    """Refuse a document that is not a profile of a readable version, or does not match the schema.

    The schema fixes the structure; the long arrays (table rows, sketch buckets, keyed hashes)
    are checked item by item by the reader as it converts them (:mod:`auditor.engines.codec`).

    Raises
    ------
    ProfileFormatError
        Naming the file, what is wrong and what to do.
    """
    header = document.get("header") if isinstance(document, Mapping) else None
    if not isinstance(header, Mapping) or header.get("format") != FORMAT:
        raise ProfileFormatError("is not an auditor profile (no header with format 'auditor-profile')", source=source)
    version = header.get("profile_version")
    if version not in READABLE_VERSIONS:
        raise ProfileFormatError(
            f"profile_version {version!r} is not supported: this auditor reads version "
            f"{', '.join(map(str, READABLE_VERSIONS))}; compute the profile again with this version of auditor, "
            "or read it with the auditor version that wrote it", source=source)
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator().iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ProfileFormatError(f"is not a valid profile: at {where}: {error.message}", source=source)


@cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(profile_schema())


def read_document(path: str | Path) -> dict[str, Any]:
    """Read and check a saved profile's JSON document."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileFormatError("file not found; check the path of the saved profile", source=path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProfileFormatError(f"is not a JSON document ({exc})", source=path) from None
    check_document(document, source=path)
    return document


def write_document(path: str | Path, document: Mapping[str, Any]) -> None:
    """Write a profile document atomically (valid JSON, no NaN or infinity)."""
    from auditor.files import write_atomic

    write_atomic(Path(path), json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")))


__all__ = ["FORMAT", "HASH_FAMILY", "NULL_HASH", "PROFILE_VERSION", "READABLE_VERSIONS", "ProfileFormatError",
           "check_document", "key_id", "keyed_hashes", "profile_schema", "read_document", "write_document"]
