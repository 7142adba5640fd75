"""Hostile uploads are refused quickly, with a stable code, and within a memory cap.

Each bomb is built here (never written out uncompressed) and unpacked and loaded in a child
process whose address space is capped at 1 GiB, so a regression fails the test instead of taking
the machine down. Hostile tables that do unpack (a 200 KB cell, NUL in a name, a million blank
lines) give findings, never a traceback."""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from assign.errors import Code
from assign.format import fmt_int
from assign.io import load_region
from assign.io.archive import UploadError, UploadLimits, unpack_region
from conftest import DATA, REPO

MEMORY_CAP = 1024 * 1024 * 1024
SECONDS = 30.0

_CHILD = """
import json, pathlib, resource, sys, tempfile
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from assign.io import load_region
from assign.io.archive import UploadError, unpack_region

upload = pathlib.Path(sys.argv[1])
try:
    with tempfile.TemporaryDirectory() as tmp:
        if sys.argv[2] == "load":  # the loader alone, as the CLI reads a workbook
            result = load_region(upload)
        else:
            result = load_region(unpack_region(upload.read_bytes(), pathlib.Path(tmp)))
except UploadError as exc:
    print(json.dumps({{"code": exc.code, "status": exc.status_hint, "message": exc.message}}))
else:
    report = result.report
    print(json.dumps({{"loaded": result.region is not None, "codes": sorted(report.codes()),
                      "listed": len(report.issues), "errors": report.error_count}}))
"""


def unpack_in_child(data: bytes, tmp_path: Path, mode: str = "unpack") -> dict[str, object]:
    """What unpacking and loading `data` ends in (`mode="load"`: loading it as a workbook), run
    under the memory cap and the clock."""
    upload = tmp_path / ("upload.xlsx" if mode == "load" else "upload.bin")
    upload.write_bytes(data)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD.format(cap=MEMORY_CAP), str(upload), mode],
        capture_output=True,
        text=True,
        timeout=SECONDS * 2,
        env=env,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert elapsed < SECONDS
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def zip_of(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def small_ok_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((DATA / "small_ok").iterdir())}


def set_flag_bits(data: bytes, bits: int) -> bytes:
    """The archive with `bits` set in every local and central header's general purpose flag."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = out.find(signature)
        while start >= 0:
            (flag,) = struct.unpack_from("<H", out, start + offset)
            struct.pack_into("<H", out, start + offset, flag | bits)
            start = out.find(signature, start + 4)
    return bytes(out)


def member_data_offset(data: bytes, name: str) -> int:
    """Where the stored bytes of member `name` begin."""
    header = data.find(b"PK\x03\x04")
    while header >= 0:
        name_length, extra_length = struct.unpack_from("<HH", data, header + 26)
        if data[header + 30 : header + 30 + name_length] == name.encode():
            return header + 30 + name_length + extra_length
        header = data.find(b"PK\x03\x04", header + 4)
    raise KeyError(name)


def set_declared_size(data: bytes, size: int) -> bytes:
    """The archive whose (single) member declares `size` uncompressed bytes."""
    out = bytearray(data)
    struct.pack_into("<I", out, out.find(b"PK\x03\x04") + 22, size)
    struct.pack_into("<I", out, out.find(b"PK\x01\x02") + 24, size)
    return bytes(out)


def gigabyte_zip() -> bytes:
    """teachers.csv of 1 GiB of zeros, deflated to about 1 MB, written in chunks."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("teachers.csv", "w", force_zip64=True) as member,
    ):
        chunk = bytes(1 << 20)
        for _ in range(1024):
            member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def gigabyte_of_zeros() -> bytes:
    return gigabyte_zip()


