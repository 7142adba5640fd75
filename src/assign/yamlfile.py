"""Reading a settings file in YAML into a validated model, with Russian messages that name
the file and the field — one way for the catalogue, the calendar and scenarios alike."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assign.errors import validation_lines_ru

M = TypeVar("M", bound=BaseModel)


def load_yaml_model(path: Path, model: type[M], error: type[ValueError]) -> M:
    """`model` from the YAML file at `path`; any problem raises `error` with a message that
    names the file (and the field, for invalid values)."""
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise error(f"{path.name}: файл не найден") from None
    except OSError:
        raise error(f"{path.name}: файл не прочитан (нет доступа или это папка)") from None
    except yaml.YAMLError as exc:
        raise error(f"{path.name}: ошибка YAML: {exc}") from None
    except ValidationError as exc:
        raise error("; ".join(validation_lines_ru(exc, path.name))) from None
