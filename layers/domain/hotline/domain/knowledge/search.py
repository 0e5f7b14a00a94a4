"""Full-text search of the articles in Chinese: SQLite FTS5 with its trigram tokenizer, ranked by BM25.

Chinese has no spaces between words, so the index is of every three-character window (trigram) of the folded
text (hotline/domain/knowledge/text.py). A query is split at punctuation and spaces and becomes the OR of its
pieces' trigrams: an article sharing more of them, and rarer ones, ranks higher (BM25, title above keywords
above body), so a phrase split by punctuation still matches and a typo in one character only loses the
trigrams it touches. Pieces shorter than three characters (`社保`) have no trigram: a query of only such
pieces is matched by substring (a pass over the index, still a few milliseconds for 10,000 articles).

The index lives in the memory of each Lambda container (LiveIndex), kept current from the change log before every
search (one Query, usually empty). Indexing every trigram of 10,000 articles takes seconds of CPU, more than a
cold container can spend on a request, so a container starts from the image of an index built earlier (an SQLite
database, serialized), which a scheduled function keeps up to date (`LiveIndex.publish`), and catches up from the
change log; only when there is no usable image does it index every article itself.
"""

import html
import re
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterable
from datetime import date
from typing import NamedTuple, TypeVar

from hotline.domain.knowledge.article import ArticleSummary, Entry
from hotline.domain.knowledge.ports import ArticleFeed, IndexImages
from hotline.domain.knowledge.text import segments, trigrams

TITLE, KEYWORDS, BODY = 8.0, 4.0, 1.0
"""BM25 weights of the columns: a match in the title counts eight times one in the body."""
SNIPPET_CHARS = 60
SNIPPET_LEAD = 12
"""A snippet is 60 characters of the body, starting up to 12 before the stretch that matched."""
MAX_TRIGRAMS = 64

SCHEMA = """
CREATE TABLE article (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    retired INTEGER NOT NULL,
    public INTEGER NOT NULL,
    owner_unit TEXT,
    valid_until TEXT,
    review_due TEXT NOT NULL,
    summary TEXT NOT NULL,
    title TEXT NOT NULL,
    keywords TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX article_review ON article (review_due, id);
CREATE VIRTUAL TABLE text USING fts5 (
    title, keywords, body, content = 'article', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TABLE state (revision INTEGER NOT NULL);
INSERT INTO state VALUES (0);
"""
FORMAT = zlib.crc32(SCHEMA.encode()) & 0x7FFFFFFF
"""Stamped on every index (`PRAGMA user_version`): an image of an index with another schema is not restored."""
PROBE = "CREATE VIRTUAL TABLE temp.probe USING fts5 (x, tokenize = 'trigram'); DROP TABLE temp.probe;"


class Hit(NamedTuple):
    article: ArticleSummary
    snippet: str
    """The body around the best match, as HTML (see `snippet`)."""
    score: float


class SearchUnavailable(RuntimeError):
    """This Python's SQLite lacks FTS5 or its trigram tokenizer (SQLite 3.34 or later with FTS5 is needed)."""


