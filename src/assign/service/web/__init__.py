"""The planners' web page: static files (HTML, a script, styles, vendored Leaflet) served by
the API's own process at `/`, calling the same API with the token the planner signs in with.
No build step: the files in `static/` are what the browser gets.

The page runs no inline script and loads nothing from elsewhere (unless a tile server is set
in `ASSIGN_MAP_TILES`), which a Content-Security-Policy header holds it to.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from assign.service.config import ServiceSettings

STATIC = Path(__file__).with_name("static")


def content_policy(tiles: str | None) -> str:
    images = "'self' data:" + (f" {_origin(tiles)}" if tiles else "")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}"


def install_web(app: FastAPI, settings: ServiceSettings) -> None:
    policy = content_policy(settings.map_tiles)
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html", headers=headers)

    @app.get("/web/config", include_in_schema=False)
    def config() -> JSONResponse:
        return JSONResponse({"tiles": settings.map_tiles}, headers=headers)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
