"""How soon the web page's map of Yakutia (628 schools, 18 600 teachers) is interactive, in
Chromium on this machine: from the page's navigation start to the map drawn with a plan
(schools coloured by methodist, load bars), then how long a zoom takes to answer.

Starts `assign serve` on a fresh SQLite database, uploads the Yakutia sample, runs its plan,
then opens `/#region=…&job=…&tab=map` signed in (the token in sessionStorage) --runs times,
each in a fresh page. Target: interactive within 2 s of the page load.

Run: .venv/bin/python bench/web_map.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from assign.sample.profiles import PROFILES
from served import served, upload_region

DATA = Path(__file__).resolve().parents[1] / "data" / "yakutia"
TARGET_MS = 2000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Chromium is not installed (Debian package: chromium)")
    with served(8767, workers=1, role="planner") as server:
        base, token = server.base, server.token
        with server.client() as api:
            region = upload_region(api, DATA)
            spec = {"assignment": PROFILES["yakutia"].demo_settings}
            scenario = api.post(
                "/scenarios", json={"region_id": region["id"], "name": "план", "spec": spec}
            ).json()
            job = api.post(f"/scenarios/{scenario['id']}/jobs").json()["id"]
            while api.get(f"/jobs/{job}").json()["status"] not in ("done", "failed", "cancelled"):
                time.sleep(0.2)
        drawn, zooms, schools = [], [], 0
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.add_init_script(f"sessionStorage.setItem('assign-token', {token!r})")
                page.goto(f"{base}/#region={region['id']}&job={job}&tab=map")
                page.wait_for_function(
                    "() => performance.getEntriesByName('plan-map-drawn').length > 0",
                    timeout=60_000,
                )
                drawn.append(
                    page.evaluate("performance.getEntriesByName('plan-map-drawn')[0].startTime")
                )
                schools = page.locator("[data-testid=map] path.school").count()
                zooms.append(
                    page.evaluate(
                        """() => new Promise((done) => {
                            const start = performance.now();
                            window.assignMap.once('zoomend', () => done(performance.now() - start));
                            window.assignMap.zoomIn(1, { animate: false });
                        })"""
                    )
                )
                page.close()
            browser.close()
    print(
        f"Yakutia map with a plan ({schools} schools drawn), {args.runs} page loads: "
        f"navigation start → drawn median {statistics.median(drawn):.0f} ms, "
        f"max {max(drawn):.0f} ms (target < {TARGET_MS} ms, ratio max/target "
        f"{max(drawn) / TARGET_MS:.2f}); a zoom answers in median "
        f"{statistics.median(zooms):.0f} ms, max {max(zooms):.0f} ms"
    )
    raise SystemExit(0 if max(drawn) + max(zooms) < TARGET_MS else 1)


if __name__ == "__main__":
    main()
