"""An uploaded region, unpacked the same way on upload and whenever a job reads it again: a zip
of CSVs (flattened; only .csv and .yaml files) or an XLSX workbook."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ZIP_FILES = 50
REGION_FILES = (".csv", ".yaml")


class ApiError(Exception):
    """An error the API answers with: HTTP status, stable code, Russian message."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def unpack_region(data: bytes, folder: Path) -> Path:
    """The path `load_region` reads: the workbook, or `folder` with the CSVs written into it."""
    if data[:2] != b"PK":
        raise ApiError(400, "upload_format", "Ожидается архив ZIP с CSV-файлами или книга XLSX")
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    if "[Content_Types].xml" in names:  # an XLSX workbook is a zip too
        path = folder / "region.xlsx"
        path.write_bytes(data)
        return path
    members = [n for n in names if PurePosixPath(n).suffix.lower() in REGION_FILES]
    if not members or len(members) > MAX_ZIP_FILES:
        raise ApiError(
            400, "upload_format", "В архиве нет CSV-файлов региона (или их слишком много)"
        )
    total = sum(archive.getinfo(n).file_size for n in members)
    if total > MAX_UPLOAD_BYTES * 4:
        raise ApiError(413, "upload_too_large", "Распакованные файлы слишком велики")
    for name in members:
        (folder / PurePosixPath(name).name).write_bytes(archive.read(name))
    return folder