def workbook_bytes(*sheet_xml_edits: tuple[bytes, bytes]) -> bytes:
    """A real little workbook (a «Педагоги» sheet), its sheet XML edited (old → new)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Педагоги"
    sheet.append(["teacher_id", "full_name", "school_id", "subject"])
    sheet.append(["t1", "Иванова Анна", "s1", "Математика"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if not sheet_xml_edits:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        files = {info.filename: source.read(info) for info in source.infolist()}
    for old, new in sheet_xml_edits:
        assert old in files["xl/worksheets/sheet1.xml"]
        files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"].replace(old, new)
    return zip_of(files)


# --- bombs and broken archives, in a child process under the cap ----------------------------
def test_a_gigabyte_member_is_refused_by_its_ratio(
    gigabyte_of_zeros: bytes, tmp_path: Path
) -> None:
    answer = unpack_in_child(gigabyte_of_zeros, tmp_path)
    assert answer["code"] == "upload_compression"
    assert answer["status"] == 413


def test_a_member_larger_than_it_declares_is_stopped_while_inflating(
    gigabyte_of_zeros: bytes, tmp_path: Path
) -> None:
    """Headers are not trusted: the bomb declaring 100 bytes passes every declared check and is
    stopped by what it yields."""
    answer = unpack_in_child(set_declared_size(gigabyte_of_zeros, 100), tmp_path)
    assert answer["code"] == "upload_corrupt"


def test_a_workbook_declaring_the_whole_sheet_is_refused(tmp_path: Path) -> None:
    data = workbook_bytes((b'<dimension ref="A1:D2"/>', b'<dimension ref="A1:XFD1048576"/>'))
    assert len(data) < 10_000
    answer = unpack_in_child(data, tmp_path)
    assert answer["code"] == "upload_sheet_too_large"
    assert "16 384 столбцов" in str(answer["message"])


FAR_ROW = (
    b'<row r="1048576"><c r="KO1048576" t="inlineStr"><is><t>x</t></is></c>'
    b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
)


@pytest.mark.parametrize("dimension", [b"A1:D2", b"A1:XFD1048576"])
def test_a_far_cell_costs_nothing_whatever_the_dimension_says(
    dimension: bytes, tmp_path: Path
) -> None:
    """Cells at row 1 048 576 (column 301 and the last column): the loader reads the rows that
    are there, not the declared dimension, and no further than 300 columns."""
    data = workbook_bytes(
        (b'<dimension ref="A1:D2"/>', b'<dimension ref="' + dimension + b'"/>'),
        (b"</sheetData>", FAR_ROW + b"</sheetData>"),
    )
    answer = unpack_in_child(data, tmp_path, mode="load")
    assert answer["loaded"] is False
    assert "table_too_large" in answer["codes"]  # type: ignore[operator]


OFFICE_WITHOUT_WORKBOOK = zip_of({"[Content_Types].xml": b"<Types/>"})
TWO_TEACHERS = zip_of({"../../etc/teachers.csv": b"a", "a/teachers.csv": b"b"})


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("garbage", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "upload_format"),
        (
            "old xls or encrypted xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(9),
            "upload_format",
        ),
        ("PK and garbage", b"PK\x03\x04" + os.urandom(2000), "upload_corrupt"),
        ("office zip without a workbook", OFFICE_WITHOUT_WORKBOOK, "upload_format"),
        ("zip without csv", zip_of({"readme.txt": b"hello"}), "upload_format"),
        (
            "too many entries",
            zip_of({f"{i}.txt": b"" for i in range(600)}),
            "upload_too_many_files",
        ),
        ("too many csv", zip_of({f"t{i}.csv": b"a" for i in range(60)}), "upload_too_many_files"),
        ("one name twice", TWO_TEACHERS, "upload_file_name"),
    ],
)
def test_what_is_not_a_region_archive_is_refused(
    name: str, data: bytes, code: str, tmp_path: Path
) -> None:
    with pytest.raises(UploadError) as raised:
        unpack_region(data, tmp_path)
    assert raised.value.code == code, name
    assert list(tmp_path.iterdir()) == []


def test_an_encrypted_member_is_refused(tmp_path: Path) -> None:
    answer = unpack_in_child(set_flag_bits(zip_of(small_ok_files()), 0x1), tmp_path)
    assert answer["code"] == "upload_encrypted"


def test_a_wrong_crc_is_refused(tmp_path: Path) -> None:
    data = bytearray(zip_of(small_ok_files(), zipfile.ZIP_STORED))
    data[member_data_offset(data, "teachers.csv")] ^= 0xFF
    answer = unpack_in_child(bytes(data), tmp_path)
    assert answer["code"] == "upload_corrupt"


def test_a_truncated_archive_is_refused(tmp_path: Path) -> None:
    data = zip_of(small_ok_files())
    assert unpack_in_child(data[: len(data) // 2], tmp_path)["code"] == "upload_corrupt"


def test_a_truncated_member_is_refused(tmp_path: Path) -> None:
    """The central directory is intact but a member's deflate stream is cut short."""
    content = os.urandom(4000).hex().encode()
    data = bytearray(zip_of({"teachers.csv": content}))
    start = member_data_offset(data, "teachers.csv")
    data[start + 100 : start + 200] = bytes(100)
    with pytest.raises(UploadError) as raised:
        unpack_region(bytes(data), tmp_path)
    assert raised.value.code == "upload_corrupt"


