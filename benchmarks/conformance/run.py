"""Run pairgen over the conformance corpus and check every pair independently.

Why: pairgen's own ``validate`` proves that the output agrees with pairgen's rules,
not that the rules read the dataset right (a 1-based answer read as 0-based passes
validate). This runner builds each dataset of ``sources.json`` as a user would
(``pairgen build`` through the CLI, as a subprocess: pairgen's modules move, its CLI
does not), runs ``pairgen validate``, and then checks the pairs against the source
rows it reads itself, with the dataset's own semantics and none of pairgen's code:

* choice: each labelled row yields one pair per wrong choice; chosen names the gold
  choice's text, rejected another choice of the same row, none twice.
* maths: chosen is the source solution (an appended final-answer line allowed);
  rejected differs from it in exactly one number (a GSM8K ``<<..=N>>N`` pair counts
  as one), that number is not inside ``<<...>>`` only, not the final answer (neither
  its value nor at/after the final-answer line) and not a number the problem states.

A dataset fails when its build exits 0 with 0 pairs while pairs are expected, when
validate fails, or when the independent check finds a violation; any failure makes
the exit status 1.

    python benchmarks/conformance/fetch.py --mirror /work/.mirror
    python benchmarks/conformance/run.py [--dir DIR] [--json] [--examples N] [NAME ...]
"""

from __future__ import annotations

import argparse
import ast
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fetch import DEFAULT_DIR, load_sources

Row = dict[str, Any]
NUM = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+")
NUM_EDGE = re.compile(r"[\d.,]")


def pairgen_bin() -> str:
    """The CLI next to this interpreter (the dev venv), else the one on PATH."""
    here = Path(sys.executable).with_name("pairgen")
    return str(here) if here.exists() else (shutil.which("pairgen") or "pairgen")


# ---------------------------------------------------------------- reading rows


