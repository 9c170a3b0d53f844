"""The database's own word index over the search entries, so that a query's
cost follows its matches, not the size of the corpus.

The entries' text is already segmented (``title_words``/``body_words`` are
space-separated jieba words), so each database only has to index whole
space-separated words:

* **PostgreSQL**: a GIN index over ``govopen_search_words(title_words,
  body_words)`` (the words as an array); a query asks that array to contain
  the query's words (``@>``), which the index answers without reading the
  table. The array is built by a function declared costly, not by
  ``string_to_array`` in the query: the planner prices that as nearly free,
  and for a broad query joined to the page tree it chose to split the text
  of every row instead of asking the index (seconds at 100,000 pages).
* **SQLite**: an FTS5 table kept in step by triggers (its ``unicode61``
  tokenizer splits on the spaces, so one segmented word is one token).
* **Anything else**, or an SQLite built without FTS5: ``LIKE '% word %'``
  over every row, correct but slow.

``ensure()`` creates what is missing; it runs from the migration and again
after every ``migrate``, because SQLite drops a table's triggers whenever
Django rebuilds that table for a later schema change.
"""

from __future__ import annotations

from django.db.models import BooleanField, F, Func

TABLE = "govopen_wagtail_searchentry"
FTS = "govopen_wagtail_searchfts"
GIN = "govopen_search_words_fn_gin"
OLD_GIN = "govopen_search_words_gin"  # before the function: string_to_array inline
WORDS = "govopen_search_words"
_WORDS_FUNCTION = f"""CREATE OR REPLACE FUNCTION {WORDS}(title text, body text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
    BEGIN RETURN string_to_array(title || body, ' '); END $$"""
_TRIGGERS = {
    f"{FTS}_ai": f"""CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, title_words, body_words) VALUES (new.page_id, new.title_words, new.body_words);
    END""",
    f"{FTS}_ad": f"""CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title_words, body_words)
            VALUES ('delete', old.page_id, old.title_words, old.body_words);
    END""",
    f"{FTS}_au": f"""CREATE TRIGGER {FTS}_au AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title_words, body_words)
            VALUES ('delete', old.page_id, old.title_words, old.body_words);
        INSERT INTO {FTS}(rowid, title_words, body_words) VALUES (new.page_id, new.title_words, new.body_words);
    END""",
}
#: connection alias → "gin" | "fts5" | "scan", found once per process.
_kinds: dict[str, str] = {}


def _sqlite_has_fts5(cursor) -> bool:
    try:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        if cursor.fetchone()[0]:
            return True
        # Some builds load FTS5 without the compile option being reported.
        cursor.execute("CREATE VIRTUAL TABLE temp.govopen_fts5_probe USING fts5(x)")
        cursor.execute("DROP TABLE temp.govopen_fts5_probe")
        return True
    except Exception:  # noqa: BLE001 - no FTS5: the LIKE scan serves
        return False


def ensure(connection) -> str:
    """Create the index if it is missing; returns the kind in use."""
    _kinds.pop(connection.alias, None)
    if TABLE not in connection.introspection.table_names():
        return "scan"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PL/pgSQL, so the planner keeps the cost instead of inlining it.
            cursor.execute(_WORDS_FUNCTION)
            cursor.execute(f"DROP INDEX IF EXISTS {OLD_GIN}")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {GIN} ON {TABLE} USING gin ({WORDS}(title_words, body_words))")
        elif connection.vendor == "sqlite" and _sqlite_has_fts5(cursor):
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
                           [f"{FTS}%"])
            present = {row[0] for row in cursor.fetchall()}
            if FTS not in present:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title_words, body_words, content='{TABLE}', "
                    f"content_rowid='page_id', tokenize='unicode61 remove_diacritics 0')")
            missing = [name for name in _TRIGGERS if name not in present]
            for name in missing:
                cursor.execute(_TRIGGERS[name])
            if FTS not in present or missing:
                # Rows written while a trigger was missing are indexed again.
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    return kind(connection)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {GIN}")
            cursor.execute(f"DROP INDEX IF EXISTS {OLD_GIN}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {WORDS}(text, text)")
        elif connection.vendor == "sqlite":
            for name in _TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
    _kinds.pop(connection.alias, None)


def kind(connection) -> str:
    """How this database finds words: "gin", "fts5", "array" (PostgreSQL
    without the function yet) or "scan"."""
    found = _kinds.get(connection.alias)
    if found is None:
        found = "scan"
        if connection.vendor == "postgresql":
            # Array containment is correct with or without the index; the
            # function is missing only between an upgrade and its migrate.
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = %s", [WORDS])
                found = "gin" if cursor.fetchone()[0] else "array"
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                               [f"{FTS}_a_"])
                if cursor.fetchone()[0] == len(_TRIGGERS):
                    found = "fts5"
        _kinds[connection.alias] = found
    return found


def fts5_query(words: list[str]) -> str:
    """Every word as an FTS5 phrase (quoted, so no word is read as syntax)."""
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


class HasWords(Func):
    """True for entries whose title or body has every one of ``words``:
    usable in ``filter()`` and in ``Q(...) | Q(...)`` (conditional)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, words: list[str]) -> None:
        super().__init__(F("page_id"), F("title_words"), F("body_words"))
        self.words = list(words)

    def as_sql(self, compiler, connection, **extra):
        (page, _), (title, _), (body, _) = (compiler.compile(e) for e in self.get_source_expressions())
        found = kind(connection)
        if found == "gin":
            return f"{WORDS}({title}, {body}) @> %s::text[]", [self.words]
        if found == "array":
            return f"string_to_array({title} || {body}, ' ') @> %s::text[]", [self.words]
        if found == "fts5":
            return f"{page} IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)", [fts5_query(self.words)]
        parts, params = [], []
        for word in self.words:
            needle = "% " + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + " %"
            parts.append(f"({title} LIKE %s ESCAPE '\\' OR {body} LIKE %s ESCAPE '\\')")
            params += [needle, needle]
        return "(" + " AND ".join(parts) + ")", params
