"""Materialize the conformance corpus (``sources.json``) into a cache folder.

Why: the conformance benchmark must run on *real* rows of public datasets, in the
form a user would hand to pairgen, yet no rows may be committed to this repository.
Each input is pinned to one public copy (repository, commit, path, sha256); this
script reads it either from a local bare mirror (``git --git-dir show COMMIT:PATH``)
or from ``raw.githubusercontent.com``, refuses bytes whose sha256 differs, and runs
the dataset's converter, which writes exactly what a user would write before calling
``pairgen build`` (the Hub schema, or the file as published).

    python benchmarks/conformance/fetch.py --mirror /work/.mirror
    python benchmarks/conformance/fetch.py --dir /tmp/conf   # downloads from GitHub

The converters use only the standard library, except ``mmlu_to_csv``, which needs
``datasets`` (it is *the* way such CSVs are made: ``Dataset.to_csv``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources.json"
DEFAULT_DIR = Path(os.path.expanduser("~/.cache/pairgen/conformance"))

Row = dict[str, Any]


def load_sources() -> list[dict[str, Any]]:
    """The dataset table; one place for fetch.py and run.py."""
    data = json.loads(SOURCES.read_text(encoding="utf-8"))
    return list(data["datasets"])


def _git_dir(mirror: Path, repo: str) -> Path | None:
    """The bare git directory of a ``fetch``-style mirror (``owner+name/repo[/.git]``)."""
    base = mirror / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "objects").is_dir():
            return candidate
    return None


def read_input(spec: dict[str, Any], mirror: Path | None) -> bytes:
    """The bytes of one pinned input, checked against its sha256."""
    data: bytes | None = None
    if mirror is not None:
        git_dir = _git_dir(mirror, spec["repo"])
        if git_dir is not None:
            proc = subprocess.run(
                ["git", "--git-dir", str(git_dir), "show", f"{spec['commit']}:{spec['path']}"],
                capture_output=True,
                check=False,
            )
            if proc.returncode == 0:
                data = proc.stdout
    if data is None:
        url = f"https://raw.githubusercontent.com/{spec['repo']}/{spec['commit']}/{spec['path']}"
        with urllib.request.urlopen(url, timeout=60) as resp:
            data = resp.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != spec["sha256"]:
        raise SystemExit(
            f"error: {spec['repo']}@{spec['commit'][:12]}:{spec['path']}: sha256 {digest}, "
            f"expected {spec['sha256']}"
        )
    return data


def _jsonl(rows: list[Row]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def _lines(data: bytes) -> Iterator[Row]:
    for line in data.decode("utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def conv_copy(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """The published file(s) unchanged, one per split in input order."""
    return {name: blob for name, blob in zip(files.values(), blobs, strict=True)}


def conv_hendrycks_math(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """MATH500 rows renamed to hendrycks/competition_math's schema."""
    rows = [
        {
            "problem": r["problem"],
            "level": f"Level {r['level']}",
            "type": r["subject"],
            "solution": r["solution"],
        }
        for r in _lines(blobs[0])
    ]
    return {files["test"]: _jsonl(rows)}