class SearchIndex:
    """The articles' search index: an SQLite database in memory, at one revision of the knowledge base."""

    def __init__(self, image: bytes | None = None) -> None:
        """An empty index, or the one `image` holds (see `restore`)."""
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        try:
            self._db.executescript(PROBE)  # this SQLite's own FTS5 and tokenizer: an image brings neither
        except sqlite3.OperationalError as error:
            raise SearchUnavailable(f"SQLite {sqlite3.sqlite_version}: {error}") from error
        if image is None:
            self._db.executescript(SCHEMA + f"PRAGMA user_version = {FORMAT};")
        else:
            self._db.deserialize(image)

    @classmethod
    def build(cls, entries: Iterable[Entry], revision: int) -> "SearchIndex":
        """Every article at once (one entry per article): the rows in one statement, then the text indexed in one
        more, without the per-article checks `put` makes."""
        index = cls()
        with index._db:
            index._db.execute("BEGIN")
            index._db.executemany(INSERT_ARTICLE, (_row(entry) for entry in entries))
            index._db.execute(
                "INSERT INTO text (rowid, title, keywords, body) SELECT rowid, title, keywords, body FROM article"
                " WHERE NOT retired"
            )
            index._db.execute("UPDATE state SET revision = ?", (revision,))
        return index

    @classmethod
    def restore(cls, image: bytes) -> "SearchIndex | None":
        """The index an image holds, or None when it is not an index of this schema (made by other code)."""
        try:
            index = cls(image)
            version = index._db.execute("PRAGMA user_version").fetchone()[0]
        except (sqlite3.DatabaseError, MemoryError):  # not a database at all (an empty one is a MemoryError)
            return None
        return index if version == FORMAT else None

    def image(self) -> bytes:
        """The index as an SQLite database image, compacted first (its segments merged into one, no free
        pages): the smallest to transfer and the fastest to search."""
        self._db.execute("INSERT INTO text (text) VALUES ('optimize')")
        self._db.execute("VACUUM")
        return self._db.serialize()

    @property
    def revision(self) -> int:
        """The knowledge base's revision the index is at."""
        return int(self._db.execute("SELECT revision FROM state").fetchone()[0])

    def put(self, entries: Iterable[Entry], revision: int | None = None) -> None:
        """Add or replace each article (a retired one leaves the search); an older version never replaces a newer.
        `revision`: the knowledge base's revision the index is at afterwards."""
        with self._db:
            self._db.execute("BEGIN")
            for entry in entries:
                found = self._db.execute(
                    "SELECT rowid, version, retired, title, keywords, body FROM article WHERE id = ?", (entry.id,)
                ).fetchone()
                if found is not None:
                    row, version, retired, *text = found
                    if version > entry.version:
                        continue
                    if not retired:  # the index holds only what it was given: take exactly that out
                        self._db.execute(
                            "INSERT INTO text (text, rowid, title, keywords, body) VALUES ('delete', ?, ?, ?, ?)",
                            (row, *text),
                        )
                    self._db.execute("DELETE FROM article WHERE rowid = ?", (row,))
                self._insert(entry)
            if revision is not None:
                self._db.execute("UPDATE state SET revision = ?", (revision,))

    def _insert(self, entry: Entry) -> None:
        row = self._db.execute(INSERT_ARTICLE, _row(entry)).lastrowid
        if not entry.retired:
            text = (entry.folded.title, entry.folded.keywords, entry.folded.body)
            self._db.execute("INSERT INTO text (rowid, title, keywords, body) VALUES (?, ?, ?, ?)", (row, *text))

    def search(self, query: str, *, limit: int, public_on: date | None = None) -> list[Hit]:
        """Best first. `public_on`: only public articles still valid on that day."""
        parts = segments(query)
        grams = trigrams(parts)[:MAX_TRIGRAMS]
        where, params = "", []
        if public_on is not None:
            where, params = " AND a.public AND (a.valid_until IS NULL OR a.valid_until >= ?)", [public_on.isoformat()]
        if grams:
            return self._ranked(grams, where, params, limit)
        return self._containing(parts, where, params, limit) if parts else []

    def _ranked(self, grams: list[str], where: str, params: list[str], limit: int) -> list[Hit]:
        match = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
        rows = self._db.execute(
            f"SELECT a.summary, bm25(text, {TITLE}, {KEYWORDS}, {BODY}) AS rank, a.body"
            f" FROM text JOIN article a ON a.rowid = text.rowid WHERE text MATCH ?{where}"
            " ORDER BY rank, a.id LIMIT ?",
            [match, *params, limit],
        )
        return [
            Hit(ArticleSummary.model_validate_json(s), snippet(body, grams), float(f"{-rank:.4g}"))
            for s, rank, body in rows
        ]

    def _containing(self, parts: list[str], where: str, params: list[str], limit: int) -> list[Hit]:
        """Pieces too short for a trigram: the articles containing them, scored by where they occur."""
        terms = [f"%{part}%" for part in parts]
        score = " + ".join(
            f"(a.title LIKE ?) * {TITLE} + (a.keywords LIKE ?) * {KEYWORDS} + (a.body LIKE ?) * {BODY}" for _ in terms
        )
        rows = self._db.execute(
            f"SELECT summary, score, body FROM (SELECT a.summary, a.id, a.body, {score} AS score"
            f" FROM article a WHERE NOT a.retired{where})"
            " WHERE score > 0 ORDER BY score DESC, id LIMIT ?",
            [term for term in terms for _ in range(3)] + [*params, limit],
        )
        return [Hit(ArticleSummary.model_validate_json(s), snippet(body, parts), score) for s, score, body in rows]

    def review_due(
        self, *, on: date, unit: str | None, after: tuple[str, str] | None, limit: int
    ) -> list[ArticleSummary]:
        """Articles in force whose review is due by `on`, the most overdue first; `after`: (review_due, id) of
        the last one shown."""
        where, params = "NOT retired AND review_due <= ?", [on.isoformat()]
        if unit is not None:
            where, params = where + " AND owner_unit = ?", [*params, unit]
        if after is not None:
            where, params = where + " AND (review_due, id) > (?, ?)", [*params, *after]
        rows = self._db.execute(
            f"SELECT summary FROM article WHERE {where} ORDER BY review_due, id LIMIT ?", [*params, limit]
        )
        return [ArticleSummary.model_validate_json(summary) for (summary,) in rows]

    def __len__(self) -> int:
        """Articles in force."""
        return int(self._db.execute("SELECT count(*) FROM article WHERE NOT retired").fetchone()[0])


