# TEMPORARY SHIM (not to be committed)
from typing import Any


def translate_errors(errors: list[Any]) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in e["loc"]), "code": e["type"], "message": e["msg"]}
        for e in errors
    ]