def conv_svamp(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """SVAMP's JSON array to JSON Lines, body and question joined as the problem."""
    rows = [
        {
            "id": r["ID"],
            "question": f"{r['Body'].strip()} {r['Question'].strip()}",
            "equation": r["Equation"].strip(),
            "answer": r["Answer"],
        }
        for r in json.loads(blobs[0])
    ]
    return {files["test"]: _jsonl(rows)}


def _mmlu_rows(blobs: list[bytes], paths: list[str]) -> list[Row]:
    rows: list[Row] = []
    for blob, path in zip(blobs, paths, strict=True):
        subject = Path(path).name.removesuffix("_test.csv")
        reader = csv.DictReader(io.StringIO(blob.decode("utf-8")))
        for r in reader:
            rows.append(
                {
                    "question": r["question"],
                    "subject": subject,
                    "choices": [r[f"choice{i}"] for i in range(4)],
                    "answer": int(r["answer"]),
                }
            )
    return rows


def conv_mmlu(blobs: list[bytes], files: dict[str, str], paths: list[str]) -> dict[str, bytes]:
    """The copy's per-subject CSVs to the cais/mmlu Hub schema (list + 0-based index)."""
    return {files["test"]: _jsonl(_mmlu_rows(blobs, paths))}


def conv_mmlu_to_csv(
    blobs: list[bytes], files: dict[str, str], paths: list[str]
) -> dict[str, bytes]:
    """Hub-schema MMLU rows written by ``datasets.Dataset.to_csv`` (lists become reprs)."""
    import tempfile

    import datasets  # the user's tool for this shape

    ds = datasets.Dataset.from_list(_mmlu_rows(blobs, paths))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "out.csv"
        ds.to_csv(str(target), index=False)
        return {files["test"]: target.read_bytes()}


def _arc_groups(blob: bytes) -> list[tuple[str, list[str], int]]:
    """(question, choices in file order, index of the right one) per ARC question."""
    groups: dict[str, tuple[list[str], list[int]]] = {}
    for r in _lines(blob):
        texts, labels = groups.setdefault(r["question"], ([], []))
        texts.append(r["answer"])
        labels.append(int(r["label"]))
    out = []
    for question, (texts, labels) in groups.items():
        if labels.count(1) == 1:
            out.append((question, texts, labels.index(1)))
    return out


def conv_arc(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """Answer/wrong-answer rows grouped into the allenai/ai2_arc Hub schema."""
    rows = []
    for n, (question, texts, gold) in enumerate(_arc_groups(blobs[0])):
        labels = [chr(ord("A") + i) for i in range(len(texts))]
        rows.append(
            {
                "id": f"arc-{n:04d}",
                "question": question,
                "choices": {"text": texts, "label": labels},
                "answerKey": labels[gold],
            }
        )
    return {files["test"]: _jsonl(rows)}


def conv_arc_text(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """The same ARC groups with the answer given as the right choice's text."""
    rows = [
        {"question": q, "choices": texts, "answer": texts[gold]}
        for q, texts, gold in _arc_groups(blobs[0])
    ]
    return {files["test"]: _jsonl(rows)}


def conv_csqa(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """CommonsenseQA's nested rows flattened to the tau/commonsense_qa Hub schema."""
    rows = []
    for r in _lines(blobs[0]):
        q = r["question"]
        rows.append(
            {
                "id": r["id"],
                "question": q["stem"],
                "question_concept": q.get("question_concept", ""),
                "choices": {
                    "label": [c["label"] for c in q["choices"]],
                    "text": [c["text"] for c in q["choices"]],
                },
                "answerKey": r["answerKey"],
            }
        )
    return {files["validation"]: _jsonl(rows)}


_OBQA_CHOICE = re.compile(r"\(([A-D])\) (.*?)(?= \([A-D]\) |$)")


def conv_obqa(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """OpenBookQA's TSV: the '(A) .. (B) ..' choice string split into columns A-D."""
    reader = csv.DictReader(io.StringIO(blobs[0].decode("utf-8")), delimiter="\t")
    rows = []
    for r in reader:
        found = dict(_OBQA_CHOICE.findall(r["Choices"]))
        if sorted(found) != ["A", "B", "C", "D"]:
            raise SystemExit(f"error: OpenBookQA {r['ID']}: choices not parsed: {r['Choices']!r}")
        rows.append(
            {
                "id": r["ID"],
                "question_stem": r["Question Stem"],
                **{k: found[k] for k in "ABCD"},
                "answerKey": r["Answer Key"].strip(),
            }
        )
    return {files["test"]: _jsonl(rows)}


def conv_piqa(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """PIQA's rows joined with its separate label file (ybisk/piqa Hub schema)."""
    labels = [int(x) for x in blobs[1].decode("utf-8").split()]
    rows = list(_lines(blobs[0]))
    if len(rows) != len(labels):
        raise SystemExit(f"error: PIQA: {len(rows)} rows but {len(labels)} labels")
    out = [
        {"goal": r["goal"], "sol1": r["sol1"], "sol2": r["sol2"], "label": lab}
        for r, lab in zip(rows, labels, strict=True)
    ]
    return {files["validation"]: _jsonl(out)}


def _split_blank(a: str, b: str) -> tuple[str, str, str]:
    """The sentence before the blank and the two fills, from two filled prefixes."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    # back off to a word boundary: the fills may share leading letters (Sarah/Sam)
    while n > 0 and not a[n - 1].isspace():
        n -= 1
    return a[:n], a[n:], b[n:]


def conv_winogrande(blobs: list[bytes], files: dict[str, str]) -> dict[str, bytes]:
    """lm-eval's partial WinoGrande back to the allenai/winogrande Hub schema."""
    rows = []
    for r in _lines(blobs[0]):
        prefix, opt1, opt2 = _split_blank(r["context_options"][0], r["context_options"][1])
        cont = r["continuation"]
        sep = "" if cont[:1] in {".", ",", "'", ";", ":", "!", "?"} else " "
        rows.append(
            {
                "sentence": f"{prefix}_{sep}{cont}",
                "option1": opt1,
                "option2": opt2,
                "answer": str(int(r["gold"]) + 1),
            }
        )
    return {files["validation"]: _jsonl(rows)}


CONVERTERS: dict[str, Callable[..., dict[str, bytes]]] = {
    "gsm8k": conv_copy,
    "math500": conv_copy,
    "hendrycks_math": conv_hendrycks_math,
    "aqua_rat": conv_copy,
    "aqua_rat_options": conv_copy,
    "gsm_hard": conv_copy,
    "svamp": conv_svamp,
    "mmlu": conv_mmlu,
    "mmlu_csv_columns": conv_copy,
    "mmlu_to_csv": conv_mmlu_to_csv,
    "arc_challenge": conv_arc,
    "arc_text_answer": conv_arc_text,
    "commonsense_qa": conv_csqa,
    "openbookqa": conv_obqa,
    "piqa": conv_piqa,
    "winogrande": conv_winogrande,
    "aqua_rat_choice": conv_copy,
}

NEEDS_PATHS = {"mmlu", "mmlu_to_csv"}


def materialize(ds: dict[str, Any], root: Path, mirror: Path | None) -> Path:
    """Write one dataset's user-form files under ``root/<name>/``; return that folder."""
    name = ds["name"]
    blobs = [read_input(spec, mirror) for spec in ds["inputs"]]
    conv = CONVERTERS[name]
    if name in NEEDS_PATHS:
        outputs = conv(blobs, ds["files"], [s["path"] for s in ds["inputs"]])
    else:
        outputs = conv(blobs, ds["files"])
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for fname, blob in outputs.items():
        (folder / fname).write_bytes(blob)
    inputs = [{k: s[k] for k in ("repo", "commit", "path", "sha256")} for s in ds["inputs"]]
    (folder / "PROVENANCE.json").write_text(json.dumps(inputs, indent=2) + "\n", encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    """Fetch every dataset (or the named ones) into ``--dir``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"cache folder ({DEFAULT_DIR})")
    ap.add_argument("--mirror", type=Path, help="folder of bare mirrors owner+name/repo")
    ap.add_argument("names", nargs="*", help="only these datasets")
    args = ap.parse_args(argv)
    for ds in load_sources():
        if args.names and ds["name"] not in args.names:
            continue
        folder = materialize(ds, args.dir, args.mirror)
        sizes = ", ".join(
            f"{f} {sum(1 for _ in (folder / f).open(encoding='utf-8'))} lines"
            for f in ds["files"].values()
        )
        print(f"{ds['name']}: {folder} ({sizes})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
