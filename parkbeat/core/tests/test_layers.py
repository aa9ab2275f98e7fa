"""The house's layering, read from the imports (ast, nothing imported):

- `core` imports no domain app, not even inside a function: only itself and the audit floor. Where it
  needs the organisation's models (scoping, tokens) it asks the app registry by label at run time, and
  the domain apps reach core by declaration (their `home.py`, `demo.py`), which core discovers.
- `audit`'s floor (its models, services, exports, tasks) imports only core and itself; its pages are a
  feature like any other and may use the apps below them.
- No module imports another module's private (`_name`) names.
- No import circle between files of different apps, counting imports inside functions too.
Tests and migrations are left out: a test may reach into any app.
"""
import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
FLOORS = {"core": {"core", "audit"}, "audit": {"core", "audit"}}
PAGES = ("views", "urls", "api_urls", "filters")


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).parts
        if "tests" in rel or "migrations" in rel:
            continue
        yield path


def _app(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None  # None: the project level (settings, urls, testing)


def _imports():
    """[(importer module, imported module, names, at module level?)] for every `parkbeat.*` import."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = _module_name(path)
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("parkbeat"):
                target, names = node.module, [a.name for a in node.names]
                # `from parkbeat.core import demo` imports the module parkbeat.core.demo
                modules = [f"{target}.{n}" for n in names if (PACKAGE.parent / f"{target}.{n}".replace(".", "/")).with_suffix(".py").exists()]
                found.append((module, modules[0] if modules and len(modules) == len(names) else target, names,
                              id(node) in top))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("parkbeat"):
                        found.append((module, alias.name, [], id(node) in top))
    return found


def test_core_and_audit_import_no_domain_app():
    wrong = []
    for importer, target, names, top_level in _imports():
        app, target_app = _app(importer), _app(target)
        if app not in FLOORS or target_app is None or (app == "audit" and importer.endswith(PAGES)):
            continue
        if target_app not in FLOORS[app]:
            wrong.append(f"{importer} imports {target} {names}{'' if top_level else ' (in a function)'}")
    assert not wrong, "the ground floor reaches up into domain apps:\n" + "\n".join(wrong)


def test_no_module_imports_private_names_of_another():
    wrong = [f"{importer} imports {[n for n in names if n.startswith('_')]} from {target}"
             for importer, target, names, _top in _imports()
             if target != importer and any(n.startswith("_") for n in names)]
    assert not wrong, "\n".join(wrong)


def _cycles(edges):
    """Strongly connected components with more than one module (Tarjan, iterative enough for this size)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(component)

    for v in list(edges):
        if v not in index:
            visit(v)
    return result


def test_no_import_circle_between_files_of_different_apps():
    known = {_module_name(p) for p in _sources()}
    edges = defaultdict(set)
    for importer, target, _names, _top in _imports():
        while target not in known and "." in target:
            target = target.rsplit(".", 1)[0]  # `from parkbeat.x.models import Y` -> parkbeat.x.models
        if target in known and target != importer:
            edges[importer].add(target)
        edges.setdefault(target, set())
    crossing = [sorted(c) for c in _cycles(edges) if len({_app(m) for m in c}) > 1]
    assert not crossing, "import circles across apps:\n" + "\n".join(" <-> ".join(c) for c in crossing)


def test_the_checks_see_the_imports():
    """Guards the guard: the parser finds the imports it is meant to judge."""
    imports = _imports()
    assert ("parkbeat.core.services", "parkbeat.audit.services", ["record", "snapshot"], True) in imports
    assert any(importer.startswith("parkbeat.incidents") and _app(target) == "org" for importer, target, _n, _t
               in imports)
