"""Documents of a stored result, made from that stored plan by the library's pipeline
(`scenario_documents`, as `assign scenario run` makes them): rendered once in a capped child
process, then served from the database."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from assign.pipeline import DOCUMENTS_DIR
from assign.pipeline.whatif import scenario_documents, scenario_workbook
from assign.scenario import Scenario
from assign.service.jobs.execute import CURRENT_FILE
from assign.service.regions import load_stored, unpacked, with_current

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENTS = {
    "order.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "assignment.xlsx": XLSX,
    "roadmaps.xlsx": XLSX,
    "iom.zip": "application/zip",
    "plan.xlsx": XLSX,  # the planner's workbook: every stage of the plan in Russian
}
PERSONAL = frozenset(DOCUMENTS)  # every one names teachers: each download is audited


def render(
    source: bytes, scenario_name: str, spec: dict[str, Any], plan: bytes
) -> dict[str, bytes]:
    """Every document of a stored plan, by download name (run in a capped child process):
    one rendering serves every download."""
    with unpacked(source) as region_path, tempfile.TemporaryDirectory() as tmp:
        base, settings = load_stored(region_path)
        plan_dir = Path(tmp) / "plan"
        with zipfile.ZipFile(io.BytesIO(plan)) as archive:
            archive.extractall(plan_dir)  # written by the service itself (`pack_plan`)
        current_file = plan_dir / CURRENT_FILE
        if current_file.exists():
            base = with_current(base, json.loads(current_file.read_text(encoding="utf-8")))
        scenario = Scenario.model_validate({"name": scenario_name, **spec})
        written = scenario_documents(
            base, region_path, scenario, settings, plan_dir, plan_dir / DOCUMENTS_DIR
        )
        workbook = scenario_workbook(base, region_path, scenario, settings, plan_dir)
        cards = io.BytesIO()
        with zipfile.ZipFile(cards, "w", zipfile.ZIP_DEFLATED) as archive:
            for card in written.iom_cards:
                archive.write(card, card.name)
        return {
            "order.docx": written.order.read_bytes(),
            "assignment.xlsx": written.workbook.read_bytes(),
            "roadmaps.xlsx": written.roadmaps.read_bytes(),
            "iom.zip": cards.getvalue(),
            "plan.xlsx": workbook.read_bytes(),
        }
