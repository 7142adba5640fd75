"""An uploaded region unpacked without trusting it: a zip of CSVs (flattened; only .csv and
.yaml members) or an XLSX workbook, refused with one `UploadError` before it can cost more memory,
disk or time than a real region does.

Nothing in the archive is believed: the declared sizes and the compression ratio are checked
first (a bomb is refused without inflating a byte), then every member is inflated in chunks and
stopped as soon as it yields more than it declared or than the limits allow; the CRC is checked
on the way. A workbook must be one (it has ``xl/workbook.xml``), and each sheet's declared
dimension (``<dimension ref="A1:XFD1048576"/>``, read from the first few KB of the sheet) must fit
the cell budget. The loader does not trust the dimension either (`tables` reads rows as they come).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

REGION_FILES = (".csv", ".yaml")
_MiB = 1024 * 1024
_CHUNK = 64 * 1024
_DIMENSION_PREFIX = 8 * 1024
"""How much of a sheet's XML is read for its dimension (it comes right after the header)."""


@dataclass(frozen=True)
class UploadLimits:
    """What an upload may cost; the defaults fit the largest real regions many times over
    (a region of 300 000 teachers is about 40 MB of CSV)."""

    max_upload_bytes: int = 50 * _MiB
    max_entries: int = 500
    """Entries of any kind in the archive (a workbook has about ten plus two per sheet)."""
    max_region_files: int = 50
    """.csv and .yaml members of a zip of CSVs."""
    max_member_bytes: int = 100 * _MiB
    max_total_bytes: int = 200 * _MiB
    max_ratio: float = 200.0
    """Uncompressed to compressed size; text compresses 5–20 times, a bomb about 1000 times."""
    ratio_floor_bytes: int = 1 * _MiB
    """Members smaller than this uncompressed are not held to `max_ratio` (they cost nothing)."""
    max_sheet_rows: int = 1_048_576
    """Excel's own limit: a sheet declaring more is not from Excel."""
    max_sheet_columns: int = 300
    """A region's table has at most 20 columns; a registry export, a hundred or so."""
    max_sheet_cells: int = 20_000_000
    """Declared rows × columns over all sheets of a workbook."""


class UploadError(Exception):
    """An upload refused before reading its tables: a stable `code` for programs, a Russian
    `message` for people and the HTTP status a service should answer with (`status_hint`)."""

    def __init__(self, code: str, message: str, status_hint: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status_hint = code, message, status_hint

    def __repr__(self) -> str:
        return f"UploadError({self.code!r}, {self.message!r}, {self.status_hint})"


# stable codes
UPLOAD_FORMAT = "upload_format"
UPLOAD_CORRUPT = "upload_corrupt"
UPLOAD_ENCRYPTED = "upload_encrypted"
UPLOAD_TOO_MANY_FILES = "upload_too_many_files"
UPLOAD_TOO_LARGE = "upload_too_large"
UPLOAD_COMPRESSION = "upload_compression"
UPLOAD_SHEET_TOO_LARGE = "upload_sheet_too_large"
UPLOAD_FILE_NAME = "upload_file_name"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?"'
)
# what zipfile and zlib raise on a broken archive
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError)


