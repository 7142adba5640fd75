"""The planners' web page driven in Chromium through the whole flow on the Tambov sample:
sign in, a refused upload with its findings, the upload, the map, a what-if with its year
plan watched to the end, a second what-if, compare, approve, the order downloaded and
re-read. Every figure the page shows is checked against the API's own answer.

Screenshots go to $ASSIGN_SCREENSHOTS (or the test's temporary folder). Skipped with the
reason where Chromium (Debian's `chromium`) or Playwright is missing.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document

from service_support import Server, auth, region_zip, tokens

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package: chromium)"
)

TAMBOV = Path(__file__).resolve().parents[1] / "data" / "tambov"
FINAL = ("done", "failed", "cancelled")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{folder / 'web.db'}"
    made = tokens(url)
    server = Server(url)
    shots = Path(os.environ.get("ASSIGN_SCREENSHOTS") or folder / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield {
                "base": server.base,
                "tokens": made,
                "browser": browser,
                "shots": shots,
                "folder": folder,
            }
        finally:
            browser.close()
            server.stop()


def new_page(site: dict[str, Any], role: str) -> Any:
    page = site["browser"].new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(site["base"])
    login = page.get_by_test_id("login")
    login.fill(site["tokens"][role])
    login.press("Enter")  # Enter signs in
    page.wait_for_selector("#who:not(:empty)")
    return page


def wait_status(page: Any, seconds: float = 180) -> str:
    progress = page.get_by_test_id("progress")
    page.wait_for_function(
        "() => ['done', 'failed', 'cancelled'].includes("
        "document.querySelector('[data-testid=progress]').dataset.status)",
        timeout=seconds * 1000,
    )
    status: str = progress.get_attribute("data-status")
    return status


def cell_texts(page: Any, selector: str) -> list[list[str]]:
    texts: list[list[str]] = page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))",
    )
    return texts


def test_planner_does_the_whole_job_in_the_browser(site: dict[str, Any]) -> None:
    token = site["tokens"]["planner"]
    api = httpx.Client(base_url=site["base"], headers=auth(token), timeout=120)
    shots: Path = site["shots"]
    page = new_page(site, "planner")
    assert "планировщик" in page.locator("#who").inner_text()

    # a refused upload: its findings, as the API gives them, in a sortable table
    broken = site["folder"] / "broken.zip"
    text = (TAMBOV / "teachers.csv").read_text(encoding="utf-8")
    broken.write_bytes(
        region_zip(TAMBOV, {"teachers.csv": text.replace("Начальные классы", "Астрология", 3)})
    )
    refused = api.post("/regions", files={"file": ("broken.zip", broken.read_bytes())})
    assert refused.status_code == 422
    page.get_by_test_id("upload").set_input_files(str(broken))
    page.wait_for_selector("[data-testid=findings] tbody tr")
    rows = cell_texts(page, "[data-testid=findings]")
    issues = refused.json()["issues"]
    assert len(rows) == len(issues) == 3
    assert {r[2] for r in rows} == {str(i["row"]) for i in issues}
    assert all(r[0] == "ошибка" and r[1] == "teachers.csv" and r[3] == "subject" for r in rows)
    assert all("Астрология" in r[4] and r[5] for r in rows)  # the message and how to fix it
    page.click("[data-testid=findings] th[data-key=row] button")
    page.click("[data-testid=findings] th[data-key=row] button")  # descending
    rows_down = [int(r[2]) for r in cell_texts(page, "[data-testid=findings]")]
    assert rows_down == sorted(rows_down, reverse=True)
    page.screenshot(path=shots / "01-findings.png", full_page=True)

    # the upload: the region opens with its summary and warnings
    good = site["folder"] / "tambov.zip"
    good.write_bytes(region_zip(TAMBOV))
    page.get_by_test_id("upload").set_input_files(str(good))
    page.wait_for_selector("#region-summary h2:has-text('Тамбовская область')", timeout=60_000)
    region = api.get("/regions").json()[-1]
    assert f"Педагогов: {region['summary']['teachers']:,}".replace(",", "\u00a0") in (
        page.locator("#region-summary").inner_text()
    )
    findings = region["summary"]["findings"]
    assert len(cell_texts(page, "[data-testid=findings]")) == len(findings) > 0
    page.screenshot(path=shots / "02-region.png", full_page=True)

    # the map: every school with a point is a Leaflet path
    layers = api.get(f"/regions/{region['id']}/map").json()
    page.click("[data-tab=map]")
    page.wait_for_selector("[data-testid=map] path.school")
    schools = sum(1 for s in layers["schools"] if s["point"])
    assert page.locator("[data-testid=map] path.school").count() == schools == 490
    page.screenshot(path=shots / "03-map.png")

    # a what-if: the plan of the region with its year, watched to the end
    page.click("[data-tab=whatif]")
    page.fill("#sc-name", "План на год")
    page.fill("#sc-year-seconds", "5")
    page.get_by_test_id("run").click()
    page.wait_for_selector("[data-testid=progress]:has-text('Задание №')")
    assert wait_status(page) == "done"
    first = api.get("/jobs").json()[0]
    assert first["status"] == "done"
    progress = page.get_by_test_id("progress").inner_text()
    assert f"Задание №{first['id']}: выполнено" in progress
    shown_objective = re.search(r"целевая функция ([\d\s,]+)", progress)
    assert shown_objective is not None, progress
    number = shown_objective.group(1).strip().replace("\u00a0", "").replace(" ", "")
    assert float(number.replace(",", ".")) == pytest.approx(
        first["progress"]["objective"], abs=0.01
    )
    page.wait_for_selector("#tab-result:not([hidden]) #result-kpi table")
    result = api.get(f"/jobs/{first['id']}/result?limit=1").json()
    assert result["kpi"]["schedule"]["events_planned"] > 0  # the year plan was made
    assert api.get("/scenarios").json()[0]["spec"]["plan_seconds"] == 5
    kpi = dict(r[:2] for r in cell_texts(page, "#result-kpi"))
    assert kpi["Закреплено педагогов"].replace("\u00a0", "") == str(
        result["kpi"]["overall"]["served"]
    )
    assert kpi["Статус"] == "оптимально (доказано)"
    changes = api.get(f"/jobs/{first['id']}/changes").json()
    shown = cell_texts(page, "#changes")
    assert len(shown) == changes["total"] > 0
    assert shown[0][0] == changes["rows"][0]["full_name"]
    assert shown[0][4] == changes["rows"][0]["to_methodist"]
    page.screenshot(path=shots / "04-result.png", full_page=True)

    # the plan on the map: schools coloured by methodist, a load bar per methodist
    page.click("[data-tab=map]")
    page.wait_for_selector("#loads .load")
    assert page.locator("#loads .load").count() == len(layers["methodists"])
    page.screenshot(path=shots / "05-plan-map.png")

    # a second what-if: a methodist leaves; no year plan this time
    page.click("[data-tab=whatif]")
    leaver = layers["methodists"][0]["id"]
    page.select_option("#sc-remove", [leaver])
    page.fill("#sc-name", "Уходит методист")
    page.fill("#sc-from", "2027-01-11")
    page.fill("#sc-cand-id", "TMB-C900")
    page.fill("#sc-cand-name", "Новикова Дарья Павловна")
    page.fill("#sc-close-months", "1, 2")
    page.uncheck("#sc-year")
    page.get_by_test_id("run").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=progress]').textContent.includes('Задание №"
        f"{first['id'] + 1}')"
    )
    assert wait_status(page) == "done"
    second = first["id"] + 1
    stored = api.get("/scenarios").json()[-1]["spec"]  # what the editor sent
    assert stored["changes"]["remove_methodists"] == [leaver]
    assert stored["effective_from"] == "2027-01-11" and stored["plan_year"] is False
    assert stored["changes"]["add_candidates"][0]["candidate_id"] == "TMB-C900"
    assert stored["changes"]["close_links"] == [{"months": [1, 2]}]
    assert stored["assignment"] == region["summary"]["assignment"]  # the region's settings
    page.wait_for_selector(f"#tab-result:not([hidden]) #result-title:has-text('№{second}')")
    left = api.get(f"/jobs/{second}/changes").json()  # her subjects had no one else
    assert left["unplaced_total"] == len(cell_texts(page, "#unplaced")) > 0
    assert (
        f"Без методиста остаются: {left['unplaced_total']}"
        in page.locator("#unplaced-note").inner_text()
    )

    # compare the two, side by side, as the API compares them
    page.click("[data-tab=compare]")
    page.select_option("#cmp-a", str(first["id"]))
    page.select_option("#cmp-b", str(second))
    page.get_by_test_id("compare").click()
    page.wait_for_selector("#compare-out table")
    diff = api.get(f"/compare?jobs={first['id']}&jobs={second}").json()
    assert diff["differing_teachers"] > 0
    assert re.search(
        rf"Педагогов с разными методистами: {diff['differing_teachers']:,}".replace(",", "\u00a0"),
        page.locator("#compare-out").inner_text(),
    )
    for job in (first["id"], second):
        total = api.get(f"/jobs/{job}/changes?limit=1").json()["total"]
        assert f"изменения против закрепления, с которого начинался расчёт — {total}" in (
            page.locator("#compare-out").inner_text()
        )
    page.screenshot(path=shots / "06-compare.png", full_page=True)

    # approve the first plan; it becomes the region's current plan
    page.click("[data-tab=whatif]")
    page.click("#jobs button:text('Открыть') >> nth=1")  # newest first: the first run
    page.wait_for_selector(f"#result-title:has-text('№{first['id']}')")
    page.get_by_test_id("approve").click()
    page.wait_for_selector("#status:has-text('утверждён')")
    # counted as the order counts: who changed methodist, and who got one for the first time
    status = page.inner_text("#status")
    assert "сменили методиста или остались без него" in status, status
    assert "закреплены впервые" in status, status
    plans = api.get(f"/regions/{region['id']}/plans").json()
    assert plans[0]["job_id"] == first["id"] and plans[0]["current"]

    # the order, downloaded from the page and re-read
    with page.expect_download(timeout=180_000) as waiting:
        page.get_by_test_id("download-order").click()
    saved = site["folder"] / "order.docx"
    waiting.value.save_as(saved)
    order = Document(io.BytesIO(saved.read_bytes()))
    body = "\n".join(p.text for p in order.paragraphs)
    assert "ПРИКАЗ" in body.upper()
    teachers_in_order = "\n".join(c.text for t in order.tables for r in t.rows for c in r.cells)
    assert changes["rows"][0]["full_name"] in teachers_in_order
    page.screenshot(path=shots / "07-approved.png", full_page=True)

    # approve the second plan, then restore the first from the list of approved plans
    page.click("[data-tab=whatif]")
    page.click("#jobs button:text('Открыть') >> nth=0")
    page.wait_for_selector(f"#tab-result:not([hidden]) #result-title:has-text('№{second}')")
    page.get_by_test_id("approve").click()
    page.wait_for_selector(f"#status:has-text('План задания №{second} утверждён')")
    page.click("[data-tab=plans]")
    page.wait_for_selector("#plans button:text('Восстановить')")
    page.click("#plans button:text('Восстановить')")
    page.wait_for_selector(f"#status:has-text('План задания №{first['id']} утверждён')")
    plans = api.get(f"/regions/{region['id']}/plans").json()
    assert [p["job_id"] for p in plans] == [first["id"], second, first["id"]]
    assert plans[0]["current"]
    page.wait_for_function(
        "([job]) => { const top = document.querySelector('#plans tbody tr');"
        " return top.cells[0].textContent === '№' + job && top.textContent.includes('текущий'); }",
        arg=[first["id"]],
    )
    page.screenshot(path=shots / "08-plans.png", full_page=True)
    assert page.errors == []


def test_a_viewer_sees_no_run_or_approve_and_the_api_refuses_them(site: dict[str, Any]) -> None:
    page = new_page(site, "viewer")
    page.click("[data-tab=whatif]")
    assert not page.get_by_test_id("run").is_visible()
    page.click("[data-tab=regions]")
    assert not page.locator("#drop").is_visible()  # the upload zone
    page.click("[data-tab=result]")
    assert not page.get_by_test_id("approve").is_visible()
    page.screenshot(path=site["shots"] / "09-viewer.png")
    viewer = httpx.Client(base_url=site["base"], headers=auth(site["tokens"]["viewer"]))
    region = viewer.get("/regions").json()
    refused = viewer.post(
        "/scenarios", json={"region_id": region[0]["id"] if region else 1, "name": "x"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    jobs = viewer.get("/jobs").json()
    if jobs:
        approve = viewer.post(f"/jobs/{jobs[0]['id']}/approve")
        assert approve.status_code == 403
    assert page.errors == []
