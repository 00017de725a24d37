"""Check the pinned ATC table against a copy of the public WHO ATC scrape.

``tests/data/who_atc_2026.tsv`` holds only the ATC rows the drug catalogue uses, so the tests run
without network access. This script re-checks those rows against the full scrape they were taken
from (repository fabkury/atcd, file ``WHO ATC-DDD 2026-04-25.csv``): every pinned code must be in
the scrape with the same name. Run it when the pin is edited or a newer scrape is adopted:

    python tools/check_atc_pin.py "/path/to/WHO ATC-DDD 2026-04-25.csv"

Exit status 0 when every row matches, 1 otherwise (each mismatch is printed), 2 on bad usage.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PIN = Path(__file__).resolve().parent.parent / "tests" / "data" / "who_atc_2026.tsv"


def scrape_names(csv_path: Path) -> dict[str, set[str]]:
    """Code -> the names the scrape gives it (a code can appear on several DDD rows)."""
    names: dict[str, set[str]] = {}
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names.setdefault(row["atc_code"], set()).add(row["atc_name"].casefold())
    return names


def pinned_rows(pin: Path) -> list[tuple[int, str, str]]:
    """(line number, code, name) for every data row of the pin."""
    rows = []
    for number, line in enumerate(pin.read_text(encoding="utf-8").splitlines(), start=1):
        if not line or line.startswith("#") or line.startswith("code\t"):
            continue
        code, name = line.split("\t")[:2]
        rows.append((number, code, name))
    return rows


def mismatches(pin: Path, csv_path: Path) -> list[str]:
    names = scrape_names(csv_path)
    problems = []
    for number, code, name in pinned_rows(pin):
        if code not in names:
            problems.append(f"{pin.name} line {number}: {code} is not in the scrape")
        elif name.casefold() not in names[code]:
            found = sorted(names[code])
            problems.append(f"{pin.name} line {number}: {code} is {found} in the scrape, not {name!r}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not Path(argv[1]).is_file():
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: python tools/check_atc_pin.py SCRAPE_CSV", file=sys.stderr)
        return 2
    problems = mismatches(PIN, Path(argv[1]))
    for problem in problems:
        print(problem)
    print(f"{len(pinned_rows(PIN))} pinned rows, {len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