def test_declared_sizes_beyond_the_limits_are_refused_before_inflating(tmp_path: Path) -> None:
    limits = UploadLimits(max_member_bytes=1000)
    data = zip_of({"teachers.csv": b"a" * 2000})
    with pytest.raises(UploadError) as raised:
        unpack_region(data, tmp_path, limits)
    assert (raised.value.code, raised.value.status_hint) == ("upload_too_large", 413)
    with pytest.raises(UploadError) as raised:
        unpack_region(zip_of(small_ok_files()), tmp_path, UploadLimits(max_total_bytes=1000))
    assert raised.value.code == "upload_too_large"


# --- what a real region looks like still unpacks ---------------------------------------------
def test_a_name_climbing_out_of_the_folder_stays_in_it(tmp_path: Path) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    unpack_region(zip_of({"../../teachers.csv": b"a", "/etc/schools.csv": b"b"}), folder)
    assert sorted(p.name for p in folder.iterdir()) == ["schools.csv", "teachers.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["upload"]


def test_a_zip_of_csvs_unpacks_flat_and_loads(tmp_path: Path) -> None:
    files = {f"region/{name}": content for name, content in small_ok_files().items()}
    files["__MACOSX/region/._teachers.csv"] = b"\x00\x05\x16\x07"
    folder = unpack_region(zip_of(files), tmp_path)
    assert folder == tmp_path
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        name for name in small_ok_files() if name.endswith((".csv", ".yaml"))
    )
    assert load_region(folder).region is not None


