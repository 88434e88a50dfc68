"""The write path's statements, run on SQLite's own cursor: compiled once, converted as SQLAlchemy converts.

A statement executed through SQLAlchemy costs a few times what SQLite takes to run it: an execution context,
a cache lookup, a result object. On the moderators' hot path (four small statements a result) that was most
of a write. `run` keeps SQLAlchemy for what it is good at: it compiles each statement once for the dialect
and takes each parameter's bind processor from the column's type, so the stored values (dates, times, JSON,
enum values) are exactly what `connection.execute` stores. Only the execution itself goes straight to the
driver's cursor, inside the connection's transaction. Other databases, and any driver that does not take
question-mark parameters, go through `connection.execute` unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement


class Rows(Protocol):
    """What both a driver cursor and a SQLAlchemy result give: the rows changed, and the rows returned."""

    @property
    def rowcount(self) -> int:
        """Rows changed by the statement."""
        ...

    def fetchall(self) -> Sequence[Any]:
        """Rows returned (RETURNING)."""
        ...


@dataclass(frozen=True)
class _Prepared:
    sql: str
    compiled: SQLCompiler
    order: tuple[tuple[str, Callable[[Any], Any] | None], ...]  # positional parameters and their processors


_PREPARED: dict[tuple[Executable, tuple[str, ...], str], _Prepared] = {}


def _prepare(statement: Executable, keys: tuple[str, ...], dialect: Dialect) -> _Prepared:
    if not isinstance(statement, ClauseElement):
        raise TypeError(f"cannot compile {type(statement).__name__}")
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
        raise TypeError(f"cannot run {type(statement).__name__} on the driver")
    order = tuple(
        (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in compiled.positiontup
    )
    return _Prepared(str(compiled), compiled, order)


def fast(connection: Connection) -> bool:
    """Whether `connection` runs statements on its driver's cursor (SQLite's own driver)."""
    dialect = connection.dialect
    return dialect.name == "sqlite" and dialect.driver == "pysqlite" and dialect.paramstyle == "qmark"


def run(
    connection: Connection, statement: Executable, values: Mapping[str, Any], *, keys: Sequence[str] = ()
) -> Rows:
    """Execute `statement` with `values` in `connection`'s transaction.

    `keys`: for an INSERT without values of its own, the columns given (those of `values`). The driver's
    errors come out as SQLAlchemy's (`IntegrityError` for a unique key refused), as from `connection.execute`.
    """
    if not fast(connection):
        return connection.execute(statement, dict(values))
    dialect = connection.dialect
    index = (statement, tuple(keys), dialect.name)
    prepared = _PREPARED.get(index)
    if prepared is None:
        prepared = _PREPARED[index] = _prepare(statement, tuple(keys), dialect)
    params = prepared.compiled.construct_params(dict(values))
    positional = [
        params[name] if process is None else process(params[name]) for name, process in prepared.order
    ]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(prepared.sql, positional)
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            prepared.sql, positional, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error
    return cursor  # type: ignore[no-any-return]
