"""tools/check_atc_pin.py: the pinned ATC rows are compared with a full scrape, and a drift is caught."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "check_atc_pin.py"
spec = importlib.util.spec_from_file_location("check_atc_pin", TOOL)
assert spec and spec.loader
check_atc_pin = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_atc_pin)


def write_scrape(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["atc_code", "atc_name", "ddd", "uom", "adm_r", "note"])
        for code, name in rows:
            writer.writerow([code, name, "NA", "NA", "NA", "NA"])
    return path


def pinned() -> list[tuple[str, str]]:
    return [(code, name) for _, code, name in check_atc_pin.pinned_rows(check_atc_pin.PIN)]


def test_a_scrape_with_the_pinned_rows_matches(tmp_path: Path) -> None:
    scrape = write_scrape(tmp_path / "scrape.csv", pinned())
    assert check_atc_pin.mismatches(check_atc_pin.PIN, scrape) == []
    assert check_atc_pin.main(["check_atc_pin.py", str(scrape)]) == 0


def test_a_renamed_or_missing_code_is_reported_with_its_line(tmp_path: Path) -> None:
    rows = pinned()
    (first_code, _), (second_code, _) = rows[0], rows[1]
    drifted = [(first_code, "another substance"), *rows[2:]]
    scrape = write_scrape(tmp_path / "scrape.csv", drifted)
    problems = check_atc_pin.mismatches(check_atc_pin.PIN, scrape)
    assert len(problems) == 2
    assert first_code in problems[0] and "another substance" in problems[0]
    assert second_code in problems[1] and "not in the scrape" in problems[1]
    assert check_atc_pin.main(["check_atc_pin.py", str(scrape)]) == 1


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert check_atc_pin.main(["check_atc_pin.py"]) == 2
    assert check_atc_pin.main(["check_atc_pin.py", str(tmp_path / "absent.csv")]) == 2