def test_a_russian_name_zipped_by_windows_is_read_as_cp866(tmp_path: Path) -> None:
    name = "Педагоги.csv".encode("cp866")
    placeholder = b"x" * (len(name) - 4) + b".csv"
    data = zip_of({placeholder.decode(): b"teacher_id\n"}).replace(placeholder, name)
    unpack_region(data, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["Педагоги.csv"]


def test_a_workbook_unpacks_as_itself(tmp_path: Path) -> None:
    data = workbook_bytes()
    path = unpack_region(data, tmp_path)
    assert path == tmp_path / "region.xlsx"
    assert path.read_bytes() == data


# --- hostile tables: findings, never a traceback ---------------------------------------------
def test_a_200_kb_cell_is_a_finding(small_copy: Path) -> None:
    teachers = small_copy / "teachers.csv"
    lines = teachers.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[1] = '"' + "Иванова " * 25_000 + '"'
    lines[1] = ",".join(cells)
    teachers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_region(small_copy)
    assert result.region is None
    [issue] = [i for i in result.report.errors if i.code is Code.VALUE_TOO_LONG]
    assert (issue.file, issue.row, issue.column) == ("teachers.csv", 2, lines[0].split(",")[1])
    assert len(issue.value or "") < 200
    # one error for one cause: not also «нет обязательной таблицы «Педагоги»»
    assert [i.code for i in result.report.errors] == [Code.VALUE_TOO_LONG]


def test_an_unclosed_quote_is_one_finding(small_copy: Path) -> None:
    """A stray quote before a name (the review's case on Tambov, row 61): the rest of the
    file becomes one cell, too long to read. One error, at the row and in the column of the
    quote, called what it is — an unclosed quote, not a cell too long (a planner's review
    found the old message sent them looking for a long text that was not there)."""
    teachers = small_copy / "teachers.csv"
    lines = teachers.read_text(encoding="utf-8").splitlines()
    extra = [f"X{n:05d},Иванова Анна Петровна,S1,Математика" for n in range(4_000)]
    lines = [lines[0], lines[1].replace(",", ',"', 1), *lines[2:], *extra]
    teachers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_region(small_copy)
    assert result.region is None
    assert [(i.code, i.file, i.row) for i in result.report.errors] == [
        (Code.QUOTE_UNCLOSED, "teachers.csv", 2)
    ]
    [issue] = result.report.errors
    assert issue.column == lines[0].split(",")[1] and "кавычка" in issue.message
    # the lines it ran over, up to the size at which Python's reader gives up
    assert re.search(r"захватила \d[\d ]* следующих строк", issue.message)
    assert len(issue.value or "") <= 60


def test_an_unclosed_quote_leaves_the_other_files_checked(small_copy: Path) -> None:
    """Found by a planner: a stray quote in teachers.csv hid a misspelt municipality in
    schools.csv until the quote was fixed. The rows before the quote stand, so every file is
    checked in one pass — and nothing that refers to the rows after it is reported again."""
    teachers = small_copy / "teachers.csv"
    lines = teachers.read_text(encoding="utf-8").splitlines()
    extra = [f"X{n:05d},Иванова Анна Петровна,S1,Математика" for n in range(4_000)]
    lines = [lines[0], lines[1].replace(",", ',"', 1), *lines[2:], *extra]
    teachers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    schools = small_copy / "schools.csv"
    text = schools.read_text(encoding="utf-8")
    first_school = text.splitlines()[1]
    municipality = first_school.split(",")[2]
    schools.write_text(
        text.replace(first_school, first_school.replace(municipality, "Бондарскй район", 1)),
        encoding="utf-8",
    )
    result = load_region(small_copy)
    assert result.region is None
    assert [(i.code, i.file, i.row) for i in result.report.errors] == [
        (Code.QUOTE_UNCLOSED, "teachers.csv", 2),
        (Code.UNKNOWN_REFERENCE, "schools.csv", 2),
    ]


def test_a_nul_in_a_name_is_a_finding(small_copy: Path) -> None:
    teachers = small_copy / "teachers.csv"
    lines = teachers.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[1] = "Петро\x00ва"
    lines[2] = ",".join(cells)
    teachers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_region(small_copy)
    assert result.region is None
    [issue] = [i for i in result.report.errors if i.code is Code.VALUE_CONTROL_CHARS]
    assert (issue.file, issue.row, issue.column) == ("teachers.csv", 3, lines[0].split(",")[1])
    assert all("\x00" not in (i.value or "") + i.message for i in result.report.issues)


def test_a_tab_inside_quoted_text_is_no_finding(small_copy: Path) -> None:
    teachers = small_copy / "teachers.csv"
    lines = teachers.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[1] = '"' + cells[1].replace(" ", "\t", 1) + '"'
    lines[1] = ",".join(cells)
    teachers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_region(small_copy)
    assert Code.VALUE_CONTROL_CHARS.value not in result.report.codes()


def test_a_long_name_is_a_finding(small_copy: Path) -> None:
    schools = small_copy / "schools.csv"
    lines = schools.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[1] = "Школа " * 100
    lines[1] = ",".join(cells)
    schools.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_region(small_copy)
    [issue] = [i for i in result.report.errors if i.code is Code.VALUE_TOO_LONG]
    assert (issue.file, issue.row) == ("schools.csv", 2)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("binary garbage", bytes(range(256)) * 64),
        ("utf-16 without a BOM", "teacher_id,full_name\nt1,Анна\n".encode("utf-16-le")),
        ("a million blank lines", b"teacher_id,full_name,school_id,subject\n" + b"\n" * 1_000_000),
        ("a million empty cells", b"teacher_id,full_name,school_id,subject\n" + b"," * 1_000_000),
    ],
)
def test_a_hostile_csv_gives_findings(name: str, content: bytes, small_copy: Path) -> None:
    (small_copy / "teachers.csv").write_bytes(content)
    started = time.monotonic()
    result = load_region(small_copy)
    assert time.monotonic() - started < SECONDS
    assert result.region is None, name
    assert result.report.errors
    assert all(len(i.message) < 2000 and len(i.value or "") < 300 for i in result.report.issues)


