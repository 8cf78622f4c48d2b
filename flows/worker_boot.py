"""Imported once by the extraction workers' server process (see flows/workers.py): everything a
worker needs — decoders, extractors, Parquet, the segmenters with the project's dictionary — is
loaded there, and each worker forked from it starts in milliseconds instead of seconds.

Only that process imports this module: it makes pandas unimportable (`_NoPandas`), which the
run's own process needs for Great Expectations."""

import sys


class _NoPandas:
    """A meta-path finder that refuses pandas. No worker step uses pandas, but pyarrow imports it
    on its first conversion of Python values (`pa.array`, `Table.from_pylist`) only to ask
    whether a value is a pandas object; without pandas it skips that question, and the shards
    are byte for byte the same (tests/test_isolation.py). Measured over 3,000 bench files in one
    worker: ~45 MB less peak RSS (331 vs 376 MB) and ~0.2–0.5 s less CPU, per worker. A library
    that someday needs pandas in a worker fails on its file with ModuleNotFoundError (the file
    is quarantined with that message), not silently."""

    def find_spec(self, name, path=None, target=None):  # importlib's MetaPathFinder protocol
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r} (extraction workers do without pandas: "
                                      "flows/worker_boot.py)", name=name)
        return None


if "pandas" not in sys.modules:
    sys.meta_path.insert(0, _NoPandas())

import lxml.html  # noqa: F401  (HTML pages: imported here once, not by every worker)
import pyarrow.parquet  # noqa: F401
import trafilatura  # noqa: F401

import expectations.rules  # noqa: F401  (validation rows are built in the workers)
import flows.staging  # noqa: F401
import transforms.reconcile  # noqa: F401
import transforms.rows  # noqa: F401
import warehouse.store  # noqa: F401
from transforms import keywords
from transforms.decode import decode
from transforms.extract import extract

if keywords.USER_DICT.is_file():
    keywords.load_user_dictionary(keywords.USER_DICT.read_text(encoding="utf-8").splitlines())
# One real report through decode and extract, as text and as a page: whatever they load lazily
# (dictionaries, OpenCC tables, region lists, trafilatura's settings) is loaded now, once, and
# shared by every worker.
_BOOT = "平鲁区第八届人民代表大会第五次会议3月19日开幕，应出席代表185人，出席162人。"
extract(decode(_BOOT.encode(), "boot.txt"))
extract(decode(f"<html><body><article><p>{_BOOT}</p></article></body></html>".encode(), "boot.html"))
