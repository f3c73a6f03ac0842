"""Many rows in one statement, at the cost of the database rather than of the bookkeeping.

SQLAlchemy's executemany builds a parameter dictionary per row through its compiled statement;
for an import chunk of wide rows that cost more than SQLite spent storing them (measured:
benchmarks/README.md). Here the statement is compiled once, each value goes through its column
type's bind processor (the same conversion SQLAlchemy applies: UUIDs, aware datetimes, JSON,
numerics), and the driver's own executemany takes the rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement
from sqlalchemy.types import TypeEngine


def execute_many(
    connection: Connection,
    statement: ClauseElement,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str] | None = None,
) -> None:
    """Run `statement` (an `insert(table)`, or a `text()` with named parameters) once per row.
    `keys` are the parameters (the rows may hold more); by default the first row's keys."""
    if not rows:
        return
    dialect = connection.dialect
    compiled = cast(
        SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys or rows[0]))
    )
    names = list(compiled.positiontup or compiled.binds)
    columns = [
        _converted([row[name] for row in rows], compiled.binds[name].type, dialect)
        for name in names
    ]
    values = list(zip(*columns, strict=True))
    if compiled.positional:
        connection.exec_driver_sql(compiled.string, values)
    else:
        connection.exec_driver_sql(
            compiled.string, [dict(zip(names, v, strict=True)) for v in values]
        )


def _converted(values: list[Any], kind: TypeEngine[Any], dialect: Dialect) -> list[Any]:
    """A column's values as the driver takes them. A value repeated down the column (the run's
    clock, the source's id) is converted once."""
    convert = kind.dialect_impl(dialect).bind_processor(dialect)
    if convert is None:
        return values
    converted: list[Any] = []
    last: Any = _NOTHING
    for value in values:
        if value is not last:
            last, stored = value, convert(value)
        converted.append(stored)
    return converted


_NOTHING = object()