def test_a_sheet_of_formulas_gives_findings_not_a_traceback(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Педагоги"
    sheet.append(["teacher_id", "full_name", "school_id", "subject"])
    for row in range(2, 2000):
        sheet.append([f"=A{row - 1}&1", "=1/0", '=HYPERLINK("x")', f"=SUM(A1:A{row})"])
    path = tmp_path / "region.xlsx"
    book.save(path)
    result = load_region(path)
    assert result.region is None
    assert result.report.errors


def test_floods_of_findings_are_listed_boundedly_but_counted(small_copy: Path) -> None:
    header = "teacher_id,full_name,school_id,subject," + ",".join(f"c{i}" for i in range(250))
    rows = [f"t{i},,s{i},Химия{i}" for i in range(6_000)]
    (small_copy / "teachers.csv").write_text(header + "\n" + "\n".join(rows), encoding="utf-8")
    report = load_region(small_copy).report
    assert len(report.issues) <= 2 * 200 + 1
    assert report.error_count >= 12_000
    assert sum(report.counts.values()) >= report.error_count
    assert len(json.dumps([i.as_dict() for i in report.issues], ensure_ascii=False)) < 400_000


def test_validate_tells_the_total_of_a_flood(small_copy: Path) -> None:
    from typer.testing import CliRunner

    from assign.cli import app

    rows = [f"t{i},,s{i},Химия" for i in range(3_000)]
    header = "teacher_id,full_name,school_id,subject\n"
    (small_copy / "teachers.csv").write_text(header + "\n".join(rows), encoding="utf-8")
    runner = CliRunner()
    data = json.loads(runner.invoke(app, ["validate", str(small_copy), "--json"]).output)
    assert data["errors"] >= 3_000
    assert data["counts"]["value_missing"] == 3_000
    assert len(data["issues"]) < 100
    shown = runner.invoke(app, ["validate", str(small_copy)], env={"COLUMNS": "200"}).output
    assert f"Найдено ошибок: {fmt_int(data['errors'])}." in shown


def test_heavy_work_waits_for_a_slot_without_a_thread_and_a_late_one_is_told_busy() -> None:
    """One slot: a second call waits on the event loop, not in a thread, and after
    `wait_seconds` is a 503 `busy`; a third once the slot is free runs."""
    import anyio

    from assign.service.errors import ApiError
    from assign.service.isolated import Isolated

    heavy = Isolated(1, 512, 30, wait_seconds=0.5)
    outcomes: list[str] = []

    async def call() -> None:
        try:
            await heavy.run(time.sleep, 1.5)
            outcomes.append("ran")
        except ApiError as exc:
            outcomes.append(exc.code)

    async def main() -> int:
        async with anyio.create_task_group() as group:
            group.start_soon(call)
            await anyio.sleep(0.2)  # the first holds the slot
            group.start_soon(call)
            await anyio.sleep(0.1)
            threads = anyio.to_thread.current_default_thread_limiter().borrowed_tokens
        await call()
        return threads

    threads_while_waiting = anyio.run(main)
    assert outcomes == ["busy", "ran", "ran"]
    assert threads_while_waiting == 1  # the running child's, none for the waiting call
