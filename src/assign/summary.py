"""What a region holds, per subject and per municipality, and how many methodists it needs.

`need()` is the one answer to "how many": `assign info` and the pool's recruitment plan both
use it with the unit and norm of the same `AssignmentSettings`, so their figures agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from assign.assignment.settings import PRESET_LOADS, AssignmentSettings, Preset
from assign.domain import Region
from assign.format import agree_verb, count_ru, fmt_int, fmt_number, ru_sort_key
from assign.subjects import subject_name


@dataclass(frozen=True)
class Norm:
    """A load norm of a source: how many teachers (in load units) one methodist serves."""

    key: str
    title: str
    min_load: float
    max_load: float


YAKUTIA_NORM = Norm("yakutia", "Якутия, 100–150 (002 §3.7)", *PRESET_LOADS[Preset.YAKUTIA])
FEDERAL_NORM = Norm("federal", "федеральная, 200–250 (АЗ-1061/08)", *PRESET_LOADS[Preset.FEDERAL])
NORMS = (YAKUTIA_NORM, FEDERAL_NORM)
"""The sources' norms, for comparison only: the need a person acts on is the settings' one."""

EPS = 1e-9


def amount_ru(value: float, unit: str = "heads") -> str:
    """«580 педагогов», «1 педагог»; a weighted load as «6,25 ед. нагрузки»."""
    if unit == "weighted":
        return f"{decimal_ru(value)} ед. нагрузки"
    n = round(value)
    return count_ru(n, "педагог")


def decimal_ru(value: float) -> str:
    """Up to two decimals without trailing zeros: «2,5», «6,25», «250»."""
    text = fmt_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _load_ru(value: float, unit: str) -> str:
    return fmt_int(value) if unit == "heads" else decimal_ru(value)


def methodists_ru(n: int) -> str:
    """Nominative: «1 методист», «2 методиста», «5 методистов»."""
    return count_ru(n, "методист")


def methodists_dat(n: int) -> str:
    """Dative: «1 методисту», «2 методистам»."""
    return count_ru(n, "методист", "datv")


@dataclass(frozen=True)
class Need:
    """How many methodists a subject's load calls for under a norm (min–max per methodist).

    `fewest` is the fewest whose maximum covers the load; `most` the most whose minimum the
    load still fills (None when the norm has no minimum). When fewest > most no number of
    methodists keeps every one within the norm, and `problem()` says so with the options.
    """

    load: float
    min_load: float
    max_load: float
    fewest: int
    most: int | None
    unit: str = "heads"

    @property
    def fits(self) -> bool:
        return self.most is None or self.fewest <= self.most

    def deficit(self, have: int) -> int:
        """Methodists to add to `have` to reach the fewest that carry the load."""
        return max(0, self.fewest - have)

    @property
    def norm_text(self) -> str:
        return f"{_load_ru(self.min_load, self.unit)}–{_load_ru(self.max_load, self.unit)}"

    def range_text(self) -> str:
        """«3», «3–5», or «3 и больше» when the norm has no minimum."""
        if self.most is None:
            return f"{self.fewest} и больше" if self.fewest else "0"
        if not self.fits or self.most == self.fewest:
            return str(self.fewest)
        return f"{self.fewest}–{self.most}"

    def problem(self) -> str | None:
        """Why the norm cannot divide the load, with the honest ways out; None when it can."""
        if self.fits:
            return None
        assert self.most is not None
        unit, load = self.unit, self.load
        amount = amount_ru(load, unit)
        if self.most == 0:
            return (
                f"{amount} — меньше минимальной нагрузки одного методиста по норме "
                f"{self.norm_text}; варианты: снизить минимум до {_load_ru(load, unit)} "
                f"(хватит 1 методиста) или закрепить этих педагогов за методистом другого "
                f"предмета либо совместителем с индивидуальной нормой"
            )
        few, many = self.most, self.fewest
        verb = agree_verb("возьмёт", few)
        scale = 1 if unit == "heads" else 100  # whole teachers, or hundredths of a weight
        lower = math.floor(load / many * scale + EPS) / scale
        upper = math.ceil(load / few * scale - EPS) / scale
        rest = load - few * self.max_load
        divide = "делятся" if unit == "weighted" else agree_verb("делится", round(load))
        return (
            f"{amount} не {divide} по норме {self.norm_text}: {methodists_ru(few)} {verb} "
            f"не более {_load_ru(few * self.max_load, unit)}, {many} — не менее "
            f"{_load_ru(many * self.min_load, unit)}; варианты: снизить минимум до "
            f"{_load_ru(lower, unit)}{self._split(many)}, поднять максимум до "
            f"{_load_ru(upper, unit)}{self._split(few)} или дать {methodists_dat(few)} по "
            f"{_load_ru(self.max_load, unit)}, а остаток — {amount_ru(rest, unit)} — закрепить "
            f"за методистом другого предмета либо совместителем с индивидуальной нормой"
        )

    def _split(self, n: int) -> str:
        """« (3 методиста по 193–194)»: the even split of a head count; weights split unevenly."""
        if self.unit != "heads":
            return ""
        low, high = math.floor(self.load / n + EPS), math.ceil(self.load / n - EPS)
        share = fmt_int(low) if low == high else f"{fmt_int(low)}–{fmt_int(high)}"
        return f" ({methodists_ru(n)} по {share})"


def need(load: float, min_load: float, max_load: float, unit: str = "heads") -> Need:
    """The fewest and the most methodists a load allows under the norm min_load–max_load."""
    if load <= EPS:
        return Need(0.0, min_load, max_load, 0, 0, unit)
    fewest = math.ceil(load / max_load - EPS)
    most = math.floor(load / min_load + EPS) if min_load > EPS else None
    return Need(load, min_load, max_load, fewest, most, unit)


def need_note(found: Need, shared: int = 0) -> str:
    """The plain words for a norm that cannot divide the load ('' when it can), softened when
    methodists of several subjects serve it: their load is counted over all their subjects."""
    text = found.problem()
    if text is None:
        return ""
    if shared:
        text += (
            f" (у предмета {methodists_ru(shared)} "
            "нескольких предметов: их нагрузка считается по всем предметам, и норма может "
            "выполняться)"
        )
    return text


def subject_need(region: Region, subject: str, settings: AssignmentSettings) -> Need:
    """The subject's need under the settings' norm and unit: the one figure info and the
    recruitment plan both show."""
    teachers = region.teachers_by_subject[subject]
    load = sum(settings.teacher_load(region, t) for t in teachers)
    return need(load, settings.load_min, settings.load_max, settings.load_unit)


def teacher_frame(region: Region) -> pd.DataFrame:
    """One row per teacher with subject, school, municipality and load weight."""
    rows = [
        {
            "teacher_id": t.teacher_id,
            "subject": t.subject,
            "school_id": t.school_id,
            "municipality_id": region.school_municipality(t.school_id),
            "weight": region.teacher_weight(t),
        }
        for t in region.teachers
    ]
    return pd.DataFrame(
        rows, columns=["teacher_id", "subject", "school_id", "municipality_id", "weight"]
    )


def subject_capacity(region: Region, settings: AssignmentSettings | None = None) -> pd.DataFrame:
    """Per subject: teachers, load, methodists, and the need and deficit under the settings.

    `need` / `need_most` are the fewest / most methodists of `need()` under the settings' norm
    and unit, `deficit` the methodists to add, `note` the plain words when the norm cannot
    divide the load. `need_<norm>` compare with the sources' norms in the same unit. A
    methodist of several subjects counts in each of them (`shared` says how many are).
    """
    settings = settings or AssignmentSettings()
    rows = []
    for subject in region.teachers_by_subject:
        covering = [m for m in region.methodists if subject in m.subjects]
        found = subject_need(region, subject, settings)
        shared = sum(1 for m in covering if len(m.subjects) > 1)
        row: dict[str, object] = {
            "subject": subject,
            "subject_name": subject_name(subject),
            "teachers": len(region.teachers_by_subject[subject]),
            "load": found.load,
            "methodists": len(covering),
            "shared": shared,
            "candidates": sum(1 for c in region.candidates if subject in c.subjects),
            "need": found.fewest,
            "need_most": found.most,
            "need_text": found.range_text(),
            "deficit": found.deficit(len(covering)),
            "fits": found.fits,
            "note": need_note(found, shared),
        }
        for norm in NORMS:
            row[f"need_{norm.key}"] = need(found.load, norm.min_load, norm.max_load).fewest
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.sort_values("teachers", ascending=False, kind="stable").reset_index(drop=True)


def municipality_table(region: Region) -> pd.DataFrame:
    """Per municipality: schools, teachers, methodists based there."""
    teachers = teacher_frame(region)
    schools = pd.Series([s.municipality_id for s in region.schools]).value_counts()
    heads = teachers.groupby("municipality_id").size()
    based = pd.Series(
        [region.person_base(m)[1] for m in region.methodists], dtype=object
    ).value_counts()
    rows = [
        {
            "municipality_id": m.municipality_id,
            "name": m.name,
            "schools": int(schools.get(m.municipality_id, 0)),
            "teachers": int(heads.get(m.municipality_id, 0)),
            "methodists": int(based.get(m.municipality_id, 0)),
        }
        for m in region.municipalities
    ]
    return pd.DataFrame(rows)


def subject_by_municipality(region: Region) -> pd.DataFrame:
    """Teachers per subject (columns, Russian names) and municipality (rows)."""
    teachers = teacher_frame(region)
    table = pd.crosstab(teachers["municipality_id"], teachers["subject"])
    names = {m.municipality_id: m.name for m in region.municipalities}
    table.index = [names[i] for i in table.index]
    columns: list[str] = [subject_name(str(c)) for c in table.columns]
    table.columns = pd.Index(columns)
    ordered: list[str] = sorted(columns, key=ru_sort_key)
    return table[ordered]
