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
from sqlalchemy.exc import DBAPIError, InvalidRequestError, StatementError
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
class _Parameter:
    """One positional parameter: where its value comes from, and how it is converted for the driver."""

    key: str  # the name a value is given under (a column's key, or a bindparam's)
    name: str  # the statement's own name for it (tried second, as SQLAlchemy does)
    literal: Any  # the statement's own value, when none is given
    given: bool  # a value must be given (SQLAlchemy's `required`)
    process: Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Prepared:
    sql: str
    compiled: SQLCompiler
    order: tuple[_Parameter, ...]  # positional parameters, in the statement's order
    plain: bool  # every parameter is given or a literal: no need for SQLAlchemy's construct_params
    columns: tuple[tuple[str, Callable[[Any], Any] | None], ...]  # a SELECT's columns and result processors


_PREPARED: dict[tuple[Executable, tuple[str, ...], str], _Prepared] = {}
_MISSING = object()


def _prepare(statement: Executable, keys: tuple[str, ...], dialect: Dialect) -> _Prepared:
    if not isinstance(statement, ClauseElement):
        raise TypeError(f"cannot compile {type(statement).__name__}")
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
        raise TypeError(f"cannot run {type(statement).__name__} on the driver")
    by_name = {
        compiled.escaped_bind_names.get(name, name): bind for bind, name in compiled.bind_names.items()
    }
    order = tuple(
        _Parameter(
            key=by_name[name].key,
            name=compiled.bind_names[by_name[name]],
            literal=by_name[name].value,
            given=by_name[name].required,
            process=compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect),
        )
        for name in compiled.positiontup
    )
    plain = not any(bind.callable or bind.expanding for bind in by_name.values())
    columns = tuple(
        (column.keyname, column.type._cached_result_processor(dialect, None))
        for column in compiled._result_columns
    )
    return _Prepared(str(compiled), compiled, order, plain, columns)


def fast(connection: Connection) -> bool:
    """Whether `connection` runs statements on its driver's cursor (SQLite's own driver)."""
    dialect = connection.dialect
    return dialect.name == "sqlite" and dialect.driver == "pysqlite" and dialect.paramstyle == "qmark"


def _positional(prepared: _Prepared, values: Mapping[str, Any]) -> list[Any]:
    """The driver's parameters: each value given (or the statement's own), converted as SQLAlchemy does."""
    if prepared.plain:
        positional = []
        for parameter in prepared.order:
            value = values.get(parameter.key, _MISSING)
            if value is _MISSING:
                value = values.get(parameter.name, _MISSING)
            if value is _MISSING:
                if parameter.given:
                    break  # SQLAlchemy's own error, below
                value = parameter.literal
            positional.append(value if parameter.process is None else parameter.process(value))
        else:
            return positional
    try:
        params = prepared.compiled.construct_params(dict(values))
    except InvalidRequestError as error:  # a value missing: as connection.execute reports it
        raise StatementError(
            f"({type(error).__module__}.{type(error).__name__}) {error}", prepared.sql, [dict(values)], error
        ) from error
    return [
        params[name] if parameter.process is None else parameter.process(params[name])
        for name, parameter in zip(prepared.compiled.positiontup or (), prepared.order, strict=True)
    ]


def _execute(
    connection: Connection, statement: Executable, values: Mapping[str, Any], keys: Sequence[str]
) -> tuple[_Prepared, Any]:
    """Run `statement` on the driver's own cursor; the prepared statement and the cursor."""
    dialect = connection.dialect
    index = (statement, tuple(keys), dialect.name)
    prepared = _PREPARED.get(index)
    if prepared is None:
        prepared = _PREPARED[index] = _prepare(statement, tuple(keys), dialect)
    positional = _positional(prepared, values)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(prepared.sql, positional)
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            prepared.sql, positional, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error
    return prepared, cursor


def run(
    connection: Connection, statement: Executable, values: Mapping[str, Any], *, keys: Sequence[str] = ()
) -> Rows:
    """Execute `statement` with `values` in `connection`'s transaction.

    `keys`: for an INSERT without values of its own, the columns given (those of `values`). The driver's
    errors come out as SQLAlchemy's (`IntegrityError` for a unique key refused), as from `connection.execute`.
    """
    if not fast(connection):
        return connection.execute(statement, dict(values))
    return _execute(connection, statement, values, keys)[1]  # type: ignore[no-any-return]


def rows(connection: Connection, statement: Executable, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows a SELECT gives, each a dict by column key, as `connection.execute(...).mappings()` gives them.

    Values are converted as SQLAlchemy converts them (dates, times, booleans, enums, JSON).
    """
    if not fast(connection):
        return [dict(found) for found in connection.execute(statement, dict(values)).mappings()]
    prepared, cursor = _execute(connection, statement, values, ())
    columns = prepared.columns
    return [
        {
            key: value if process is None else process(value)
            for (key, process), value in zip(columns, found, strict=True)
        }
        for found in cursor.fetchall()
    ]
