"""The Spark engine: a Spark DataFrame, a catalog table or a file, profiled partition by partition.

Needs only ``pyspark.sql`` (the optional extra ``pip install 'auditor[spark]'``), imported when
the engine runs. Each partition is profiled on the executors by the same chunk kernel as every
other engine (:func:`auditor.engines.pandas.profile_frame`): ``DataFrame.mapInArrow`` hands a
partition over as Arrow record batches, gathered into pieces of at most
:data:`~auditor.engines.duckdb.BATCH_ROWS` rows (bounded memory per task); each piece's profile
travels back to the driver as one small binary row (the profile's statistics, pickled for
transport inside this one run only, never stored), and the driver merges them in partition
order (:class:`~auditor.engines.profile.ProfileMerger`), so example row positions count rows in
the DataFrame's order.

Validity under ANSI mode
    Rules, missing-value codes, pandera schemas and expectation suites run in the kernel on the
    partition's rows, never as Spark casts: a value that does not parse as the rule's type is
    counted as a failed row (``try_cast`` semantics), and ``spark.sql.ansi.enabled=true`` cannot
    abort the audit on a malformed value.

Sessions
    The engine uses the active Spark session, or builds a local one (``local[2]``, no UI, bound to
    127.0.0.1, UTC session time zone) when there is none: no cluster is contacted unless the user
    created a session for it.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from auditor.errors import DataError, EngineError

if TYPE_CHECKING:
    import pyarrow as pa

    from auditor.engines.base import DatasetHandle, ProfilePlan, Schema
    from auditor.engines.profile import Profile
    from auditor.spec.model import DataSource

INSTALL_HINT = "pip install 'auditor[spark]'  (or: pip install pyspark; Spark needs Java 17 or later)"

_RESULT_SCHEMA = "part long, seq long, n long, blob binary"


def _pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError:
        raise EngineError(f"engine 'spark' needs pyspark: {INSTALL_HINT}") from None
    return pyspark.sql


def session() -> Any:
    """The active Spark session, or a local ``local[2]`` one built for the audit."""
    sql = _pyspark()
    active = sql.SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (sql.SparkSession.builder.master("local[2]").appName("auditor")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "2"))
    try:
        return builder.getOrCreate()
    except Exception as exc:  # no Java, a port that cannot be bound, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"cannot start a local Spark session ({first}); Spark needs Java 17 or later") from None


def read_source(spark: Any, source: DataSource) -> Any:
    """The Spark DataFrame of a data source: the DataFrame given, a catalog table, or a file read by Spark.

    Raises
    ------
    DataError
        For a missing file, a folder or table Spark cannot read, naming it.
    """
    if source.frame is not None:
        if not (type(source.frame).__module__.startswith("pyspark.sql")):
            raise DataError(f"the Spark engine profiles Spark DataFrames, got {type(source.frame).__name__}; "
                            "use engine: pandas for a pandas DataFrame", source=source.label)
        return source.frame
    try:
        if source.table is not None:
            return spark.table(source.table)
        path = source.path
        assert path is not None
        if not path.exists():
            raise DataError(f"file not found (data.{source.name}); check the path in the spec", source=path)
        fmt = source.format or ("parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv")
        if fmt == "parquet":
            return spark.read.parquet(str(path))
        # Encoding and delimiter detected as for the other engines; typed as pandas' reader types a
        # CSV: numbers, booleans and text (dates and times stay text).
        from auditor.engines.duckdb import sniff_csv

        header, details = sniff_csv(source, path)
        reader = (spark.read.option("header", str(source.header).lower()).option("positiveInf", "inf")
                  .option("negativeInf", "-inf").option("sep", details["delimiter"])
                  .option("encoding", details["encoding"].replace("-sig", "")))
        inferred = reader.option("inferSchema", "true").csv(str(path)).schema
        types = _pyspark().types
        for f in inferred.fields:
            if isinstance(f.dataType, types.DateType | types.TimestampType | types.TimestampNTZType):
                f.dataType = types.StringType()
        frame = reader.schema(inferred).csv(str(path))
        return frame.toDF(*header) if source.names is not None or "duplicated_columns" in details else frame
    except DataError:
        raise
    except Exception as exc:  # AnalysisException and friends, by name: pyspark's types differ between versions
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"Spark cannot read this source ({first})", source=source.label) from None


def _profile_partition(dataset: str, plan: ProfilePlan, piece_rows: int, parquet_path: str | None,
                       with_nulls: set[str]) -> Any:
    """The function ``mapInArrow`` runs on each partition (a closure: it is pickled to the executors)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        from pyspark import TaskContext

        from auditor.engines.pandas import profile_frame

        to_frame = _frame_converter(parquet_path, with_nulls)
        context = TaskContext.get()
        part = context.partitionId() if context is not None else 0
        pending: list[pa.RecordBatch] = []
        held, seq = 0, 0

        def flush() -> pa.RecordBatch:
            table = pa.Table.from_batches(pending)
            profile = profile_frame(to_frame(table), dataset=dataset, plan=plan)
            blob = pickle.dumps(profile, protocol=pickle.HIGHEST_PROTOCOL)
            return pa.RecordBatch.from_pydict({"part": [part], "seq": [seq], "n": [table.num_rows], "blob": [blob]})

        for batch in batches:
            if batch.num_rows == 0:
                continue
            pending.append(batch)
            held += batch.num_rows
            if held >= piece_rows:
                yield flush()
                pending, held, seq = [], 0, seq + 1
        if pending:
            yield flush()

    return run


