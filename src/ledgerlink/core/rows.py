"""The intake's SQL, cheaply: its lookups and INSERTs run on every API request.

Django builds and compiles a query's SQL again each time it runs. For the statements every
``POST /api/v1/journals`` makes (the key with its company and licence, the connector with its mapping, the
reference, the journal and its lines), that building was most of the request: 0.6–1.4 ms of CPU per lookup
against 0.06 ms for the database's own work (issue 13, measured on this kind of machine). Three tools, each
keeping the ORM as the one way queries are written:

- :func:`unique_row`: a lookup by a unique key without ``first()``'s ORDER BY (the models' default orderings
  cost 15 % of a request to compile, and a unique key finds one row anyway).
- :class:`Lookup`: a query the ORM builds and compiles once per process; each run sends the same SQL with
  new values and makes model instances (with ``select_related`` rows and annotations) as Django's own
  ``ModelIterable`` does. Its parameters are marked in the query by sample values (:func:`param`), which must
  appear in the compiled parameters exactly once each.
- :class:`Insert`: a model's INSERT compiled once, for many rows (``executemany``) or one (its key read back).
- :class:`Update`: an UPDATE of some fields of the rows a queryset finds, compiled once, run with new values.
- :class:`Values`: a ``values_list`` SELECT compiled once, its rows as tuples.
- :class:`ForKeys`: any of these over a list of keys (``pk__in``), compiled once per length of the list.

The posting path uses them too (the governor's record, a journal's outcome, its attempt, the company's
webhook endpoints): Django building each statement again was most of a posted journal's CPU.

See docs/adr/0026.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar, cast

from django.db import connections, models
from django.db.models import Expression
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.subqueries import InsertQuery, UpdateQuery
from django.utils.module_loading import import_string

from ledgerlink.core.prepare import Preparer, preparer, reader

M = TypeVar("M", bound=models.Model)
S = TypeVar("S")

# What ModelIterable uses to fill select_related objects from a row (not in django-stubs, hence by name).
get_related_populators: Callable[..., list[Any]] = import_string("django.db.models.query.get_related_populators")


class _Kept:
    """A connection's kept cursor, used in a ``with`` block as a new one would be, but not closed after it."""

    __slots__ = ("cursor",)

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def __enter__(self) -> Any:
        return self.cursor

    def __exit__(self, *exc: object) -> None:
        return None


def _cursor(connection: Any) -> Any:
    """What a compiled statement runs on: one cursor kept per connection (opening a new one was 5.5 of the 8.6 µs
    of CPU a statement's run took in Django, issue 13), a new one after a reconnect, and a new one each time while
    the connection logs its queries (DEBUG, a test counting them) so that the log sees them. Django's connections
    are each used by one thread, and the kept cursor with them."""
    if connection.queries_logged:
        return connection.cursor()
    kept = connection.__dict__.get("_ledgerlink_kept_cursor")
    if kept is None or connection.connection is None or kept[0] is not connection.connection:
        cursor = connection.cursor()  # connects first if the connection was closed
        kept = (connection.connection, _Kept(cursor))
        connection.__dict__["_ledgerlink_kept_cursor"] = kept
    return kept[1]


def unique_row(queryset: models.QuerySet[M]) -> M | None:
    """The row ``queryset`` finds by a unique key (or None): no ORDER BY, LIMIT 1."""
    return next(iter(queryset.order_by()[:1]), None)


@dataclass(frozen=True)
class _Marker:
    name: str
    sample: Any