def _repr_list(text: str) -> list[str]:
    """A list written by ``Dataset.to_csv``: Python ``['a', 'b']`` or numpy ``['a' 'b']``."""
    tokens = re.findall(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", text)
    return [str(ast.literal_eval(t)) for t in tokens]


def read_rows(path: Path) -> list[Row]:
    """The rows of one user-form file (JSON Lines or CSV), in file order."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def choices_of(row: Row, sem: dict[str, Any]) -> tuple[list[str], list[str]] | None:
    """(labels, texts) of a row's choices by the dataset's semantics."""
    cols: list[str] = sem["choices"]
    if len(cols) > 1:
        texts = [str(row[c]) for c in cols]
        return [chr(65 + i) for i in range(len(texts))], texts
    value = row[cols[0]]
    if sem.get("choices_repr") and isinstance(value, str):
        value = _repr_list(value)
    if isinstance(value, dict):
        return [str(x) for x in value["label"]], [str(x) for x in value["text"]]
    if isinstance(value, list):
        texts = [str(x) for x in value]
        if sem.get("label_prefix"):  # AQuA's options carry their letter: "A)21"
            texts = [re.sub(sem["label_prefix"], "", t) for t in texts]
        return [chr(65 + i) for i in range(len(texts))], texts
    return None


def gold_index(row: Row, sem: dict[str, Any], labels: list[str], texts: list[str]) -> int | None:
    """Index of the right choice, by the dataset's documented answer convention."""
    raw = row[sem["answer"]]
    if raw is None or str(raw).strip() == "":
        return None
    kind = sem["answer_kind"]
    s = str(raw).strip()
    if kind == "label":
        return labels.index(s) if s in labels else None
    if kind == "text":
        return texts.index(s) if s in texts else None
    n = int(float(s))
    if n < 0:
        return None
    n = n - 1 if kind == "index1" else n
    return n if 0 <= n < len(texts) else None


def _ws(text: str) -> str:
    """A choice as pairgen documents it: the source text with its surrounding blank space
    (and common indentation) removed; whitespace inside is kept, newlines included."""
    return textwrap.dedent(str(text)).strip()


def _choice_text(completion: str) -> str:
    """The choice text inside a completion: '(B) text' (letter template) or
    'The answer is (B) text.' (sentence template); else the completion itself."""
    text = completion.strip()
    m = re.fullmatch(r"The answer is \((\w+)\) (.*)\.", text, re.S) or re.fullmatch(
        r"\((\w+)\) (.*)", text, re.S
    )
    return _ws(m.group(2)) if m else _ws(completion)


# ---------------------------------------------------------------- maths helpers


def num_value(s: str) -> float | None:
    """A number's value ('1,200' -> 1200.0), None when not a plain number."""
    try:
        return float(s.replace(",", "").replace("$", "").strip())
    except ValueError:
        return None


def numbers_in(text: str) -> set[float]:
    return {v for m in NUM.findall(text) if (v := num_value(m)) is not None}


def _boxed(text: str) -> str | None:
    i = text.rfind("\\boxed{")
    if i < 0:
        return None
    depth, j = 0, i + len("\\boxed")
    for k in range(j, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return text[j + 1 : k]
    return None


AQUA_END = re.compile(r"(?i)\b(?:correct\s+)?(?:answer|ans)\b[^\n]*$")


def final_marker(solution: str) -> int:
    """Where the final answer starts in a solution (len when none is found)."""
    spots = [solution.find(m) for m in ("####", "\\boxed", "The answer is")]
    spots = [s for s in spots if s >= 0]
    if not spots:
        last = AQUA_END.search(solution.rstrip())
        if last:
            spots.append(last.start())
    return min(spots) if spots else len(solution)


def final_values(row: Row, sem: dict[str, Any], solution: str) -> set[float]:
    """Numeric value(s) of the final answer by the dataset's semantics."""
    if "answer" in sem:
        raw = str(row[sem["answer"]]).strip()
        if "options" in row and re.fullmatch(r"[A-E]", raw):  # AQuA: the option's value
            for opt in row["options"]:
                if str(opt).startswith(raw):
                    found = NUM.findall(str(opt)[2:])
                    return numbers_in(found[0]) if len(found) == 1 else set()
        return _answer_value(raw)
    m = re.search(r"####\s*(.+)", solution)
    if m:
        return _answer_value(m.group(1))
    box = _boxed(solution)
    return _answer_value(box) if box is not None else set()


def _answer_value(text: str) -> set[float]:
    """A final answer's value: one number or one fraction; a compound answer
    (a tuple, an expression) has no single value and compares with nothing."""
    text = text.strip().strip("$").strip()
    m = re.fullmatch(r"-?\\[dt]?frac\{(\d+)\}\{(\d+)\}|-?(\d+)/(\d+)", text)
    if m:
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return {int(a) / int(b)} if int(b) else set()
    bare = re.sub(r"\\[$%!]|[$%\s]|\^\\circ|\^\{\\circ\}", "", text)
    return numbers_in(bare) if NUM.fullmatch(bare.lstrip("-")) else set()


RESULT = re.compile(r"=\s*\\?\$?\s*(-?(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+))(?![\d^{_a-zA-Z(])")


def derived_result_count(row: Row, sem: dict[str, Any]) -> bool:
    """This runner's own estimate: does the row state a derived '= N' result?"""
    sol = str(row[sem["solution"]])
    body = re.sub(r"<<[^>]*>>", "", sol[: final_marker(sol)])
    given = numbers_in(str(row[sem["prompt"]]))
    finals = final_values(row, sem, sol)
    for m in RESULT.finditer(body):
        v = num_value(m.group(1).lstrip("-"))
        if v is not None and v not in given and v not in finals:
            return True
    return False


def _skeleton(text: str) -> tuple[list[str], list[str]]:
    """A text split into the pieces between numbers and the numbers themselves."""
    parts = NUM.split(text)
    return parts, NUM.findall(text)


FRACTION = re.compile(r"\\d?frac\{(\d+)\}\{(\d+)\}|(\d+)/(\d+)")


def _pair_value(chosen_value: str, token: str) -> float | None:
    """The edited value: a fraction (\\frac{3}{2}, 7/3) as a whole, else the number."""
    m = FRACTION.fullmatch(chosen_value.strip())
    if m:
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return int(a) / int(b) if int(b) else None
    return num_value(token)


def _member(value: float | None, values: set[float]) -> bool:
    return value is not None and any(abs(value - v) <= 1e-9 * max(1.0, abs(v)) for v in values)


_OPERATION = re.compile(
    r"[0-9.)%]\s*(?:[-+*/×÷^]|\\times|\\cdot|\\div)\s*[-($\\0-9.]"
    r"|[0-9)}]\s*\(\s*-?[0-9]"  # implicit products: "(4)(4)", "\\frac{1}{2}(4)"
    r"|\\sqrt\{?\s*[0-9]"  # a root of a number: "\\sqrt{25}"
)


def computed_rhs(text: str, at: int) -> bool:
    """Whether the number at ``at`` is the right-hand side of an explicit operation on
    numbers (``3 * 1 = 3``, ``<<3*1=3>>3``): a computed value, even when its value also
    appears in the problem (the rule allows it; a restated given number has no operation)."""
    before = text[max(0, at - 120) : at]
    if before.rstrip().endswith(">>"):  # a GSM8K annotation's visible number
        inner = before[before.rfind("<<") + 2 : before.rfind(">>")]
        return bool(_OPERATION.search(inner.split("=")[0]))
    stripped = re.sub(r"[\s$\\]*-?$", "", before)
    relation = re.search(r"(?:=|\\equiv)$", stripped)  # "= 8", "\\equiv 1 \\pmod{n}"
    if relation is None:
        return False
    lhs = re.split(r"=|\\equiv|\n|<<|>>", stripped[: relation.start()])[-1]
    return bool(_OPERATION.search(lhs))


def check_math_pair(pair: Row, row: Row, sem: dict[str, Any]) -> str | None:
    """None when the maths pair is right by the dataset's semantics, else why not."""
    solution = str(row[sem["solution"]])
    chosen, rejected = str(pair["chosen"]), str(pair["rejected"])
    if chosen != solution:
        base = solution if chosen.startswith(solution) else solution.rstrip()
        extra = chosen[len(base) :] if chosen.startswith(base) else None
        if extra is None or not re.fullmatch(r"\s*The answer is:? .{1,200}\s*", extra):
            return "chosen_not_source_solution"
    cparts, cnums = _skeleton(chosen)
    rparts, rnums = _skeleton(rejected)
    if cparts != rparts or len(cnums) != len(rnums):
        return "text_outside_numbers_changed"
    diff = [k for k, (a, b) in enumerate(zip(cnums, rnums, strict=True)) if a != b]
    if not diff:
        return "identical"
    visible = diff[-1]
    if len(diff) == 2:  # GSM8K: <<...=N>>N, the annotation and the visible number
        k = diff[0]
        if diff[1] != k + 1 or not cparts[k + 1].startswith(">>"):
            return "more_than_one_number_changed"
        if num_value(cnums[k]) != num_value(cnums[k + 1]) or num_value(rnums[k]) != num_value(
            rnums[k + 1]
        ):
            return "annotation_and_visible_differ"
    elif len(diff) > 2:
        return "more_than_one_number_changed"
    at = len("".join(cparts[: visible + 1])) + sum(len(n) for n in cnums[:visible])
    opened, closed = chosen.rfind("<<", 0, at), chosen.rfind(">>", 0, at)
    if opened > closed:
        return "edit_inside_annotation_only"
    if at >= final_marker(chosen[: len(solution)]):
        return "edit_at_or_after_final_answer"
    value = _pair_value(str(pair.get("chosen_value") or ""), cnums[visible])
    if _member(value, final_values(row, sem, solution)):
        return "edited_value_is_final_answer"
    if _member(value, numbers_in(str(row[sem["prompt"]]))) and not computed_rhs(chosen, at):
        return "edited_value_stated_in_problem"
    return None


# ---------------------------------------------------------------- one dataset


def run_cmd(cmd: list[str]) -> tuple[int, str, str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def shard_rows(out: Path, sub: str) -> list[Row]:
    rows: list[Row] = []
    for f in sorted(glob.glob(str(out / sub / "**" / "*.parquet"), recursive=True)):
        rows.extend(pq.read_table(f).to_pylist())
    return rows


def command_line(ds: dict[str, Any], data: Path, out: Path) -> list[str]:
    args = [a.replace("{data}", str(data)) for a in ds["pairgen"]]
    return [pairgen_bin(), "build", *args, "--out", str(out), "--json"]


def evaluate(ds: dict[str, Any], root: Path, work: Path, n_examples: int) -> Row:
    """Build, validate and independently check one dataset; a result record."""
    name, sem, kind = ds["name"], ds["semantics"], ds["kind"]
    data, out = root / name, work / name
    rows_by_split = {split: read_rows(data / f) for split, f in ds["files"].items()}
    cmd = command_line(ds, data, out)
    rc, stdout, stderr = run_cmd(cmd)
    summary: Row = {}
    if rc == 0:
        try:
            summary = json.loads(stdout)
        except json.JSONDecodeError:
            summary = {}
    reasons: Counter[str] = Counter()
    for sp in summary.get("splits", []):
        reasons.update(sp.get("rejects_by_reason", {}))
    vrc, vout, _ = (
        run_cmd([pairgen_bin(), "validate", str(out), "--json"]) if rc == 0 else (2, "", "")
    )
    try:
        verdict = "ok" if json.loads(vout).get("ok") else "FAIL"
    except json.JSONDecodeError:
        verdict = "n/a" if rc else f"error(rc={vrc})"
    pairs = shard_rows(out, "data") if rc == 0 else []
    rejects = shard_rows(out, "rejects") if rc == 0 else []

    violations: Counter[str] = Counter()
    examples: list[Row] = []

    def lookup(split: str, sid: str) -> tuple[int, Row] | None:
        rows = rows_by_split.get(split, [])
        if "id" in sem:
            for i, r in enumerate(rows):
                if str(r.get(sem["id"])) == sid:
                    return i, r
        if sid.isdigit() and int(sid) < len(rows):
            return int(sid), rows[int(sid)]
        return None

    def flag(reason: str, pair: Row | None, detail: Row) -> None:
        violations[reason] += 1
        if sum(1 for e in examples if e["violation"] == reason) < n_examples:
            keep = {
                k: pair[k]
                for k in ("id", "chosen", "rejected", "chosen_value", "rejected_value")
                if pair and k in pair
            }
            examples.append({"violation": reason, **keep, **detail})

    expected = 0
    produced: Counter[tuple[str, int]] = Counter()
    if kind == "choice":
        golds: dict[tuple[str, int], tuple[list[str], list[str], int]] = {}
        for split, rows in rows_by_split.items():
            for i, r in enumerate(rows):
                ch = choices_of(r, sem)
                if ch is None:
                    continue
                g = gold_index(r, sem, *ch)
                if g is None:
                    continue
                if [_ws(t) for t in ch[1]].count(_ws(ch[1][g])) > 1:
                    continue  # a wrong choice says what the gold one says: no pair can be right
                golds[(split, i)] = (ch[0], ch[1], g)
                expected += len(ch[1]) - 1
        seen: set[tuple[str, int, str]] = set()
        for p in pairs:
            hit = lookup(p["split"], str(p["source_id"]))
            if hit is None:
                flag("pair_not_joined_to_a_row", p, {"source_id": p["source_id"]})
                continue
            i, _row = hit
            produced[(p["split"], i)] += 1
            if (p["split"], i) not in golds:
                flag("pair_from_unlabelled_row", p, {"row": i})
                continue
            _labels, texts, g = golds[(p["split"], i)]
            norm = [_ws(t) for t in texts]
            chosen_text, rejected_text = (
                _choice_text(str(p["chosen"])),
                _choice_text(str(p["rejected"])),
            )
            if chosen_text != norm[g]:
                flag("chosen_is_not_gold", p, {"row": i, "gold": texts[g]})
                continue
            if rejected_text not in [t for k, t in enumerate(norm) if k != g]:
                flag("rejected_not_a_wrong_choice", p, {"row": i, "gold": texts[g]})
                continue
            key = (p["split"], i, str(p["rejected"]))
            if key in seen:
                flag("duplicate_pair", p, {"row": i})
            seen.add(key)
        for (split, i), (_labels, texts, _g) in golds.items():
            miss = len(texts) - 1 - produced[(split, i)]
            if miss > 0:
                violations["missing_pairs"] += miss
                if sum(1 for e in examples if e["violation"] == "missing_pairs") < n_examples:
                    why = [
                        r["reason"] + ": " + str(r["detail"])
                        for r in rejects
                        if r["split"] == split and r["row_index"] == i
                    ]
                    examples.append(
                        {
                            "violation": "missing_pairs",
                            "split": split,
                            "row": i,
                            "missing": miss,
                            "reject": why[:1],
                        }
                    )
    else:
        for rows in rows_by_split.values():
            expected += sum(1 for r in rows if derived_result_count(r, sem))
        for p in pairs:
            hit = lookup(p["split"], str(p["source_id"]))
            if hit is None:
                flag("pair_not_joined_to_a_row", p, {"source_id": p["source_id"]})
                continue
            i, row = hit
            why = check_math_pair(p, row, sem)
            if why:
                flag(why, p, {"row": i, "problem": str(row[sem["prompt"]])[:300]})

    zero = rc == 0 and len(pairs) == 0 and expected > 0
    # a refusal is the other right outcome: exit 2 with one `error:` line naming a fix
    err_lines = stderr.strip().splitlines()
    refused = rc == 2 and len(err_lines) == 1 and err_lines[0].startswith("error: ")
    failed = (
        (rc != 0 and not refused) or zero or (not refused and verdict != "ok") or bool(violations)
    )
    return {
        "name": name,
        "shape": ds["shape"],
        "rows": sum(len(r) for r in rows_by_split.values()),
        "pairs": len(pairs),
        "expected": expected,
        "expected_exact": kind == "choice",
        "reject_reasons": dict(reasons.most_common()),
        "build_rc": rc,
        "build_error": stderr.strip().splitlines()[-1] if rc and stderr.strip() else "",
        "validate": verdict,
        "violations": dict(violations.most_common()),
        "examples": examples,
        "zero_pairs": zero,
        "refused": refused,
        "failed": failed,
        "command": " ".join(_quote(a) for a in cmd),
    }


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w./=,:+-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def table(results: list[Row]) -> str:
    """The results as one Markdown table, a row per dataset."""
    head = "| dataset | rows | pairs | expected | top reject reasons | build rc | validate | independent-check violations | verdict |"
    lines = [head, "|" + "---|" * 9]
    for r in results:
        exp = str(r["expected"]) if r["expected_exact"] else f"≈{r['expected']}"
        reasons = ", ".join(f"{k} {v}" for k, v in list(r["reject_reasons"].items())[:3]) or "-"
        viol = ", ".join(f"{k} {v}" for k, v in r["violations"].items()) or "0"
        verdict = (
            "FAIL" + (" (0 pairs)" if r["zero_pairs"] else "")
            if r["failed"]
            else ("refused: " + r["build_error"] if r["refused"] else "pass")
        )
        lines.append(
            f"| {r['name']} | {r['rows']} | {r['pairs']} | {exp} | {reasons} | {r['build_rc']} | {r['validate']} | {viol} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Evaluate every dataset (or the named ones); exit 1 when any fails."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="the cache fetch.py filled")
    ap.add_argument("--json", action="store_true", help="results as JSON on stdout")
    ap.add_argument("--examples", type=int, default=3, help="examples kept per violation")
    ap.add_argument("--keep", type=Path, help="keep the builds in this folder")
    ap.add_argument("names", nargs="*", help="only these datasets")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="pairgen-conformance-"))
    if args.keep:
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for ds in load_sources():
            if args.names and ds["name"] not in args.names:
                continue
            if not (args.dir / ds["name"]).is_dir():
                raise SystemExit(f"error: {args.dir / ds['name']} missing: run fetch.py first")
            results.append(evaluate(ds, args.dir, work, args.examples))
            if not args.json:
                r = results[-1]
                print(f"{r['name']}: {'FAIL' if r['failed'] else 'pass'}", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(table(results))
    return 1 if any(r["failed"] for r in results) else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    raise SystemExit(main())
