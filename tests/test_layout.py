"""The package's shape: no import cycle between modules or between stage folders.

Read from the source with ``ast``: every import counts, including the ones inside
functions (a lazy import that closes a cycle is still a cycle in the design); only
imports under ``if TYPE_CHECKING`` are left out, since they never run.  Run
``pytest tests/test_layout.py -q`` to check.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pairgen"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            yield from (n for stmt in child.orelse for n in _imports_in(stmt))
        else:
            yield from _imports(child)


def _imports_in(stmt: ast.stmt) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        yield stmt
    else:
        yield from _imports(stmt)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _imports(tree):
            targets = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            )
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "pairgen"


def test_no_module_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_no_cycle_between_stage_folders() -> None:
    stages: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        if module == "pairgen":  # the lazy public API re-exports every stage
            continue
        stage = stage_of(module)
        stages.setdefault(stage, set()).update(
            stage_of(t) for t in targets if stage_of(t) != stage and t != "pairgen"
        )
    assert cycles(stages) == []


# The rooms: what the output folder guarantees lives in ``pairgen.output``; the commands
# that only read a build (validate, publish, query, the CLI) reach the build stage through
# its one entry point, ``pairgen.pipeline.build``, and nothing else.
READERS_OF_A_BUILD = ("validate", "hub", "query", "cli")
BUILD_ENTRY_POINT = {"pairgen.pipeline", "pairgen.pipeline.build", "pairgen.pipeline.run.build"}


def test_readers_of_a_build_use_only_the_build_call() -> None:
    offending = {
        module: sorted(t for t in targets if stage_of(t) == "pipeline")
        for module, targets in import_graph().items()
        if stage_of(module) in READERS_OF_A_BUILD
    }
    offending = {m: [t for t in ts if t not in BUILD_ENTRY_POINT] for m, ts in offending.items()}
    assert {m: ts for m, ts in offending.items() if ts} == {}


def test_output_room_does_not_import_the_stages() -> None:
    """The output folder's contract reads no stage: every stage may read it."""
    allowed = {"output", "config", "errors", "pairgen"}
    for module, targets in import_graph().items():
        if stage_of(module) == "output":
            assert {stage_of(t) for t in targets} <= allowed, (module, targets)


def test_no_stage_folder_shares_a_public_function_name() -> None:
    """``pairgen.build`` is a function, never a folder (the name a user calls is not a
    package that importing one of its modules would bind over the function)."""
    import pairgen

    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders.isdisjoint(pairgen.__all__), folders & set(pairgen.__all__)


def test_training_loop_does_not_import_the_analysis() -> None:
    """``pairgen.training.loop`` trains; ``pairgen.training.analysis`` reads what the
    training did (effects, gradients, the report) and may import the loop, never the
    reverse; they meet in ``pairgen.training.run``, through the loop's ``Probe``."""
    loop, above = "pairgen.training.loop", ("pairgen.training.analysis", "pairgen.training.run")
    offending = {
        module: sorted(t for t in targets if t.startswith(above))
        for module, targets in import_graph().items()
        if module == loop or module.startswith(loop + ".")
    }
    assert {m: ts for m, ts in offending.items() if ts} == {}


def _calls(function: ast.FunctionDef) -> list[str]:
    """The names a function calls, in source order (``f(...)`` and ``obj.f(...)``)."""
    calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    return [
        c.func.id if isinstance(c.func, ast.Name) else getattr(c.func, "attr", "") for c in calls
    ]


def _in_order(names: list[str], wanted: list[str]) -> bool:
    position = 0
    for name in names:
        if position < len(wanted) and name == wanted[position]:
            position += 1
    return position == len(wanted)


def test_the_row_path_is_one_list_of_steps_in_one_module() -> None:
    """read -> prepare -> pair -> measure -> write, written in ``pipeline/steps.py``: its
    doc lists the steps in that order, ``run_split`` runs read, the workers' part and write,
    and ``process_batch`` (the workers' part) prepare, pair and measure."""
    path = PACKAGE / "pipeline" / "steps.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    steps = ["read", "prepare", "pair", "measure", "write"]
    rows = [line.split()[0] for line in doc.splitlines() if line.split()[:1] and line[0] != " "]
    assert [row for row in rows if row in steps] == steps
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert {"prepare", "pair", "measure", "write"} <= set(functions)
    assert _in_order(_calls(functions["run_split"]), ["iter_split", "ordered_map", "write"])
    assert _in_order(_calls(functions["process_batch"]), ["prepare", "pair", "measure"])
