"""The REDCap data dictionary format: its 18 columns, variable names, choices and CSV I/O.

A REDCap data dictionary is a CSV file with exactly these 18 columns, in this order (the
header REDCap writes when it exports a dictionary and expects when one is uploaded; see the
REDCap "Data Dictionary" help page of any REDCap installation). Choices are written
``code, label | code, label``; variable names are lower-case letters, digits and underscores
starting with a letter.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from atlaxis.errors import Problem, ValidationError

VARIABLE = "Variable / Field Name"
FORM = "Form Name"
SECTION = "Section Header"
FIELD_TYPE = "Field Type"
LABEL = "Field Label"
CHOICES = "Choices, Calculations, OR Slider Labels"
NOTE = "Field Note"
VALIDATION = "Text Validation Type OR Show Slider Number"
VALIDATION_MIN = "Text Validation Min"
VALIDATION_MAX = "Text Validation Max"
IDENTIFIER = "Identifier?"
BRANCHING = "Branching Logic (Show field only if...)"
REQUIRED = "Required Field?"
ALIGNMENT = "Custom Alignment"
QUESTION_NUMBER = "Question Number (surveys only)"
MATRIX_GROUP = "Matrix Group Name"
MATRIX_RANKING = "Matrix Ranking?"
ANNOTATION = "Field Annotation"

#: more fields than any questionnaire set; a longer file is refused with a clear error (every
#: field becomes an instrument item, kept in memory and stored as one JSON file per form)
MAX_FIELDS = 10_000
#: the file size that goes with it (a field row is rarely over 1 kB)
MAX_DICTIONARY_BYTES = 10 * 1024 * 1024

COLUMNS: tuple[str, ...] = (
    VARIABLE,
    FORM,
    SECTION,
    FIELD_TYPE,
    LABEL,
    CHOICES,
    NOTE,
    VALIDATION,
    VALIDATION_MIN,
    VALIDATION_MAX,
    IDENTIFIER,
    BRANCHING,
    REQUIRED,
    ALIGNMENT,
    QUESTION_NUMBER,
    MATRIX_GROUP,
    MATRIX_RANKING,
    ANNOTATION,
)

#: the record identifier field REDCap puts first in every project
RECORD_ID = "record_id"
#: the non-repeating form that holds only the record identifier
PARTICIPANT_FORM = "participant"

_VARIABLE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_VARIABLE = 100

Row = dict[str, str]


def variable_name(form: str, item_id: str) -> str:
    """``<form>_<item>`` made REDCap-safe (lower case, ``[a-z0-9_]``, starts with a letter)."""
    raw = f"{form}_{item_id}".lower()
    name = re.sub(r"[^a-z0-9_]", "_", raw)
    if not name[:1].isalpha():
        name = "v_" + name
    return name


def valid_variable(name: str) -> bool:
    return bool(_VARIABLE_RE.match(name)) and len(name) <= MAX_VARIABLE


def format_choices(pairs: Iterable[tuple[str, str]]) -> str:
    """``code, label | code, label``; a ``|`` inside a label would split it, so it becomes ``/``."""
    return " | ".join(f"{code}, {label.replace('|', '/')}" for code, label in pairs)


def parse_choices(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Choices as (code, label) pairs, and a message per malformed choice."""
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    for k, part in enumerate(p.strip() for p in text.split("|")):
        if not part:
            continue
        code, sep, label = part.partition(",")
        code, label = code.strip(), label.strip()
        if not sep or not code:
            problems.append(f"choice {k + 1} {part!r} is not 'code, label'")
        elif not re.fullmatch(r"-?[A-Za-z0-9_.]+", code):
            problems.append(f"choice code {code!r} must be letters, digits, '_', '.' or '-'")
        elif any(code == c for c, _ in pairs):
            problems.append(f"choice code {code!r} is given twice")
        else:
            pairs.append((code, label))
    return pairs, problems


def blank_row(**values: str) -> Row:
    row = dict.fromkeys(COLUMNS, "")
    for key, value in values.items():
        row[_KEYS[key]] = value
    return row


#: short keyword → column, for :func:`blank_row`
_KEYS: Mapping[str, str] = {
    "variable": VARIABLE,
    "form": FORM,
    "section": SECTION,
    "field_type": FIELD_TYPE,
    "label": LABEL,
    "choices": CHOICES,
    "note": NOTE,
    "validation": VALIDATION,
    "validation_min": VALIDATION_MIN,
    "validation_max": VALIDATION_MAX,
    "identifier": IDENTIFIER,
    "branching": BRANCHING,
    "required": REQUIRED,
    "annotation": ANNOTATION,
    "matrix_group": MATRIX_GROUP,
}


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """CSV text as REDCap reads it: comma separated, minimal quoting, ``\\n`` line ends."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def read_dictionary(text: str, source: str = "dictionary") -> list[tuple[int, Row]]:
    """(CSV line number, row) for every data row; the header must be the 18 columns in order."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(
            "empty REDCap data dictionary", problems=[Problem(source, "the file has no header")]
        ) from None
    except csv.Error as exc:
        raise ValidationError("not a CSV file", problems=[Problem(source, str(exc))]) from None
    header = [h.strip() for h in header]
    if tuple(header) != COLUMNS:
        raise ValidationError(
            "not a REDCap data dictionary: the header must be the 18 REDCap columns in order",
            problems=_header_problems(header, source),
        )
    rows: list[tuple[int, Row]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            if len(values) != len(COLUMNS):
                raise ValidationError(
                    "malformed REDCap data dictionary",
                    problems=[Problem(f"row {line}", f"has {len(values)} columns, expected 18")],
                )
            if len(rows) == MAX_FIELDS:
                raise ValidationError(
                    "REDCap data dictionary too long",
                    problems=[
                        Problem(
                            f"{source} row {line}",
                            "too many fields",
                            f"at most {MAX_FIELDS} fields",
                        )
                    ],
                )
            rows.append((line, dict(zip(COLUMNS, (v.strip() for v in values), strict=True))))
    except csv.Error as exc:
        raise ValidationError(
            "not a CSV file", problems=[Problem(f"{source} row {reader.line_num}", str(exc))]
        ) from None
    return rows


def _header_problems(header: list[str], source: str) -> list[Problem]:
    problems = []
    if len(header) != len(COLUMNS):
        problems.append(Problem(f"{source} header", f"has {len(header)} columns, expected 18"))
    for k, (got, want) in enumerate(zip(header, COLUMNS, strict=False)):
        if got != want:
            problems.append(Problem(f"{source} header column {k + 1}", f"is {got!r}", repr(want)))
    return problems