# A sample for a datetime parameter: a moment no query uses otherwise (a marker's sample must appear once).
SAMPLE_TIME = datetime(2099, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def param(name: str, sample: Any) -> Any:
    """A parameter of a :class:`Lookup`: ``sample`` stands in for it while the query is compiled, so it must be
    a value of the field's type that nothing else in the query uses, within the field's range (Django compiles
    a lookup of a value out of range to "nothing found"), e.g. ``907_001_001`` for a key."""
    return _Marker(name, sample)


@dataclass(frozen=True)
class _Select:
    """A SELECT compiled once: what every run of it needs."""

    sql: str
    params: tuple[Any, ...]  # the compiled parameters, markers where a value goes
    markers: tuple[str | None, ...]  # per parameter: the name of the value that goes there, or None (a constant)
    kinds: tuple[Callable[[Any], Any] | None, ...]  # per parameter: how the backend prepares that value, if it does
    compiler: SQLCompiler
    converters: dict[int, Any]  # the backend's and the fields' converters of its columns

    @classmethod
    def of(cls, queryset: models.QuerySet[Any, Any], markers: tuple[_Marker, ...], using: str) -> _Select:
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        names, kinds = _place(markers, params, sql, connections[using])
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return cls(sql, tuple(params), names, kinds, compiler, compiler.get_converters(fields))

    def fetch(self, using: str, values: Mapping[str, Any]) -> list[Any]:
        """Its rows for these values, converted as the ORM converts them."""
        with _cursor(connections[using]) as cursor:
            cursor.execute(self.sql, _values(self.markers, self.params, self.kinds, values))
            fetched = cursor.fetchall()
        return list(self.compiler.apply_converters(fetched, self.converters)) if self.converters else fetched


@dataclass(frozen=True)
class _Compiled:
    select: _Select
    # What django.db.models.query.ModelIterable works out per query to make instances of its rows, worked
    # out once: the model's columns, the select_related rows, annotations.
    model: type[models.Model]
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: dict[str, int]


def _markers_of(markers: tuple[Any, ...]) -> tuple[_Marker, ...]:
    found = tuple(m for m in markers if isinstance(m, _Marker))
    if len(found) != len(markers):
        raise TypeError("each parameter of a compiled query is made with param(name, sample)")
    return found


def _place(
    markers: tuple[_Marker, ...], params: Sequence[Any], sql: str, connection: Any
) -> tuple[tuple[str | None, ...], tuple[Callable[[Any], Any] | None, ...]]:
    """Per compiled parameter: the name of the value that goes there (None: a constant of the query), and how
    the backend prepared it, if it did."""
    names: list[str | None] = []
    kinds: list[Callable[[Any], Any] | None] = []
    for value in params:
        # The backend may wrap a value to say its type (psycopg's Int4 for a PositiveIntegerField): each run
        # wraps its value the same way.
        found = [m for m in markers if isinstance(value, type(m.sample)) and value == m.sample]
        kind: Callable[[Any], Any] | None = None
        if found and type(value) is not type(found[0].sample):
            kind = type(value)
        elif not found:
            # A datetime the backend writes as text (SQLite): each run's value is written the same way.
            adapt = connection.ops.adapt_datetimefield_value
            found = [m for m in markers if isinstance(m.sample, datetime) and adapt(m.sample) == value]
            kind = adapt if found else None
        names.append(found[0].name if found else None)
        kinds.append(kind)
    for marker in markers:
        if names.count(marker.name) != 1:
            raise ValueError(f"the sample of {marker.name!r} must appear once in the compiled query: {sql}")
    return tuple(names), tuple(kinds)


def _values(
    names: tuple[str | None, ...],
    constants: Sequence[Any],
    kinds: tuple[Callable[[Any], Any] | None, ...],
    values: Mapping[str, Any],
) -> list[Any]:
    return [
        constant if name is None else values[name] if kind is None else kind(values[name])
        for name, constant, kind in zip(names, constants, kinds, strict=True)
    ]


class Lookup(Generic[M]):
    """A SELECT of model rows built by the ORM once per process and database, run with new values each time.

    ``build`` makes the queryset from keyword arguments; it is called once with the markers' samples.
    Use it for a small, hot lookup whose shape never changes (filters on equality); anything else stays a
    plain queryset.
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]], *markers: Any) -> None:
        self._build = build
        self._markers = _markers_of(markers)
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            queryset = self._build(**{m.name: m.sample for m in self._markers}).using(using)
            select = _Select.of(queryset, self._markers, using)
            compiler = select.compiler
            columns, klass_info = compiler.select, compiler.klass_info
            assert klass_info is not None, "a Lookup selects model rows"
            if compiler.has_composite_fields([column[0] for column in columns[0 : compiler.col_count]]):
                raise ValueError("a Lookup does not read composite fields")
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            compiled = _Compiled(
                select=select,
                model=klass_info["model"],
                start=start,
                end=end,
                init_list=[column[0].target.attname for column in columns[start:end]],
                populators=get_related_populators(klass_info, columns, using),
                annotations=dict(compiler.annotation_col_map or {}),
            )
            self._compiled[using] = compiled
        return compiled

    def rows(self, using: str = "default", **values: Any) -> list[M]:
        compiled = self._compile(using)
        return self._instances(compiled, compiled.select.fetch(using, values), using)

    def first(self, using: str = "default", **values: Any) -> M | None:
        """The one row (the query should find at most one: give it a unique key, or slice it to one)."""
        found = self.rows(using, **values)
        return found[0] if found else None

    @staticmethod
    def _instances(compiled: _Compiled, fetched: list[Any], using: str) -> list[M]:
        # As django.db.models.query.ModelIterable makes instances of a compiled query's (converted) rows.
        instances: list[M] = []
        for row in fetched:
            instance = compiled.model.from_db(using, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for attr, position in compiled.annotations.items():
                setattr(instance, attr, row[position])
            instances.append(cast(M, instance))
        return instances


class Values:
    """A SELECT of plain values (a ``values_list`` queryset) built by the ORM once per process and database, run
    with new values each time: its rows as tuples, converted as ``values_list`` converts them. ``build`` and the
    markers are a :class:`Lookup`'s; a datetime parameter is written as the backend writes it."""

    def __init__(self, build: Callable[..., models.QuerySet[Any, Any]], *markers: Any) -> None:
        self._build = build
        self._markers = _markers_of(markers)
        self._compiled: dict[str, _Select] = {}

    def rows(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        select = self._compiled.get(using)
        if select is None:
            queryset = self._build(**{m.name: m.sample for m in self._markers}).using(using)
            select = self._compiled[using] = _Select.of(queryset, self._markers, using)
        return [tuple(row) for row in select.fetch(using, values)]


KEPT_ROWS = 32  # an Insert keeps its statement of up to this many rows


class Insert(Generic[M]):
    """INSERTs of one model's rows whose SQL the ORM builds once per process and database: ``rows`` writes many
    in one statement of many rows (their primary keys are not read back), ``one`` writes one and reads its key
    back.

    ``bulk_create`` and ``save`` compile their INSERT again for every call: for a journal and its ten lines
    that was a quarter of ``POST /api/v1/journals`` (issue 13). Values are still prepared by each field
    (``pre_save`` and ``get_db_prep_save``), as the ORM prepares them; no model signals are sent.

    Many rows go in one ``INSERT … VALUES (…), (…)``, as ``bulk_create`` writes them, in as few statements as the
    database takes parameters for: an ``executemany`` is one round trip with psycopg, but PostgreSQL parses and
    plans each of its rows as a statement of its own (ten for a journal's ten lines).
    """

    def __init__(self, model: type[M]) -> None:
        self._model = model
        # Every column but the generated primary key, as bulk_create writes them (a column left out would get
        # no default: the defaults are Django's, not the database's).
        self._fields: list[models.Field[Any, Any]] = [
            field
            for field in model._meta.concrete_fields
            if field is not model._meta.auto_field and not getattr(field, "generated", False)
        ]
        # How each field's value is read and prepared (core/prepare.py), chosen once.
        self._readers = [(reader(field, add=True), preparer(field)) for field in self._fields]
        self._sql: dict[tuple[str, bool], tuple[str, Any]] = {}
        self._sql_many: dict[tuple[str, int], str] = {}

    def _compile(self, using: str, returning: bool) -> tuple[str, Any]:
        compiled = self._sql.get((using, returning))
        if compiled is None:
            query = InsertQuery(self._model)
            query.insert_values(self._fields, [self._model()])
            compiler = query.get_compiler(using=using)
            if returning:
                if not compiler.connection.features.can_return_columns_from_insert:
                    raise NotImplementedError("this database cannot return a row's key from its INSERT")
                compiler.returning_fields = [self._model._meta.pk]
            statements = compiler.as_sql()
            if len(statements) != 1 or len(statements[0][1]) != len(self._fields):
                raise ValueError(f"an Insert makes one statement with a parameter per field: {statements}")
            compiled = (statements[0][0], getattr(compiler, "returning_params", ()))
            self._sql[(using, returning)] = compiled
        return compiled

    def _many(self, using: str, count: int) -> str:
        """The INSERT of ``count`` rows: the one-row statement with its row of placeholders repeated (kept for
        the small counts that come again and again: one attempt, a journal's few lines)."""
        many = self._sql_many.get((using, count))
        if many is None:
            sql, _returning = self._compile(using, returning=False)
            head, values, row = sql.partition(" VALUES ")
            if not values or not row.startswith("(") or not row.endswith(")") or "(" in row[1:]:
                raise ValueError(f"an Insert's statement ends in one row of placeholders: {sql}")
            many = head + values + ", ".join([row] * count)
            if count <= KEPT_ROWS:
                self._sql_many[(using, count)] = many
        return many

    def _values(self, obj: M, connection: Any) -> list[Any]:
        return [prepare(read(obj), connection) for read, prepare in self._readers]

    def rows(self, objects: list[M], using: str = "default") -> None:
        if not objects:
            return
        connection = connections[using]
        per_statement = 1 if len(objects) == 1 else max(1, connection.ops.bulk_batch_size(self._fields, objects))
        with _cursor(connection) as cursor:
            for start in range(0, len(objects), per_statement):
                chunk = objects[start : start + per_statement]
                cursor.execute(
                    self._many(using, len(chunk)),
                    [value for obj in chunk for value in self._values(obj, connection)],
                )

    def one(self, obj: M, using: str = "default") -> M:
        """Write ``obj`` and give it its primary key, as ``save()`` of a new object does."""
        connection = connections[using]
        sql, returning_params = self._compile(using, returning=True)
        with _cursor(connection) as cursor:
            cursor.execute(sql, self._values(obj, connection))
            row = connection.ops.fetch_returned_insert_columns(cursor, returning_params)
        obj.pk = row[0]
        obj._state.adding, obj._state.db = False, using
        return obj


@dataclass(frozen=True)
class _Fill:
    name: str  # the field whose new value goes in this parameter


class _Slot(Expression):
    """Where an :class:`Update` puts a field's new value: one parameter, filled in by each run."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [_Fill(self.name)]


@dataclass(frozen=True)
class _CompiledUpdate:
    sql: str
    params: tuple[Any, ...]
    markers: tuple[str | None, ...]  # per parameter: a new value's field, a WHERE value's name, or None
    kinds: tuple[Callable[[Any], Any] | None, ...]
    fields: dict[str, models.Field[Any, Any]]
    preparers: dict[str, Preparer]  # per field: how its new value is prepared (core/prepare.py)


class Update(Generic[M]):
    """An UPDATE of ``fields`` of the rows a queryset finds, built by the ORM once per process and database.

    ``build`` makes the queryset from keyword arguments (markers made with :func:`param`, as for a
    :class:`Lookup`); each :meth:`run` sends the same SQL with new values and answers how many rows it
    changed, as ``QuerySet.update`` does, and like it prepares each value by its field (``get_db_prep_save``)
    and sends no signals. :meth:`save` writes fields of one instance as ``save(update_fields=…)`` does
    (``auto_now`` included); its query needs a ``pk`` parameter.
    """

    def __init__(self, fields: Sequence[str], build: Callable[..., models.QuerySet[M]], *markers: Any) -> None:
        self._names = tuple(fields)
        self._build = build
        self._markers = _markers_of(markers)
        self._compiled: dict[str, _CompiledUpdate] = {}

    def _compile(self, using: str) -> _CompiledUpdate:
        compiled = self._compiled.get(using)
        if compiled is None:
            queryset = self._build(**{m.name: m.sample for m in self._markers}).using(using)
            query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
            query.add_update_values({name: _Slot(name) for name in self._names})
            if query.related_updates:
                raise ValueError("an Update writes the fields of its own table only")
            sql, params = query.get_compiler(using=using).as_sql()
            sets = [None if isinstance(p, _Fill) else p for p in params]
            names, kinds = _place(self._markers, sets, sql, connections[using])
            # A new value's parameter is named "=field", apart from the WHERE's values.
            placed = tuple("=" + p.name if isinstance(p, _Fill) else n for p, n in zip(params, names, strict=True))
            if sorted(p.name for p in params if isinstance(p, _Fill)) != sorted(self._names):
                raise ValueError(f"an Update has one parameter per field it writes: {sql}")
            meta = queryset.model._meta
            fields = {name: cast(models.Field[Any, Any], meta.get_field(name)) for name in self._names}
            compiled = _CompiledUpdate(
                sql=sql,
                params=tuple(params),
                markers=placed,
                kinds=kinds,
                fields=fields,
                preparers={name: preparer(field) for name, field in fields.items()},
            )
            self._compiled[using] = compiled
        return compiled

    def run(self, values: Mapping[str, Any], using: str = "default", **where: Any) -> int:
        """Write ``values`` (by field name, every field of the Update) to the rows found by ``where``."""
        compiled = self._compile(using)
        connection = connections[using]
        prepared = {"=" + name: prepare(values[name], connection) for name, prepare in compiled.preparers.items()}
        params = _values(compiled.markers, compiled.params, compiled.kinds, {**where, **prepared})
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            return int(cursor.rowcount)

    def save(self, obj: M, using: str = "default") -> int:
        """Write the Update's fields of ``obj`` to its row, as ``obj.save(update_fields=fields)`` would."""
        compiled = self._compile(using)
        values = {name: field.pre_save(obj, False) for name, field in compiled.fields.items()}
        return self.run(values, using, pk=obj.pk)


KEYS_AT_MOST = 32  # the longest list of keys a ForKeys statement takes: a longer one runs in chunks


class ForKeys(Generic[S]):
    """A compiled statement (a :class:`Lookup`, :class:`Values` or :class:`Update`) over a list of keys, as
    ``pk__in=[…]``: SQL has a parameter per key, so the statement is compiled once per length of the list, for
    lists of up to ``KEYS_AT_MOST``; a longer list runs in chunks of that many.

    ``make`` gets the markers of one length and makes the statement; its ``build`` takes them as keyword
    arguments (in order), e.g. ``ForKeys(lambda keys: Lookup(lambda **pks: Model.objects.filter(pk__in=[*pks.values()]),
    *keys))``. A posting sender's batch (up to 25 journals) is read and claimed this way (issue 13).
    """

    def __init__(self, make: Callable[[tuple[Any, ...]], S]) -> None:
        self._make = make
        self._made: dict[int, S] = {}

    def each(self, keys: Sequence[Any]) -> Iterator[tuple[S, dict[str, Any]]]:
        """For each chunk of ``keys``: its statement, and the keys by the names its markers have."""
        for start in range(0, len(keys), KEYS_AT_MOST):
            chunk = keys[start : start + KEYS_AT_MOST]
            statement = self._made.get(len(chunk))
            if statement is None:
                markers = tuple(param(f"key{n}", 907_002_001 + n) for n in range(len(chunk)))
                statement = self._made.setdefault(len(chunk), self._make(markers))
            yield statement, {f"key{n}": key for n, key in enumerate(chunk)}
