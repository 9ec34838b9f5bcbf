"""An individuell utdanningsplan read from its lines: labelled fields and two tables.

The activity and course tables are found by their header rows (synonyms in
labels.yaml), wherever they stand; the rows under a header belong to it until
a row that no longer has the table's width or a new header starts.
"""
from __future__ import annotations

import re
from typing import Any

from extractors.fields import FieldFinder, Line
from extractors.labels import header_matches, header_starts_with, tables
from extractors.models import Course, LearningActivity, TrainingPlanRecord
from extractors.values import clean_text, parse_amount


def _spec() -> dict[str, Any]:
    return tables()["training_plan"]


def read_training_plan(lines: list[Line], file: str) -> TrainingPlanRecord:
    spec = _spec()
    fields = spec["fields"]
    stop = [label for f in fields.values() for label in f["labels"]] + ["Dato", "Telefon", "E-post"]
    finder = FieldFinder(lines, stop)
    record = TrainingPlanRecord()
    record.hpr_number, anchor = finder.hpr(fields, file)
    finder.fill(record, ("doctor_name",), fields, file, near=anchor)
    finder.fill(record, ("supervisor", "enterprise", "specialisation_start"), fields, file)
    record.activities = [_activity(row, spec) for row in _table_rows(lines, spec["activity_headers"], "activity")]
    record.courses = [c for c in (_course(row) for row in _table_rows(lines, spec["course_headers"], "name")) if c]
    return record


def _header_columns(line: Line, headers: dict[str, list[str]]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(line.cells):
        for key, synonyms in headers.items():
            if key not in columns and (header_matches(cell, synonyms) or header_starts_with(cell, synonyms)):
                columns[key] = index
                break
    return columns


def _table_rows(lines: list[Line], headers: dict[str, list[str]], required: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    index = 0
    while index < len(lines):
        columns = _header_columns(lines[index], headers)
        if required not in columns or len(columns) < 2:
            index += 1
            continue
        width = len(lines[index].cells)
        table = lines[index].where.rsplit(" rad ", 1)[0]
        index += 1
        while index < len(lines) and len(lines[index].cells) == width \
                and lines[index].where.rsplit(" rad ", 1)[0] == table:
            cells = lines[index].cells
            if len(_header_columns(lines[index], headers)) >= 2:
                break
            row = {key: clean_text(cells[col]) for key, col in columns.items()}
            if row.get(required) and not re.fullmatch(r"(sum|totalt?)\b.*", row[required], re.IGNORECASE):
                rows.append(row)
            index += 1
    return rows


def _activity(row: dict[str, str], spec: dict[str, Any]) -> LearningActivity:
    goals = re.findall(spec["goal_pattern"], row.get("goals", "") or row.get("activity", ""))
    return LearningActivity(activity=row["activity"], when=row.get("when", ""),
                            goals=[re.sub(r"[\s\-]", " ", g).upper() for g in goals])


def _course(row: dict[str, str]) -> Course | None:
    if not row.get("name"):
        return None
    return Course(name=row["name"], cost=parse_amount(row["cost"]) if row.get("cost") else None)
