"""Segmenters compared on the same texts: speed per report and whether their tokens agree.

    python -m bench.segmentation [--generated N] [--corpus DIR] [--json OUT]

Candidates, each with the project's user dictionary loaded, cutting `Document.clean` (the text
the keyword step reads) in ONE process:

- `jieba` 0.42.1 (the pinned reference), HMM on (what shipped until now) and off;
- `jieba_next` 1.0.0rc1 (MIT, a Rust-accelerated fork with the same API and dictionary), HMM on
  and off, when it is installed (`pip install jieba-next==1.0.0rc1`; it is not a dependency).

Texts: the dev corpus (`../shared/corpus`, when present), the project's own fixtures
(`tests/cases/**`) and N generated reports (`bench/generate.py`, seed 0, the invalid ones
skipped). For each candidate: CPU milliseconds per report (`time.process_time`, so other load on
the machine barely moves it), the number of texts whose tokens equal each reference mode's, and
the number of texts whose top-20 keywords (candidates weighed by the set's own IDF, as the
warehouse does) equal each reference's, and the mean overlap (Jaccard) of their top-10 terms.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def texts_of(corpus: Path | None, fixtures: Path | None, generated: int) -> dict[str, list[str]]:
    """{set name: clean texts} for the dev corpus, the fixtures and `generated` bench reports."""
    from bench.generate import generate_text
    from transforms.decode import decode

    def decoded(paths: Iterable[Path]) -> list[str]:
        out = []
        for p in paths:
            doc = decode(p.read_bytes(), p.name)
            if doc.clean.strip():
                out.append(doc.clean)
        return out

    sets: dict[str, list[str]] = {}
    if corpus is not None and (corpus / "reports").is_dir():
        sets["dev corpus"] = decoded(sorted((corpus / "reports").iterdir()))
    if fixtures is not None and fixtures.is_dir():
        sets["fixtures"] = decoded(sorted(p for p in fixtures.rglob("*")
                                          if p.is_file() and p.suffix in (".txt", ".html", ".htm", ".docx", ".pdf")))
    if generated:
        from transforms.document import Document

        sets["generated"] = [Document.from_text(t).clean for t in
                             (generate_text(0, i) for i in range(generated)) if t]
    return sets


def _loaded(module_name: str) -> Any | None:
    """The segmenter module with the user dictionary added, or None when it is not installed."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    from transforms.keywords import USER_DICT, dictionary_entries

    getattr(module, "set_log_level", getattr(module, "setLogLevel", None))(60)
    module.initialize()
    for word, freq, tag in dictionary_entries(USER_DICT.read_text(encoding="utf-8").splitlines()):
        module.add_word(word, freq=freq, tag=tag)
    return module


def _time(cut: Callable[[str], list[str]], texts: list[str]) -> tuple[list[list[str]], float]:
    cut(texts[0])  # warm caches (regexes, lazily built tables)
    began = time.process_time()
    tokens = [cut(t) for t in texts]
    return tokens, time.process_time() - began


def _jaccard(a: list[tuple[str, float]], b: list[tuple[str, float]]) -> float:
    x, y = {t for t, _ in a}, {t for t, _ in b}
    return len(x & y) / len(x | y) if x | y else 1.0


def compare(sets: dict[str, list[str]], reference_mode: str = "jieba HMM off") -> dict[str, Any]:
    """Per set and candidate: ms/report (CPU), tokens equal to each reference, keywords equal."""
    from collections import Counter

    from transforms.keywords import candidates_from_tokens, weigh

    stock = _loaded("jieba")
    nxt = _loaded("jieba_next")
    candidates: dict[str, Callable[[str], list[str]]] = {
        "jieba HMM on": lambda t: stock.lcut(t, HMM=True),
        "jieba HMM off": lambda t: stock.lcut(t, HMM=False),
    }
    if nxt is not None:
        candidates["jieba_next HMM on"] = lambda t: nxt.lcut(t, HMM=True)
        candidates["jieba_next HMM off"] = lambda t: nxt.lcut(t, HMM=False)
    out: dict[str, Any] = {"jieba_next_installed": nxt is not None, "reference": reference_mode, "sets": {}}
    for name, texts in sets.items():
        if not texts:
            continue
        tokens: dict[str, list[list[str]]] = {}
        row: dict[str, Any] = {"texts": len(texts), "chars_per_text": round(sum(map(len, texts)) / len(texts))}
        for label, cut in candidates.items():
            tokens[label], seconds = _time(cut, texts)
            row[label] = {"ms_per_report": round(1000 * seconds / len(texts), 3)}
        kw = {}
        for label, toks in tokens.items():  # weighed by this set's own document frequencies
            found = [candidates_from_tokens(ts) for ts in toks]
            df = Counter(k.term for f in found for k in f)
            kw[label] = [[(k.term, k.weight) for k in weigh(f, df, len(found))] for f in found]
        for label in candidates:
            for ref in ("jieba HMM on", "jieba HMM off"):
                row[label][f"tokens_equal_{ref.split()[-1]}"] = sum(
                    a == b for a, b in zip(tokens[label], tokens[ref]))
                row[label][f"keywords_equal_{ref.split()[-1]}"] = sum(a == b for a, b in zip(kw[label], kw[ref]))
                row[label][f"top10_overlap_{ref.split()[-1]}"] = round(sum(
                    _jaccard(a[:10], b[:10]) for a, b in zip(kw[label], kw[ref])) / len(texts), 3)
        out["sets"][name] = row
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generated", type=int, default=1000, help="generated reports (seed 0)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="dev corpus root (skipped when absent)")
    ap.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "cases")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    result = compare(texts_of(args.corpus, args.fixtures, args.generated))
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
