"""Imported once by the extraction workers' server process (see flows/workers.py): everything a
worker needs — decoders, extractors, Parquet, the segmenters with the project's dictionary — is
loaded there, and each worker forked from it starts in milliseconds instead of seconds."""

import pyarrow.parquet  # noqa: F401

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
# One real report through decode and extract: whatever they load lazily (dictionaries, OpenCC
# tables, region lists) is loaded now, once, and shared by every worker.
extract(decode("平鲁区第八届人民代表大会第五次会议3月19日开幕，应出席代表185人，出席162人。".encode(), "boot.txt"))
