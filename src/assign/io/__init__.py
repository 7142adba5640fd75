"""Reading and writing region data: CSV folders and XLSX workbooks."""

from assign.io.loader import LoadResult, load_region, load_region_or_raise
from assign.io.writer import region_tables, write_tables

__all__ = ["LoadResult", "load_region", "load_region_or_raise", "region_tables", "write_tables"]
