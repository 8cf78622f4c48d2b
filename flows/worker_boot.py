"""Imported once by the extraction workers' server process (see flows/workers.py): everything a
worker needs — decoders, extractors, Parquet, jieba with its dictionary — is loaded there, and
each worker forked from it starts in milliseconds instead of seconds."""

import jieba
import pyarrow.parquet  # noqa: F401

import flows.staging  # noqa: F401
import transforms.decode  # noqa: F401
import transforms.extract  # noqa: F401
import transforms.reconcile  # noqa: F401
import transforms.rows  # noqa: F401
import warehouse.store  # noqa: F401

jieba.initialize()