INSERT_ARTICLE = (
    "INSERT INTO article (id, version, retired, public, owner_unit, valid_until, review_due, summary, title, keywords,"
    " body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _row(entry: Entry) -> tuple[object, ...]:
    # A retired article keeps its row (and version) without its text.
    text = ("", "", "") if entry.retired else (entry.folded.title, entry.folded.keywords, entry.folded.body)
    return (
        entry.id,
        entry.version,
        entry.retired,
        entry.public,
        entry.owner_unit,
        entry.valid_until.isoformat() if entry.valid_until else None,
        entry.review_due.isoformat(),
        entry.summary.model_dump_json(),
        *text,
    )


def snippet(body: str, terms: list[str]) -> str:
    """The stretch of the body where the terms cover the most characters, as HTML: the text escaped, every
    occurrence in <mark>, overlapping ones (a query's trigrams overlap) merged into one."""
    longest_first = sorted(terms, key=len, reverse=True)
    found = re.compile("(?=(" + "|".join(re.escape(term) for term in longest_first) + "))", re.IGNORECASE)
    spans: list[list[int]] = []
    for match in found.finditer(body):
        start, end = match.start(), match.start() + len(match.group(1))
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])

    def covered(first: int) -> int:
        return sum(max(0, min(end, first + SNIPPET_CHARS) - max(start, first)) for start, end in spans)

    first = max((max(0, start - SNIPPET_LEAD) for start, _ in spans), key=covered, default=0)
    last = min(len(body), first + SNIPPET_CHARS)
    pieces, at = [], first
    for start, end in spans:
        start, end = max(start, first), min(end, last)
        if start < end:
            pieces += [html.escape(body[at:start], quote=False), "<mark>", html.escape(body[start:end], quote=False)]
            pieces.append("</mark>")
            at = end
    pieces.append(html.escape(body[at:last], quote=False))
    return ("…" if first else "") + "".join(pieces) + ("…" if last < len(body) else "")


T = TypeVar("T")


class LiveIndex:
    """The container's index, brought up to date before each use: the change log since its revision is applied.

    A new container starts from the stored image of the index, caught up the same way; when there is none, or the
    log no longer reaches back to it, or later whenever the log no longer reaches back to the container's own
    index, every article is read and indexed again."""

    def __init__(self, feed: ArticleFeed, images: IndexImages) -> None:
        self._feed = feed
        self._images = images
        self._index: SearchIndex | None = None
        self._stored: int | None = None
        """The revision of the stored image, as far as this container knows."""
        self._lock = threading.Lock()  # the local cloud runs concurrent invocations on shared services

    def use(self, read: Callable[[SearchIndex], T]) -> T:
        with self._lock:
            return read(self._current())

    def publish(self) -> int | None:
        """Store the index, brought up to date, as the image new containers start from: the revision stored, or
        None when the stored image is at that revision already."""
        with self._lock:
            index = self._current()
            if index.revision == self._stored:
                return None
            self._images.save(index.image())
            self._stored = index.revision
            return self._stored

    def _current(self) -> SearchIndex:
        if self._index is None:
            self._index = self._restored() or self._rebuilt()
        elif not self._caught_up(self._index):
            self._index = self._rebuilt()
        return self._index

    def _caught_up(self, index: SearchIndex) -> bool:
        """Apply the changes after the index's revision; False when the log no longer reaches back that far."""
        changes = self._feed.changes_since(index.revision)
        if changes and changes[0].revision != index.revision + 1:
            return False
        if changes:
            index.put((change.entry for change in changes), changes[-1].revision)
        return True

    def _restored(self) -> SearchIndex | None:
        """The stored image's index caught up with the log, or None: no image, another schema's, or one the log no
        longer reaches back to (or newer than the table, which was then restored from a backup)."""
        image = self._images.load()
        index = SearchIndex.restore(image) if image is not None else None
        if index is None:
            return None
        stored = index.revision
        latest = self._feed.revision()  # read after the image: the image is at most this new
        if stored > latest or not self._caught_up(index) or index.revision < latest:
            return None
        self._stored = stored
        return index

    def _rebuilt(self) -> SearchIndex:
        revision, entries = self._feed.snapshot()
        return SearchIndex.build(entries, revision)