def _frame_converter(parquet_path: str | None, with_nulls: set[str]) -> Any:
    """Arrow table → DataFrame as pandas would read the whole data (the file's types for a Parquet file)."""
    from pathlib import Path

    from auditor.engines.duckdb import BatchConverter, _Parquet

    convert = BatchConverter(with_nulls, _Parquet(Path(parquet_path)) if parquet_path is not None else None)
    if parquet_path is not None:
        return convert

    def naive_utc(table: pa.Table) -> Any:
        frame = convert(table)
        for name in frame.columns:  # Spark's TIMESTAMP is UTC instants: the naive UTC times pandas reads
            column = frame[name]
            if getattr(getattr(column, "dt", None), "tz", None) is not None:
                frame[name] = column.dt.tz_convert("UTC").dt.tz_localize(None)
        return frame

    return naive_utc


def _null_columns(frame: Any, parquet_path: str | None) -> set[str]:
    """Integer and boolean columns with a null anywhere (Parquet statistics, else one Spark aggregate)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    from auditor.engines.duckdb import nullable_candidates, parquet_null_columns

    try:
        candidates = nullable_candidates(to_arrow_schema(frame.schema))
    except Exception:  # a type without an Arrow equivalent: mapInArrow reports it
        return set()
    if parquet_path is not None:
        from pathlib import Path

        found = parquet_null_columns(Path(parquet_path), candidates)
        if found is not None:
            return found
    if not candidates:
        return set()
    functions = _pyspark().functions
    row = frame.agg(*[functions.sum(functions.col(f"`{c}`").isNull().cast("long")).alias(f"n{i}")
                      for i, c in enumerate(candidates)]).collect()[0]
    return {c for i, c in enumerate(candidates) if row[f"n{i}"]}


def profile_spark_frame(frame: Any, *, dataset: str, plan: ProfilePlan, piece_rows: int | None = None,
                        parquet_path: str | None = None) -> Profile:
    """Profile a Spark DataFrame: one profile per partition piece on the executors, merged on the driver.

    Parameters
    ----------
    frame
        A ``pyspark.sql.DataFrame``.
    dataset
        The dataset's role.
    plan
        Which columns play which role, and the row-level quality work.
    piece_rows
        Rows profiled at once per task (default :data:`~auditor.engines.duckdb.BATCH_ROWS`).
    parquet_path
        When the DataFrame is a plain read of this Parquet file: its stored types are restored
        before profiling (as pandas reads them).

    Raises
    ------
    DataError
        When the DataFrame has no rows or Spark fails to compute it.
    """
    from auditor.engines.duckdb import BATCH_ROWS
    from auditor.engines.profile import ProfileMerger

    try:
        run = _profile_partition(dataset, plan, piece_rows or BATCH_ROWS, parquet_path, _null_columns(frame, parquet_path))
        rows = frame.mapInArrow(run, _RESULT_SCHEMA).collect()
    except Exception as exc:
        text = str(exc).strip()
        first = next((line for line in text.splitlines() if "Error" in line), text.splitlines()[0] if text else "")
        raise DataError(f"Spark failed while profiling data.{dataset} ({first.strip() or type(exc).__name__})",
                        source=f"<Spark DataFrame {dataset!r}>") from None
    merger = ProfileMerger()
    for row in sorted(rows, key=lambda r: (r["part"], r["seq"])):
        merger.add(pickle.loads(row["blob"]))
    merged = merger.result()
    if merged is None:
        raise DataError(f"data.{dataset} has no rows; an audit needs data", source=f"<Spark DataFrame {dataset!r}>")
    return merged


def _parquet_path(source: DataSource) -> str | None:
    if source.frame is None and source.table is None and source.path is not None:
        fmt = source.format or ("parquet" if source.path.suffix.lower() in (".parquet", ".pq") else "csv")
        return str(source.path) if fmt == "parquet" else None
    return None


def profile_source(source: DataSource, *, dataset: str, plan: ProfilePlan, piece_rows: int | None = None) -> Profile:
    """Profile one data source with Spark (a Spark DataFrame, a catalog table or a file).

    Raises
    ------
    DataError
        For a source Spark cannot read.
    EngineError
        When pyspark is missing or no session can be started.
    """
    frame = read_source(session(), source)
    return profile_spark_frame(frame, dataset=dataset, plan=plan, piece_rows=piece_rows, parquet_path=_parquet_path(source))


def spark_fingerprint(frame: Any) -> str:
    """SHA-256 of a Spark DataFrame's schema, row count and the sum of its rows' ``xxhash64`` (one Spark pass).

    Order-independent, computed by Spark itself; a different algorithm from the fingerprint of
    a file (its bytes) or of a pandas DataFrame, so the evidence names it ``spark-xxhash64``.
    """
    import hashlib

    functions = _pyspark().functions
    row = frame.select(functions.xxhash64(*[functions.col(f"`{c}`") for c in frame.columns]).alias("h")).agg(
        functions.count(functions.lit(1)).alias("n"),
        functions.sum(functions.col("h").cast("decimal(38,0)")).alias("s")).collect()[0]
    digest = hashlib.sha256()
    digest.update(frame.schema.json().encode())
    digest.update(f"{row['n']}:{row['s']}".encode())
    return digest.hexdigest()


class SparkEngine:
    """The cluster engine: Spark DataFrames, catalog tables and files read by Spark (see the module docstring)."""

    name = "spark"

    def open(self, source: DataSource) -> DatasetHandle:
        """Check the source, fingerprint it and take its schema from Spark (as Arrow types)."""
        frame = read_source(session(), source)  # EngineError with the install hint when pyspark is missing
        from pyspark.sql.pandas.types import to_arrow_schema

        from auditor.engines.base import DatasetHandle, Schema
        from auditor.sources import file_sha256

        parquet = _parquet_path(source)
        if parquet is not None:
            from pathlib import Path

            from auditor.engines.duckdb import _Parquet

            schema = Schema.from_arrow(_Parquet(Path(parquet)).file_schema)
        else:
            try:
                schema = Schema.from_arrow(to_arrow_schema(frame.schema))
            except Exception:  # a Spark type without an Arrow equivalent: named, typed "other"
                from auditor.engines.base import ColumnType

                schema = Schema(tuple(ColumnType(f.name, f.dataType.simpleString(), "other") for f in frame.schema.fields))
        if not schema.columns:
            raise DataError(f"data.{source.name} has no columns", source=source.label)
        if source.path is not None:
            location, sha256, fmt = str(source.path), file_sha256(source.path), parquet and "parquet" or "csv"
        else:
            location = source.label if source.table is not None else f"<Spark DataFrame {source.name!r}>"
            sha256, fmt = spark_fingerprint(frame), "spark"
        details: dict[str, Any] = {"fingerprint": "spark-xxhash64"} if fmt == "spark" else {}
        if fmt == "csv" and source.path is not None:
            from auditor.engines.duckdb import sniff_csv

            details = sniff_csv(source, source.path)[1]
        return DatasetHandle(name=source.name, source=source, location=location, sha256=sha256, format=fmt,
                             schema=schema, engine=self.name, details=details, state=frame)

    def schema(self, source: DataSource) -> Schema:
        """The schema of the source (column names, Arrow and logical types)."""
        return self.open(source).schema

    def profile(self, handle: DatasetHandle, plan: ProfilePlan) -> Profile:
        """Profile the source's partitions on the executors and merge them on the driver."""
        frame = handle.state if handle.state is not None else read_source(session(), handle.source)
        return profile_spark_frame(frame, dataset=handle.name, plan=plan, parquet_path=_parquet_path(handle.source))


def _register() -> SparkEngine:
    from auditor.engines.base import register_engine

    return register_engine(SparkEngine())  # type: ignore[return-value]


ENGINE = _register()

__all__ = ["ENGINE", "INSTALL_HINT", "SparkEngine", "profile_source", "profile_spark_frame", "read_source", "session",
           "spark_fingerprint"]
