"""Reading the spreadsheets people fill in: the pieces every import shares, below the domain apps.

An import (the enterprise roster, a station's dispute ledger) declares its columns and checks its rows;
this module reads the file the same way for all of them:
1. `file_problem`: anything but a genuine .xlsx within settings.IMPORT_MAX_BYTES is refused before
   openpyxl opens it (name, magic bytes, and the zip's expanded size, against compression bombs);
2. `read_rows`: the first sheet, streamed (openpyxl read-only), `Unreadable` where it breaks;
3. `match_header`: the columns found by title (with or without the bracketed hint; full-width brackets and
   spaces ignored), reporting missing, unknown and repeated ones;
4. `ParseResult.add_error`: every problem as `RowError(row, column, message)`, at most MAX_REPORTED_ERRORS
   listed, all counted;
5. `cell_text`: a cell as trimmed text, with core.exports' formula escaping undone, so that an exported
   file imports back unchanged.
`scan` runs 1–2 and hands each row to the import's own checker.
"""
import io
import logging
import zipfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parkbeat.core.exports import unescape_cell

logger = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 1000  # errors beyond this are counted, not listed
MAX_HEADER_COLUMNS = 64
# A zip entry may expand at most this much: a guard against compression bombs (rows are capped separately).
MAX_UNCOMPRESSED_FACTOR = 40
YES, NO = "是", "否"


class RowError(NamedTuple):
    """One problem: the spreadsheet row (None for the whole file), the column title ("" for the row) and why."""

    row: int | None
    column: str
    message: str


@dataclass
class ParseResult:
    """The outcome of reading a file: the good rows as the import's dicts, and the problems found."""

    rows: list = field(default_factory=list)  # [(row_number, data)]
    errors: list = field(default_factory=list)  # [RowError], at most MAX_REPORTED_ERRORS
    error_count: int = 0
    skipped: int = 0  # the template's example row

    def add_error(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, str(message)))


class Unreadable(Exception):
    """The workbook cannot be opened or read on; the message says so to the person who uploaded it."""