def unpack_region(data: bytes, folder: Path, limits: UploadLimits = UploadLimits()) -> Path:
    """The path `load_region` reads: `folder / "region.xlsx"` for a workbook, or `folder` with
    the CSV and YAML members of a zip written into it (flattened). Raises `UploadError`."""
    if len(data) > limits.max_upload_bytes:
        raise UploadError(
            UPLOAD_TOO_LARGE, f"файл больше {limits.max_upload_bytes // _MiB} МБ", 413
        )
    if data.startswith(_OLE_MAGIC):
        raise UploadError(
            UPLOAD_FORMAT,
            "книга в старом формате XLS или защищена паролем: сохраните её как XLSX без пароля",
        )
    if data[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise UploadError(UPLOAD_FORMAT, "ожидается архив ZIP с CSV-файлами или книга XLSX")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _BROKEN as exc:
        raise _corrupt(exc) from exc
    if len(infos) > limits.max_entries:
        raise UploadError(
            UPLOAD_TOO_MANY_FILES,
            f"в архиве {len(infos)} файлов, допускается не больше {limits.max_entries}",
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
        return _unpack_workbook(data, archive, infos, folder, limits)
    return _unpack_csvs(archive, infos, folder, limits)


def _unpack_workbook(
    data: bytes,
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    folder: Path,
    limits: UploadLimits,
) -> Path:
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise UploadError(
            UPLOAD_FORMAT,
            "файл похож на документ Office, но это не книга XLSX (нет xl/workbook.xml): "
            "сохраните данные как книгу Excel (XLSX)",
        )
    _check_declared(infos, limits)
    total = 0
    for info in infos:
        total += _inflate(archive, info, limits, total)
    cells = 0
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            cells += _declared_cells(archive, info, limits)
            if cells > limits.max_sheet_cells:
                raise UploadError(
                    UPLOAD_SHEET_TOO_LARGE,
                    f"листы книги объявляют больше {limits.max_sheet_cells:,} ячеек".replace(
                        ",", " "
                    )
                    + ": удалите лишние строки и столбцы (Ctrl+End показывает последнюю ячейку)",
                    413,
                )
    path = folder / "region.xlsx"
    path.write_bytes(data)
    return path


def _unpack_csvs(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], folder: Path, limits: UploadLimits
) -> Path:
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.is_dir():
            continue
        name = _member_name(info)
        if name is None:
            continue
        if _CONTROL.search(name) or len(name.encode()) > 200:
            raise UploadError(
                UPLOAD_FILE_NAME,
                "в архиве файл с недопустимым именем (управляющие символы "
                "или длиннее 200 байт): переименуйте его",
            )
        if name in members:
            raise UploadError(
                UPLOAD_FILE_NAME,
                f"в архиве два файла «{name}» в разных папках: оставьте один",
            )
        members[name] = info
    if not members:
        raise UploadError(UPLOAD_FORMAT, "в архиве нет CSV-файлов региона")
    if len(members) > limits.max_region_files:
        raise UploadError(
            UPLOAD_TOO_MANY_FILES,
            f"в архиве {len(members)} файлов CSV и YAML, допускается не больше "
            f"{limits.max_region_files}",
        )
    _check_declared(list(members.values()), limits)
    total = 0
    for name, info in members.items():
        content = bytearray()
        total += _inflate(archive, info, limits, total, content)
        (folder / name).write_bytes(content)
    return folder


def _member_name(info: zipfile.ZipInfo) -> str | None:
    """The flattened file name of a region member, or None for anything else (other files,
    macOS resource forks). Names not flagged UTF-8 are read as Windows writes them (CP866)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("cp866")
    path = PurePosixPath(name.replace("\\", "/"))
    if "__MACOSX" in path.parts or path.name.startswith("._"):
        return None
    if path.suffix.lower() not in REGION_FILES:
        return None
    return path.name


def _check_declared(infos: list[zipfile.ZipInfo], limits: UploadLimits) -> None:
    """Refuse by the central directory alone: encryption, sizes, ratio."""
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UploadError(
                UPLOAD_ENCRYPTED,
                f"файл «{info.filename}» в архиве зашифрован: загрузите архив без пароля",
            )
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _ratio(info.filename)
        if info.file_size > limits.max_member_bytes:
            raise _too_large(info.filename, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _total_too_large(limits)


def _inflate(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: UploadLimits,
    total_before: int,
    out: bytearray | None = None,
) -> int:
    """The member's size, inflating it chunk by chunk (into `out` when given) and stopping once
    it yields more than it declared, than the limits or than the ratio allow; zipfile checks
    the CRC at the end."""
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > info.file_size:
                    raise UploadError(
                        UPLOAD_CORRUPT,
                        f"файл «{info.filename}» в архиве больше, чем указано в архиве: "
                        "архив повреждён или подделан",
                    )
                if size > limits.max_member_bytes:
                    raise _too_large(info.filename, limits)
                if total_before + size > limits.max_total_bytes:
                    raise _total_too_large(limits)
                if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(
                    info.compress_size, 1
                ):
                    raise _ratio(info.filename)
                if out is not None:
                    out += chunk
    except UploadError:
        raise
    except RuntimeError as exc:  # zipfile: "File is encrypted, password required"
        raise UploadError(
            UPLOAD_ENCRYPTED,
            f"файл «{info.filename}» в архиве зашифрован: загрузите архив без пароля",
        ) from exc
    except _BROKEN as exc:
        raise _corrupt(exc, info.filename) from exc
    if size != info.file_size:
        raise _corrupt(None, info.filename)
    return size


def _declared_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: UploadLimits) -> int:
    """Rows × columns the sheet's dimension declares (0 without one), refused beyond limits."""
    try:
        with archive.open(info) as handle:
            head = handle.read(_DIMENSION_PREFIX)
    except _BROKEN as exc:
        raise _corrupt(exc, info.filename) from exc
    match = _DIMENSION.search(head)
    if match is None:
        return 0
    first_col, first_row, last_col, last_row = match.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    columns = _column_number(last_col) - _column_number(first_col) + 1
    rows = int(last_row) - int(first_row) + 1
    sheet = PurePosixPath(info.filename).stem
    if rows > limits.max_sheet_rows or columns > limits.max_sheet_columns:
        raise UploadError(
            UPLOAD_SHEET_TOO_LARGE,
            f"лист ({sheet}) объявляет {rows:,} строк и {columns:,} столбцов".replace(",", " ")
            + f"; допускается не больше {limits.max_sheet_columns} столбцов: удалите лишние "
            "строки и столбцы (Ctrl+End показывает последнюю ячейку) и сохраните книгу заново",
            413,
        )
    return max(rows, 0) * max(columns, 0)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter - ord("A") + 1)
    return number


def _too_large(name: str, limits: UploadLimits) -> UploadError:
    return UploadError(
        UPLOAD_TOO_LARGE,
        f"файл «{name}» в архиве больше {limits.max_member_bytes // _MiB} МБ после распаковки",
        413,
    )


def _total_too_large(limits: UploadLimits) -> UploadError:
    return UploadError(
        UPLOAD_TOO_LARGE,
        f"распакованные файлы больше {limits.max_total_bytes // _MiB} МБ",
        413,
    )


def _ratio(name: str) -> UploadError:
    return UploadError(
        UPLOAD_COMPRESSION,
        f"файл «{name}» сжат слишком сильно для таблицы (похоже на «zip-бомбу»): "
        "загрузите обычный архив",
        413,
    )


def _corrupt(exc: BaseException | None, name: str | None = None) -> UploadError:
    where = f"файл «{name}» в архиве" if name else "архив"
    return UploadError(
        UPLOAD_CORRUPT,
        f"{where} повреждён или обрезан: заархивируйте файлы заново"
        + (f" ({type(exc).__name__})" if exc is not None else ""),
    )
