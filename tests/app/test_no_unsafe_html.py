"""Static check: no data value or user-supplied text reaches the page as raw HTML.

Scans app.py, pages/*.py and peer_challenges/*.py for every way Streamlit renders raw HTML --
`unsafe_allow_html=True` (st.markdown, st.write, st.caption, ...), `st.html(...)` and
`components.html(...)` / `components.v1.html(...)` -- and checks the HTML argument of each call is safe:

- a constant string, or
- `html.escape(...)` of anything, or
- an f-string, `+` concatenation, `"...".join(...)` or `"...".format(...)` whose every variable part
  is itself safe by these rules (so `f"<b>{html.escape(name)}</b>"` passes, `f"<b>{name}</b>" ` fails), or
- a module-level constant: a name assigned exactly once in the file, at module level, to a safe value
  (e.g. `PRINT_CSS = "<style>...</style>"` then `st.markdown(PRINT_CSS, unsafe_allow_html=True)`).

A variable holding HTML built elsewhere cannot be checked this simply; such a use must be listed in
ALLOWED below with the reason it is safe, so every exception is explicit and reviewed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "peer_challenges").glob("*.py"))]

# Explicitly reviewed uses whose HTML argument is not checkable by the rules above:
# {(file relative to the repo root, the source text of the HTML argument): why it is safe}
ALLOWED: dict[tuple[str, str], str] = {}

ESCAPERS = {"escape", "html.escape", "html_escape"}  # html.escape, `from html import escape`


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    return ""


def _module_constants(tree: ast.Module) -> set[str]:
    """Names assigned exactly once in the whole file, that once at module level to a safe value."""
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.NamedExpr)) else []
        for t in targets:
            for name in ast.walk(t):
                if isinstance(name, ast.Name):
                    counts[name.id] = counts.get(name.id, 0) + 1
    safe = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if counts.get(name) == 1 and _is_safe(node.value):
                safe.add(name)
    return safe


def _is_safe(node: ast.AST, constants: frozenset[str] = frozenset()) -> bool:
    """True when the expression can only produce constant text or escaped values."""
    def ok(n):
        return _is_safe(n, constants)

    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, int, float)) or node.value is None
    if isinstance(node, ast.Call) and _dotted(node.func) in ESCAPERS:
        return True
    if isinstance(node, ast.JoinedStr):  # f-string
        return all(ok(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return ok(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return ok(node.left) and ok(node.right)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(ok(e) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # "sep".join(safe_parts) / "template".format(safe args)
        if node.func.attr in ("join", "format") and ok(node.func.value):
            parts = list(node.args) + [k.value for k in node.keywords]
            return all(ok(p) or _is_safe_generator(p, constants) for p in parts)
    if isinstance(node, ast.IfExp):
        return ok(node.body) and ok(node.orelse)
    return False


def _is_safe_generator(node: ast.AST, constants: frozenset[str] = frozenset()) -> bool:
    return isinstance(node, (ast.GeneratorExp, ast.ListComp)) and _is_safe(node.elt, constants)


def _html_calls(tree: ast.AST):
    """Yield (call, html argument, kind) for every raw-HTML rendering call."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        unsafe_kw = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                        for k in node.keywords)
        is_html = name in ("st.html", "streamlit.html", "components.html", "components.v1.html", "stc.html") or (
            name.endswith(".html") and name.split(".")[0] in ("st", "streamlit", "components", "stc"))
        if not (unsafe_kw or is_html):
            continue
        arg = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("body", "html")), None)
        yield node, arg, ("st.html" if is_html else "unsafe_allow_html")


def _uses() -> list[tuple[str, int, str, str, bool]]:
    found = []
    for path in SCANNED:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(ROOT).as_posix()
        constants = frozenset(_module_constants(tree))
        for call, arg, kind in _html_calls(tree):
            text = ast.unparse(arg) if arg is not None else "<no argument>"
            safe = arg is not None and (_is_safe(arg, constants) or (rel, text) in ALLOWED)
            found.append((rel, call.lineno, kind, text, safe))
    return found


def test_the_scan_sees_every_file():
    assert (ROOT / "app.py") in SCANNED and len(SCANNED) >= 8


def test_no_raw_html_with_unescaped_values():
    unsafe = [f"{rel}:{line} {kind} with {text[:120]!r}" for rel, line, kind, text, safe in _uses() if not safe]
    assert not unsafe, (
        "HTML rendered from values that are not passed through html.escape (escape each value, use plain "
        "st.markdown without unsafe_allow_html, or list a reviewed use in ALLOWED with the reason):\n"
        + "\n".join(unsafe)
    )


def test_allowed_list_is_not_stale():
    """Every ALLOWED entry still exists in the code (so the list is the real, current set of exceptions)."""
    present = {(rel, text) for rel, _line, _kind, text, _safe in _uses()}
    assert not (set(ALLOWED) - present), f"ALLOWED lists uses no longer in the code: {set(ALLOWED) - present}"


def test_plain_markdown_is_not_an_html_call():
    # plain markdown: Streamlit does not render raw HTML in it
    assert not list(_html_calls(ast.parse("st.markdown(text)\nst.markdown(text, unsafe_allow_html=False)")))


@pytest.mark.parametrize("source, safe", [
    ('st.markdown("<b>Hi</b>", unsafe_allow_html=True)', True),
    ('st.markdown(f"<b>{html.escape(name)}</b>", unsafe_allow_html=True)', True),
    ('st.markdown("<b>" + escape(name) + "</b>", unsafe_allow_html=True)', True),
    ('st.html("<p>" + " ".join(html.escape(x) for x in xs) + "</p>")', True),
    ('st.markdown(f"<b>{name}</b>", unsafe_allow_html=True)', False),
    ('st.markdown("<b>%s</b>" % name, unsafe_allow_html=True)', False),
    ('st.markdown("<b>{}</b>".format(name), unsafe_allow_html=True)', False),
    ('st.html(body)', False),
    ('st.caption(text, unsafe_allow_html=True)', False),
    ('CSS = "<style>p {color: red}</style>"\nst.markdown(CSS, unsafe_allow_html=True)', True),
    ('CSS = "<style>"\nCSS += name\nst.markdown(CSS, unsafe_allow_html=True)', False),
    ('CSS = f"<style>{name}</style>"\nst.markdown(CSS, unsafe_allow_html=True)', False),
    ('def f():\n    CSS = "<b>"\n    st.markdown(CSS, unsafe_allow_html=True)', False),
])
def test_the_checker_itself(source, safe):
    tree = ast.parse(source)
    constants = frozenset(_module_constants(tree))
    calls = list(_html_calls(tree))
    assert calls
    assert all(arg is not None and _is_safe(arg, constants) for _c, arg, _k in calls) == safe
