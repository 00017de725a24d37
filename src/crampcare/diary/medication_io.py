"""Reading a list of medicines for ``crampcare meds import``: a CSV ``name,dose,started_on,
stopped_on,notes`` or a JSON export (its ``medications`` list, or such a list on its own)."""

from __future__ import annotations

import csv
from pathlib import Path

from crampcare.records import MEDICATION_FIELDS, MedicationRecord, Today, medication_from_row

REQUIRED = ("name", "started_on")


def parse_medication_csv(path: Path, today: Today) -> tuple[list[MedicationRecord], list[str]]:
    """The medicines of a CSV file and every problem as ``FILE:LINE: field: problem``."""
    from crampcare.diary.csv_io import restore

    label = str(path)
    records: list[MedicationRecord] = []
    problems: list[str] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [name.strip() for name in next(reader, [])]
            if not header:
                return [], [f"{label}:1: header: the file is empty"]
            problems += [
                f"{label}:1: header: unknown column {n!r}" for n in header if n not in MEDICATION_FIELDS
            ]
            problems += [f"{label}:1: header: missing column {n!r}" for n in REQUIRED if n not in header]
            problems += [
                f"{label}:1: header: column {n!r} appears twice" for n in set(header) if header.count(n) > 1
            ]
            if problems:
                return [], problems
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    problems.append(
                        f"{label}:{line}: row: has {len(cells)} cells, the header has {len(header)}"
                    )
                    continue
                # cells an export neutralised against spreadsheet formulas read back as written
                record = medication_from_row(dict(zip(header, map(restore, cells), strict=True)), today)
                if isinstance(record, list):
                    problems.extend(f"{label}:{line}: {p.field}: {p.problem}" for p in record)
                else:
                    records.append(record)
    except FileNotFoundError:
        return [], [f"{label}: file: no such file"]
    except IsADirectoryError:
        return [], [f"{label}: file: is a folder, not a file"]
    except UnicodeDecodeError as exc:
        return [], [f"{label}: file: not UTF-8 text ({exc.reason} at byte {exc.start})"]
    except csv.Error as exc:
        return [], [f"{label}: file: not a readable CSV file ({exc})"]
    return records, problems


def parse_medication_file(path: Path, today: Today) -> tuple[list[MedicationRecord], list[str]]:
    """The medicines of a CSV or JSON file (told apart by the ``.json`` suffix) and the problems."""
    if path.suffix.lower() != ".json":
        return parse_medication_csv(path, today)
    from crampcare.diary.json_io import FORMAT_NAME, parse_medications, read_json_data

    data, problems = read_json_data(path)
    if problems:
        return [], problems
    if isinstance(data, dict):
        if data.get("format") != FORMAT_NAME:
            return [], [f"{path}: format: not a crampcare diary export or a list of medicines"]
        data = data.get("medications", [])
    return parse_medications(data, f"{path}:medications", today)
