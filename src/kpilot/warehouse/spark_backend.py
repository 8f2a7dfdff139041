"""Ibis's PySpark backend and compiler, with the few changes kpilot needs on Spark.

- kpilot converts time zones with two builtin functions of its own (engine.timeexpr), both `timezone(zone, value)`
  on DuckDB and PostgreSQL, which read the value's type to decide the direction. Spark has no such function and one
  timestamp type (an instant), so each direction compiles to its own Spark function here, found by the name the
  engine gives it. Everything else compiles as Ibis compiles it for Spark.
- Data goes between Python and Spark as Arrow, which pyspark 4 reads and writes itself: Ibis goes through pandas,
  where an empty value in a column of integers or text becomes NaN (stored as a number or a string rather than as
  empty), and where pyspark 4.0 calls pandas 3 with a keyword it deprecated (a warning, an error in kpilot's tests).
"""

from __future__ import annotations

from typing import Any

import ibis
from ibis.backends.pyspark import Backend
from ibis.backends.pyspark.datatypes import PySparkSchema
from ibis.backends.sql.compilers.pyspark import PySparkCompiler
from typing_extensions import override

_ = ibis.pyspark  # loading the backend through Ibis registers its options (`ibis.options.pyspark`)

# kpilot's time-zone functions (the Python names of engine.timeexpr's builtin UDFs) -> Spark's, which take the
# value first and the zone second.
TIME_ZONE_FUNCTIONS = {
    "kpilot_instant": "to_utc_timestamp",  # wall-clock time in a zone -> the instant
    "kpilot_wall_clock": "from_utc_timestamp",  # an instant -> wall-clock time in a zone
}


class KpilotSparkCompiler(PySparkCompiler):  # type: ignore[misc]
    @override
    def visit_ScalarUDF(self, op: Any, **kw: Any) -> Any:
        spark = TIME_ZONE_FUNCTIONS.get(op.__func__.__name__)  # its class's name has a counter after it
        if spark is None:
            return super().visit_ScalarUDF(op, **kw)
        zone, value = kw.values()
        return self.f[spark](value, zone)


compiler = KpilotSparkCompiler()


class KpilotSparkBackend(Backend):  # type: ignore[misc]
    compiler = compiler

    @override
    def _register_in_memory_table(self, op: Any) -> None:
        schema = op.schema
        data = op.data.to_pyarrow(schema)
        frame = self._session.createDataFrame(data, schema=PySparkSchema.from_ibis(schema))
        frame.createOrReplaceTempView(op.name)

    @override
    def to_pyarrow(self, expr: Any, /, *, params: Any = None, limit: Any = None, **kwargs: Any) -> Any:
        from ibis.formats.pyarrow import PyArrowData

        table = expr.as_table()
        self._run_pre_execute_hooks(table)  # registers the in-memory tables it reads
        sql = self.compile(table, params=params, limit=limit, **kwargs)
        return expr.__pyarrow_result__(PyArrowData.convert_table(self._session.sql(sql).toArrow(), table.schema()))