# ---------------------------------------------------------------- cells and titles
def cell_text(value):
    """A cell as trimmed text: whole numbers without ".0", booleans as 是/否, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return unescape_cell(str(value).strip())


def is_blank(values):
    """True for a row with no value in any cell (such rows are passed over, not counted)."""
    return not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def normalise_title(title):
    return (str(title).replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "").strip()
            if title is not None else "")


def title_lookup(columns):
    """{normalised title: name} for (name, title) columns: each known by its full title or the title
    without its bracketed hint ("所属园区(园区编码)" or "所属园区")."""
    lookup = {}
    for name, title in columns:
        lookup[normalise_title(title)] = name
        lookup[normalise_title(title).split("(")[0]] = name
    return lookup


def match_header(values, result, columns, *, lookup=None, optional=()):
    """{name: column index} from the header row, or None after reporting missing, unknown and repeated
    columns on row 1. Columns named in `optional` may be left out of the file."""
    lookup = lookup if lookup is not None else title_lookup(columns)
    titles = dict(columns)
    index, ok = {}, True
    for position, title in enumerate(values[:MAX_HEADER_COLUMNS]):
        norm = normalise_title(title)
        if not norm:
            continue
        name = lookup.get(norm)
        if name is None:
            result.add_error(1, str(title)[:50], _("Unknown column. Use the columns of the template."))
            ok = False
        elif name in index:
            result.add_error(1, titles[name], _("This column appears twice."))
            ok = False
        else:
            index[name] = position
    for name, title in columns:
        if name not in index and name not in optional:
            result.add_error(1, title, _("Missing column."))
            ok = False
    return index if ok else None


# ---------------------------------------------------------------- the file
def file_problem(fileobj):
    """A reason the upload is not an .xlsx we will open, or None. Checks name, size, magic bytes, zip sizes."""
    name = str(getattr(fileobj, "name", "") or "")
    if name and not name.lower().endswith(".xlsx"):
        return _("Only Excel .xlsx files can be imported (this file is named “%(name)s”).") % {
            "name": file_name(fileobj)}
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    if size > settings.IMPORT_MAX_BYTES:
        return _("The file is %(size)s MB; at most %(max)s MB can be imported.") % {
            "size": round(size / 1024 / 1024, 1), "max": round(settings.IMPORT_MAX_BYTES / 1024 / 1024, 1)}
    fileobj.seek(0)
    magic = fileobj.read(8)
    fileobj.seek(0)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        return _("This is an old-format .xls workbook; save it as .xlsx and try again.")
    if not magic.startswith(b"PK\x03\x04"):
        return _("This file is not an Excel .xlsx workbook.")
    try:
        with zipfile.ZipFile(fileobj) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _("This file is not an Excel .xlsx workbook, or it is damaged.")
    finally:
        fileobj.seek(0)
    if expanded > settings.IMPORT_MAX_BYTES * MAX_UNCOMPRESSED_FACTOR:
        return _("The workbook expands to too much data to import.")
    return None


def file_name(fileobj):
    """The upload's own name (no folders), at most 100 characters: for messages and audit notes."""
    return str(getattr(fileobj, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:100]


def read_rows(fileobj, *, what="Import"):
    """Yield (row_number, values) from the first sheet, streaming; `Unreadable` if it breaks.

    `what` names the import in the log (the cause is logged by type only: never a cell's content)."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file: BadZipFile, InvalidFileException, KeyError, XML errors
        logger.info("%s: workbook could not be opened (%s)", what, type(exc).__name__)
        raise Unreadable(_("This file is not an Excel .xlsx workbook, or it is damaged.")) from None
    try:
        if not wb.worksheets:
            raise Unreadable(_("The workbook has no sheet."))
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                logger.info("%s: sheet unreadable after row %s (%s)", what, number, type(exc).__name__)
                raise Unreadable(_("The sheet could not be read after row %(row)s; the file is damaged.")
                                 % {"row": number}) from None
            number += 1
            yield number, values
    finally:
        wb.close()


def scan(fileobj, result, checker, *, what="Import"):
    """Check the file, then feed every row to `checker.take(number, values)` (False: stop reading) and
    finish with `checker.finish()`. Problems with the file itself go to `result` as row None."""
    problem = file_problem(fileobj)
    if problem:
        result.add_error(None, "", problem)
        return result
    try:
        with closing(read_rows(fileobj, what=what)) as rows:  # closes the workbook even when we stop early
            for number, values in rows:
                if not checker.take(number, values):
                    return result
    except Unreadable as exc:
        result.add_error(None, "", str(exc))
        return result
    checker.finish()
    return result


def too_many_rows_message(limit):
    return _("The file has more than %(max)s rows; split it and import each part.") % {"max": limit}


class RowChecker:
    """The row-by-row half of an import, shared so every import counts, limits and batches rows alike.

    A subclass declares `columns`, `titles`, `lookup`, `optional`, `key_column` (must not repeat within the
    file), `example_key` (the template's example row, skipped) and `batch_size`, and implements
    `convert(number, values) -> (item, key, [(column, message)])`, `repeated_key(first_row)` and
    `check_batch(items)`, which looks the good rows up in the database a batch at a time.
    """

    columns = ()
    titles = {}
    lookup = None
    optional = ()
    key_column = ""
    example_key = None
    batch_size = 1000

    def __init__(self, ctx, result, *, limit=None):
        self.ctx, self.result = ctx, result
        self.index = None  # field -> column position, from the header
        self.seen = {}  # key -> first row number
        self.pending = []  # good rows waiting for `check_batch`
        self.data_rows = 0
        self.limit = settings.IMPORT_MAX_ROWS if limit is None else limit

    def take(self, number, values):
        """Check one row; False when reading must stop (bad header, too many rows)."""
        result = self.result
        if number == 1:
            self.index = match_header(values or (), result, self.columns, lookup=self.lookup, optional=self.optional)
            return self.index is not None
        if is_blank(values):
            return True
        self.data_rows += 1
        if self.data_rows > self.limit:
            result.add_error(None, "", too_many_rows_message(self.limit))
            return False
        item, key, errors = self.convert(number, values)
        if key == self.example_key:
            result.skipped += 1
            return True
        if not key or any(column == self.key_column for column, _m in errors):
            pass  # a missing or invalid key is reported once, not also as a repeat
        elif key in self.seen:
            errors.append((self.key_column, self.repeated_key(self.seen[key])))
        else:
            self.seen[key] = number
        for column, message in errors:
            result.add_error(number, self.titles.get(column, ""), message)
        if not errors:
            self.pending.append(item)
            if len(self.pending) >= self.batch_size:
                self.check_batch(self.pending)
                self.pending = []
        return True

    def finish(self):
        """Check the last batch; report an empty sheet or a file without data rows; errors in row order."""
        result = self.result
        if self.index is None:
            result.add_error(None, "", _("The sheet is empty: the header row is missing."))
            return
        self.check_batch(self.pending)
        self.pending = []
        if self.data_rows == 0:
            result.add_error(None, "", _("The file has no data rows."))
        result.errors.sort(key=lambda e: e.row or 0)

    def convert(self, number, values):
        raise NotImplementedError

    def repeated_key(self, first_row):
        raise NotImplementedError

    def check_batch(self, items):
        raise NotImplementedError
