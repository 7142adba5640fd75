"""What the documents say about the organization: its name, head, city, the order's grounds.

Read from `documents.yaml` in the region's folder (or a file given on the command line), or
from the «Реквизиты» sheet of a region workbook, so a ЦНППМ changes its details without
touching code. Templates may be replaced the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assign.io.template import DETAIL_LABELS, DETAILS_SHEET
from assign.yamlfile import load_yaml_model

SETTINGS_FILE = "documents.yaml"
TEMPLATES = Path(__file__).with_name("templates")


class DocumentSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    organization: str = "Наименование организации"
    center: str = (
        "Центр непрерывного повышения профессионального мастерства педагогических работников"
    )
    city: str = "________"
    head_position: str = "Руководитель ЦНППМ"
    head_name: str = "________________"
    order_number: str = "____"
    order_date: date | None = None
    school_year_start: int = Field(2026, ge=2000, le=2100)
    grounds: tuple[str, ...] = (
        "Федеральным законом от 29 декабря 2012 г. № 273-ФЗ «Об образовании в Российской "
        "Федерации»",
        "распоряжением Министерства просвещения Российской Федерации от 16 декабря 2020 г. "
        "№ Р-174 «Об утверждении Концепции создания единой федеральной системы "
        "научно-методического сопровождения педагогических работников и управленческих кадров»",
        "письмом Министерства просвещения Российской Федерации от 10 декабря 2021 г. "
        "№ АЗ-1061/08 «О формировании методического актива»",
    )
    organization_short: str = ""
    """The organization's short name for appendix marks («ТОГОАУ ДПО ИПКРО»); default: none."""
    region_name: str = ""
    """The region's Russian name («Тамбовская область»); region.yaml's `name` fills it."""
    previous_order_number: str | None = None
    """The order this one replaces: its points revoke it and appendix 2 lists the changes."""
    previous_order_date: date | None = None
    changes_from: date | None = None
    """The day the changes of appendix 2 take effect (a scenario's `effective_from`); none:
    with the order."""
    control_position: str | None = None
    """Who controls execution, in the nominative («заместитель руководителя ЦНППМ»); none:
    the head keeps control («оставляю за собой»)."""
    control_name: str | None = None
    """Their full name in the nominative («Петрова Анна Ивановна»); declined by format.py."""
    iom_approver_position: str = "Руководитель образовательной организации"
    order_template: Path = TEMPLATES / "order.docx"
    iom_template: Path = TEMPLATES / "iom_card.docx"

    @property
    def author(self) -> str:
        """Who a document's properties name as its author: the organization, when given."""
        given = self.organization != DocumentSettings.model_fields["organization"].default
        return self.organization if given else ""

    def properties(self, title: str) -> dict[str, str]:
        """A document's own properties (File → Properties): the organization as its author —
        not the template's «python-docx» and its 2013 date — and its title."""
        return {"author": self.author, "title": title}

    def unfilled(self) -> list[str]:
        """The details a signed order needs that are still blanks or placeholders, named as a
        planner knows them: documents made without them need hand edits before signing."""
        defaults = DocumentSettings.model_fields
        checks = {
            "наименование организации": self.organization == defaults["organization"].default,
            "город": not self.city.strip("_ "),
            "ФИО руководителя": not self.head_name.strip("_ ") or _placeholder(self.head_name),
            "номер приказа": not self.order_number.strip("_ "),
            "дата приказа": self.order_date is None,
        }
        return [name for name, blank in checks.items() if blank]

    @property
    def school_year(self) -> str:
        return f"{self.school_year_start}/{self.school_year_start + 1}"


def _placeholder(name: str) -> bool:
    """«И.О. Фамилия», «Фамилия И.О.»: a sample's stand-in for the head's name."""
    return "фамилия" in name.lower()


class DocumentSettingsError(ValueError):
    """A settings file that cannot be used; the message is in Russian and names the field."""

    code = "document_settings_invalid"


def load_document_settings(path: Path) -> DocumentSettings:
    """Settings from a YAML file; template paths are relative to the file's folder."""

    def relative_templates(data: dict[str, Any]) -> None:
        for key in ("order_template", "iom_template"):
            if key in data:
                data[key] = path.parent / data[key]

    settings = load_yaml_model(path, DocumentSettings, DocumentSettingsError, relative_templates)
    for template in (settings.order_template, settings.iom_template):
        if not template.is_file():
            raise DocumentSettingsError(f"{path.name}: шаблон {template} не найден")
    return settings


def details_from_workbook(path: Path) -> DocumentSettings | None:
    """The order's details from the workbook's «Реквизиты» sheet (label, value per row); None
    when the workbook has no such sheet. A blank value keeps the default (a blank field)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # an unreadable workbook: the loader's finding to report, not ours
        return None
    try:
        sheet = next((s for s in book.worksheets if s.title.strip() == DETAILS_SHEET), None)
        if sheet is None:
            return None
        field_of = {_label_key(label): name for name, label in DETAIL_LABELS.items()}
        data: dict[str, Any] = {}
        rows: dict[str, int] = {}
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            label, value = (*row, None, None)[:2]
            name = field_of.get(_label_key(label))
            if name is None or value is None or not str(value).strip():
                continue
            data[name] = _detail_value(value)
            rows[name] = number
    finally:
        book.close()
    try:
        return DocumentSettings.model_validate(data)
    except ValidationError as exc:
        place = f"{path.name}, лист «{DETAILS_SHEET}»"
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            label = DETAIL_LABELS.get(name, name)
            lines.append(f"{place}, строка {rows.get(name, '?')} «{label}»: {_wrong(error)}")
        raise DocumentSettingsError("; ".join(lines)) from None


def _label_key(label: Any) -> str:
    return " ".join(str(label or "").lower().replace("ё", "е").split())


def _detail_value(value: Any) -> Any:
    """A date cell as a date, «01.09.2026» as a date, anything else as its text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        return text


def _wrong(error: Any) -> str:
    if error["type"].startswith("date"):
        return "ожидается дата (01.09.2026)"
    return "недопустимое значение"


def settings_for_region(folder: Path, explicit: Path | None = None) -> DocumentSettings:
    """The explicit file, else the region's `documents.yaml`, else a region workbook's
    «Реквизиты» sheet, else the defaults (blank fields)."""
    if explicit is not None:
        return load_document_settings(explicit)
    own = folder / SETTINGS_FILE if folder.is_dir() else folder.with_name(SETTINGS_FILE)
    if own.is_file():
        return load_document_settings(own)
    if folder.is_file() and folder.suffix.lower() == ".xlsx":
        return details_from_workbook(folder) or DocumentSettings()
    return DocumentSettings()
