"""Documents of a sample region, timed: the order, the workbooks, roadmaps and every IOM card,
then the order rendered to PDF by LibreOffice for its page count per 1 000 teachers.

    python bench/documents_bench.py yakutia [--schedule OUT/schedule] [--no-pdf]

Without --schedule the cards and roadmaps show the outline's month terms (no year plan).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assign.assignment import build_problem, solve
from assign.documents import write_documents
from assign.documents.context import ScheduledDates
from assign.events.catalogue import load_catalogue
from assign.io import load_region_or_raise
from assign.pipeline.settings import load_region_settings

DATA = Path(__file__).resolve().parent.parent / "data"


def pdf_pages(docx: Path, out: Path) -> int | None:
    """Pages of the document as LibreOffice lays it out; None without LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    info = subprocess.run(
        ["pdfinfo", str(out / (docx.stem + ".pdf"))], capture_output=True, text=True, check=True
    )
    found = re.search(r"Pages:\s+(\d+)", info.stdout)
    return int(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("region", nargs="?", default="yakutia")
    parser.add_argument("--schedule", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    path = DATA / args.region
    region = load_region_or_raise(path)
    settings = load_region_settings(path)
    problem = build_problem(region, settings.assignment)
    result = solve(problem)
    unplaced = [u.teacher_id for u in result.unplaced]
    dates = ScheduledDates.from_folder(args.schedule) if args.schedule else None
    out = args.out or Path(tempfile.mkdtemp(prefix="documents-"))
    started = time.perf_counter()
    written = write_documents(
        problem,
        result.assignment,
        unplaced,
        settings.documents_for(path),
        load_catalogue(settings.catalogue),
        out,
        dates,
    )
    elapsed = time.perf_counter() - started
    teachers = len(result.assignment)
    print(f"region: {args.region}, teachers: {teachers}, IOM cards: {len(written.iom_cards)}")
    print(f"documents written in {elapsed:.1f} s into {out}")
    if not args.no_pdf:
        pages = pdf_pages(written.order, out)
        if pages is None:
            print("order.pdf: LibreOffice (soffice) not found", file=sys.stderr)
        else:
            print(f"order: {pages} pages, {1000 * pages / teachers:.1f} per 1 000 teachers")


if __name__ == "__main__":
    main()
