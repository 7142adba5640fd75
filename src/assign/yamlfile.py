"""Reading a settings file in YAML into a validated model, with Russian messages that name
the file and the field — one way for the catalogue, the calendar and scenarios alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assign.errors import validation_lines_ru

M = TypeVar("M", bound=BaseModel)


def load_yaml_model(
    path: Path,
    model: type[M],
    error: type[ValueError],
    prepare: Callable[[dict[str, Any]], None] | None = None,
) -> M:
    """`model` from the YAML file at `path`; any problem raises `error` with a message that
    names the file (and the field, for invalid values). `prepare` may adjust the mapping
    first (paths made relative to the file's folder, say)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if prepare is not None:
            data = {} if data is None else data  # an empty file: every default
            if not isinstance(data, dict):
                raise error(f"{path.name}: ожидается словарь полей")
            prepare(data)
        return model.model_validate(data)
    except FileNotFoundError:
        raise error(f"{path.name}: файл не найден") from None
    except OSError:
        raise error(f"{path.name}: файл не прочитан (нет доступа или это папка)") from None
    except yaml.YAMLError as exc:
        raise error(f"{path.name}: ошибка YAML: {exc}") from None
    except ValidationError as exc:
        raise error("; ".join(validation_lines_ru(exc, path.name))) from None
