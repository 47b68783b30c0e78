""" "Copy with setup": a block preceded by the earlier code of its session that it needs.

A block of a chapter runs after the blocks above it, in their namespace; copied
alone into a fresh Python it fails with a NameError. Its *setup text* is the
block preceded by the top-level statements of the earlier blocks (as the
reader sees them: build-only lines are never included) that it needs, found
statically, with `ast`, by a dependency slice:

* each top-level statement binds names (an assignment, a loop variable, a
  ``def``, a ``class``, an ``import``) and uses names (read before it binds
  them; a function it calls brings the names its body reads);
* it may change objects it does not bind: ``x.grad = 1.0``, ``L.backward()``,
  ``topo.append(v)``, passing ``x`` to a function, calling a function whose
  body does such things to a global, drawing from a random generator;
* names bound together share objects (``n = x1w1 + b``: ``n`` holds ``b``), so
  a change through one of them (``n.backward()``) is a change of all of them.

A statement is needed when it binds a value the block (or another needed
statement) uses, or changes an object that such a value shares. A statement
that only prints or shows (``print(...)``, ``show(...)``, a bare expression)
is never needed. The result runs alone and prints what the block printed
(tests/test_snippets.py runs every one); the whole prefix of the session
would too, and is measured beside it (`sizes`).
"""

from __future__ import annotations

import ast
import builtins
import functools
import json
import posixpath
import sys
from dataclasses import dataclass, field

from book.blocks import session_chain

# Calls that leave the objects passed to them as they were (their arguments are not "changed").
PURE_CALLS = frozenset(
    {
        *(
            n
            for n in dir(builtins)
            if not n.startswith("_") and n not in {"setattr", "delattr", "next", "exec", "eval"}
        ),
        "show",
        "show_steps",
        "draw_dot",
        "trace",
        "to_svg",
        "numeric_grads",
        "gradcheck",
        "describe",
    }
)
# A statement made of one of these calls only prints or shows.
OUTPUT_CALLS = frozenset({"print", "show", "show_steps"})
# Modules with state that their calls change (a random generator's seed and draws):
# a call through them changes them, so a block that draws numbers brings the earlier draws.
STATEFUL_MODULES = frozenset({"random", "numpy", "torch"})
COMPOUND = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    *((ast.Match,) if hasattr(ast, "Match") else ()),
    *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _root(node):
    """The name an attribute or subscript chain starts from (`x` of `x.a[0].b`), or None."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _target_names(target):
    """Names a target binds (`a, (b, *c)`), not those of attribute or subscript targets."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


@dataclass
class Facts:
    """What a piece of code binds, reads and changes, in the scope it is read in."""

    binds: list = field(default_factory=list)  # names, in order
    code: set = field(default_factory=set)  # those bound by def, class or import
    uses: set = field(default_factory=set)  # names read before they are bound here
    changes: set = field(default_factory=set)  # names whose objects may change
    stores: set = field(default_factory=set)  # names whose attributes or items it sets (`Value.tanh = tanh`)
    called: set = field(default_factory=set)  # names read in call position or passed on (functions it may run)
    functions: dict = field(default_factory=dict)  # name -> Facts of the body of a def/class it binds
    imports: set = field(default_factory=set)  # names bound by import
    modules: dict = field(default_factory=dict)  # name bound by import -> top-level module
    sources: dict = field(default_factory=dict)  # name bound by import -> what it is ("matplotlib.pyplot")


class _Reader:
    """Reads statements in order, as one scope: module level, or a function's body."""

    def __init__(self):
        self.f = Facts()
        self.bound = set()
        self.declared_global = set()

    # ----------------------------------------------------------------- names
    def bind(self, name, code=False):
        self.f.binds.append(name)
        self.bound.add(name)
        if code:
            self.f.code.add(name)

    def load(self, name):
        if name not in self.bound:
            self.f.uses.add(name)

    def change(self, name):
        if name is not None:
            self.f.changes.add(name)

    # ------------------------------------------------------------ statements
    def statements(self, body):
        for stmt in body:
            self.statement(stmt)

    def statement(self, node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for d in node.decorator_list:
                self.expr(d)
            if isinstance(node, ast.ClassDef):
                for b in [*node.bases, *(k.value for k in node.keywords)]:
                    self.expr(b)
            else:
                self.arguments(node.args)
            self.f.functions[node.name] = _scope_facts(node)
            self.bind(node.name, code=True)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                self.bind(name, code=True)
                self.f.imports.add(name)
                module = alias.name if isinstance(node, ast.Import) else node.module or ""
                self.f.modules[name] = module.split(".")[0]
                self.f.sources[name] = alias.name if isinstance(node, ast.Import) and alias.asname else module
                if isinstance(node, ast.ImportFrom):
                    self.f.sources[name] = f"{module}:{alias.name}"
        elif isinstance(node, ast.Assign):
            self.expr(node.value)
            for t in node.targets:
                self.store(t)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.expr(node.value)
            self.store(node.target)
        elif isinstance(node, ast.AugAssign):
            self.expr(node.value)
            if isinstance(node.target, ast.Name):
                self.load(node.target.id)
                self.change(node.target.id)
                self.bind(node.target.id)
            else:
                self.expr(node.target)
                self.change(_root(node.target))
                self.f.stores.add(_root(node.target))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expr(node.iter)
            self.store(node.target)
            self.statements(node.body)
            self.statements(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.store(item.optional_vars)
            self.statements(node.body)
        elif isinstance(node, ast.Delete):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    self.load(t.id)
                    self.bind(t.id)
                else:
                    self.expr(t)
                    self.change(_root(t))
                    self.f.stores.add(_root(t))
        elif isinstance(node, ast.Global):
            self.declared_global.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            pass
        elif type(node).__name__ in ("Try", "TryStar"):
            self.statements(node.body)
            for h in node.handlers:
                if h.type is not None:
                    self.expr(h.type)
                if h.name:
                    self.bind(h.name)
                self.statements(h.body)
            self.statements(node.orelse)
            self.statements(node.finalbody)
        else:  # expressions, if, while, assert, return, raise, match...: their parts in order
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.statement(child)
                elif isinstance(child, ast.expr):
                    self.expr(child)
                else:  # a match case, a comprehension's parts...
                    self.generic(child)

    def generic(self, node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.statement(child)
            elif isinstance(child, ast.expr):
                self.expr(child)
            else:
                self.generic(child)

    def arguments(self, args):
        for d in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.expr(d)

    def store(self, target):
        for name in _target_names(target):
            self.bind(name)
        if not isinstance(target, ast.Name):
            for node in ast.walk(target):
                if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
                    self.expr(node.value)
                    self.change(_root(node))
                    self.f.stores.add(_root(node))
                    if isinstance(node, ast.Subscript):
                        self.expr(node.slice)

    # ----------------------------------------------------------- expressions
    def expr(self, node):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.load(node.id)
            else:
                self.bind(node.id)
            return
        if isinstance(node, ast.Lambda):
            self.arguments(node.args)
            self.nested(_scope_facts(node))
            return
        if isinstance(node, _COMPREHENSIONS):
            self.nested(_scope_facts(node))
            return
        if isinstance(node, ast.NamedExpr):
            self.expr(node.value)
            self.bind(node.target.id)
            return
        if isinstance(node, ast.Call):
            self.call(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child)
            elif not isinstance(child, (ast.expr_context,)):
                self.generic(child)

    def call(self, node):
        func = node.func
        if isinstance(func, ast.Name):
            self.f.called.add(func.id)
            # A function of the session, or one unknown here, may change what it is given;
            # a method call changes its object only (a library's methods do not
            # change their arguments, save a random generator's: see STATEFUL_MODULES).
            passes = func.id not in PURE_CALLS
        else:
            passes = False
            if isinstance(func, ast.Attribute):  # a method: it may change its object
                self.change(_root(func.value))
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if isinstance(arg, ast.Starred):
                arg = arg.value
            if isinstance(arg, ast.Name):
                self.f.called.add(arg.id)  # a function passed on may be run
                if passes:
                    self.change(arg.id)

    def nested(self, inner):
        """A lambda or comprehension: what it reads from here, and changes, is this scope's."""
        for name in inner.uses:
            self.load(name)
        self.f.changes |= inner.changes
        self.f.called |= inner.called


def _scope_facts(node):
    """The names a function, class, lambda or comprehension reads and changes from the scope around it."""
    r = _Reader()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = node.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x)]:
            r.bound.add(arg.arg)
        if isinstance(node, ast.Lambda):
            r.expr(node.body)
        else:
            r.statements(node.body)
    elif isinstance(node, ast.ClassDef):
        r.statements(node.body)
    else:  # a comprehension: its targets are its own
        for gen in node.generators:
            r.expr(gen.iter)
            r.store(gen.target)
            for cond in gen.ifs:
                r.expr(cond)
        for part in ("elt", "key", "value"):
            if getattr(node, part, None) is not None:
                r.expr(getattr(node, part))
    # A name its body binds is its own (unless declared global); a read before the
    # binding in the text is a late-bound read of the same local, not of a global.
    own = r.bound - r.declared_global
    out = Facts()
    out.uses = {n for n in r.f.uses if n not in own}
    out.changes = {n for n in r.f.changes if n not in own} | (r.declared_global & set(r.f.binds))
    out.called = {n for n in r.f.called if n not in own}
    # Functions defined inside it: what they read from outside is read from here too.
    for inner in r.f.functions.values():
        out.uses |= {n for n in inner.uses if n not in own}
        out.changes |= {n for n in inner.changes if n not in own}
        out.called |= {n for n in inner.called if n not in own}
    return out


# ---------------------------------------------------------------------------
# A block as statements


@dataclass(frozen=True)
class Unit:
    """A top-level statement of a block as shown (statements sharing a line are one)."""

    block: int  # its block's place in the session's chain
    text: str  # its lines, with the comment lines right above it
    blank_before: bool  # a blank line separates it from the statement before it
    compound: bool  # it ends with an indented body (pasted into the REPL, a blank line must follow)
    output_only: bool  # it only prints or shows
    facts: Facts


def units(code, block=0):
    """The top-level statements of `code` (a block's shown code), in order."""
    return list(_units(code, block))


@functools.lru_cache(maxsize=1024)  # the build's checks, the page's snippets and the script all read each block
def _units(code, block):
    tree = ast.parse(code)
    lines = code.split("\n")
    groups = []
    for node in tree.body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        if groups and first <= groups[-1][2]:
            groups[-1][0].append(node)
            groups[-1][2] = max(groups[-1][2], node.end_lineno)
        else:
            groups.append([[node], first, node.end_lineno])
    out, start = [], 1  # 1-based first line not yet owned
    for i, (nodes, _first, last) in enumerate(groups):
        end = len(lines) if i == len(groups) - 1 else last
        own = lines[start - 1 : end]
        blank_before = False
        while own and not own[0].strip():
            own.pop(0)
            blank_before = True
        while own and not own[-1].strip():
            own.pop()
        reader = _Reader()
        reader.statements(nodes)
        out.append(
            Unit(
                block=block,
                text="\n".join(own),
                blank_before=blank_before and bool(out),
                compound=isinstance(nodes[-1], COMPOUND),
                output_only=all(_output_only(n) for n in nodes),
                facts=reader.f,
            )
        )
        start = end + 1
    return tuple(out)


def _output_only(node):
    if not isinstance(node, ast.Expr):
        return False
    value = node.value
    if isinstance(value, ast.Call):
        return isinstance(value.func, ast.Name) and value.func.id in OUTPUT_CALLS
    return not isinstance(value, (ast.Await, ast.Yield, ast.YieldFrom))  # a bare value: the REPL's echo only


# ---------------------------------------------------------------------------
# Versions of names, and the slice


class _Versions:
    """Each binding of a name is a version: (its unit, whether it is code, the function it is)."""

    def __init__(self):
        self.unit = []  # version -> unit index
        self.code = []  # version -> bound by def/class/import
        self.function = []  # version -> Facts of its body (def/class), or None
        self.module = []  # version -> module name (import), or None
        self.source = []  # version -> what an import bound, or None
        self.joined = []  # unit -> data versions it binds or reads together: objects they may share

    def new(self, unit, code, function, module, source=None):
        self.source.append(source)
        self.unit.append(unit)
        self.code.append(code)
        self.function.append(function)
        self.module.append(module)
        return len(self.unit) - 1

    def groups(self, units):
        """Find, for the objects as they stand after the first `units` units: version -> its group."""
        parent = list(range(len(self.unit)))

        def find(v):
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        for vs in self.joined[:units]:
            roots = [find(v) for v in vs]
            for r in roots[1:]:
                parent[r] = roots[0]
        return find


@dataclass
class Session:
    """A session's statements, each with the versions it reads and changes."""

    units: list
    reads: list  # unit -> versions it reads
    changes: list  # unit -> versions whose objects it may change
    versions: _Versions
    needed: dict = field(default_factory=dict)  # block -> its needed units, once found


def analyse(codes):
    """Read the shown code of a session's blocks (in order) as one program."""
    all_units = [u for i, code in enumerate(codes) for u in units(code, i)]
    V = _Versions()
    current = {}
    reads, changes = [], []
    for i, u in enumerate(all_units):
        f = u.facts
        used, changed = set(f.uses), set(f.changes)
        # A function it runs reads what its body reads and changes what its body changes,
        # transitively, as bound now.
        seen, todo = set(), [n for n in f.called | f.uses if n in current]
        while todo:
            v = current.get(todo.pop())
            if v is None or v in seen:
                continue
            seen.add(v)
            body = V.function[v]
            if body is not None:
                used |= body.uses
                changed |= body.changes
                todo.extend(n for n in body.uses | body.called if n in current)
        read = {current[n] for n in used if n in current}
        changed_versions = set()
        for n in changed:
            v = current.get(n)
            if v is None:
                continue
            if V.module[v] is not None:
                if V.module[v] in STATEFUL_MODULES:
                    changed_versions.add(v)
            elif not V.code[v] or n in f.stores:  # a class changes only by a statement of its own (`Value.x = ...`)
                changed_versions.add(v)
        new = []
        for name in dict.fromkeys(f.binds):
            code = name in f.code
            source = f.sources.get(name)
            was = current.get(name)
            if source is not None and was is not None and V.source[was] == source:
                continue  # imported again: the same object, bound as before
            v = V.new(i, code, f.functions.get(name) if code else None, f.modules.get(name), source)
            current[name] = v
            new.append(v)
        V.joined.append([v for v in [*read, *new] if not V.code[v]])
        reads.append(read)
        changes.append(changed_versions)
    return Session(all_units, reads, changes, V)


def needed_units(session, block):
    """Indices of the units of earlier blocks that block `block` of the session needs, in order."""
    if block not in session.needed:
        session.needed[block] = _needed_units(session, block)
    return session.needed[block]


def _needed_units(session, block):
    us = session.units
    V = session.versions
    first = next(i for i, u in enumerate(us) if u.block == block) if any(u.block == block for u in us) else len(us)
    last = max((i for i, u in enumerate(us) if u.block == block), default=first - 1)
    find = V.groups(last + 1)
    earlier = range(first)
    # Which earlier units change each group of objects, as they stand at this block.
    changers = {}
    for i in earlier:
        if not us[i].output_only:  # a statement that only prints or shows is never needed, whatever it calls
            for g in {find(c) for c in session.changes[i]}:
                changers.setdefault(g, []).append(i)
    needed = set()
    todo = [v for i in range(first, last + 1) for v in session.reads[i]]
    # Changes made by the block itself to earlier objects need those objects' history too.
    todo += [v for i in range(first, last + 1) for v in session.changes[i]]
    done = set()
    while todo:
        v = todo.pop()
        if v in done:
            continue
        done.add(v)
        add = changers.get(find(v), [])
        if V.unit[v] < first:
            add = [V.unit[v], *add]
        for i in add:
            if i not in needed:
                needed.add(i)
                todo += session.reads[i]
                todo += session.changes[i]
    # Every earlier import of the standard library or of what comes with gradbook,
    # needed or not: the setups of a page's blocks then begin alike (the tests
    # run what they share once), and such an import costs nothing and needs
    # nothing installed. An import of numpy, matplotlib or torch comes only when needed.
    for i in earlier:
        f = us[i].facts
        if f.binds and set(f.binds) <= f.imports and all(_always_there(m) for m in f.modules.values()):
            needed.add(i)
    return sorted(needed)


def _always_there(module):
    return module in sys.stdlib_module_names or module in ("gradbook", "graphviz")


def join(parts):
    """Units' text as one piece of code, laid out so the REPL reads it as a script does."""
    out = []
    previous = None
    for u in parts:
        if previous is not None:
            if previous.compound or u.blank_before or u.block != previous.block:
                out.append("")
        out.append(u.text)
        previous = u
    return "\n".join(out)


SETUP_HEAD = "# Setup: the code of the blocks above that this block needs"
BLOCK_HEAD = "# The block"


def with_setup(session, block, shown):
    """The setup text of block `block`: what it needs from earlier blocks, then its own shown code."""
    parts = [session.units[i] for i in needed_units(session, block)]
    if not parts:
        return shown
    return f"{SETUP_HEAD}\n{join(parts)}\n\n{BLOCK_HEAD}\n{shown}"


def setup_prints(session, block):
    """Whether the setup of a block prints or shows something itself (its output then comes first).

    Conservative: a call of print, show or show_steps in a needed statement, or
    of a function of the session whose text has one.
    """
    printing = set()
    for u in session.units:
        if _prints(u.text):
            printing |= set(u.facts.functions)
    for i in needed_units(session, block):
        u = session.units[i]
        if _prints(u.text) or u.facts.called & printing:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _prints(code):
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in OUTPUT_CALLS
        for n in ast.walk(ast.parse(code))
    )


@dataclass(frozen=True)
class Snippet:
    """A block's setup text, and how it measures against the whole prefix of its session."""

    block: object  # book.blocks.Block
    text: str  # the with-setup text
    pieces: tuple  # its top-level statements, in order: the setup's, then the block's code whole
    prefix_lines: int  # lines of the whole session up to and including the block, as shown
    setup_prints: bool


def s_units(session, block):
    return [u for u in session.units if u.block == block]


def page_snippets(blocks):
    """{fence_line: Snippet} for every built Python block of a page (book.blocks.python_blocks)."""
    out = {}
    sessions = {}
    for b in blocks:
        if not b.built:
            continue
        chain = session_chain(blocks, b.session) if b.session else [b]
        key = b.session if b.session else b.fence_line
        if key not in sessions:
            sessions[key] = analyse([c.shown_code for c in chain])
        s = sessions[key]
        i = chain.index(b)
        prefix = sum(len(c.shown_code.split("\n")) for c in chain[: i + 1])
        pieces = tuple(u.text for u in [*(s.units[n] for n in needed_units(s, i)), *s_units(s, i)])
        out[b.fence_line] = Snippet(b, with_setup(s, i, b.shown_code), pieces, prefix, setup_prints(s, i))
    return out


def missing_imports(blocks):
    """Blocks that begin with imports but use a name an earlier block imported: (block, [names])."""
    found = []
    for b in blocks:
        if not b.built:
            continue
        try:
            tree = ast.parse(b.shown_code)
        except SyntaxError:
            continue
        if not tree.body or not isinstance(tree.body[0], (ast.Import, ast.ImportFrom)):
            continue
        chain = session_chain(blocks, b.session) if b.session else [b]
        imported = set()
        for earlier in chain[: chain.index(b)]:
            try:
                for u in units(earlier.shown_code):
                    imported |= u.facts.imports
            except SyntaxError:
                continue
        own = units(b.shown_code)
        bound, missing = set(), []
        for u in own:
            f = u.facts
            names = set(f.uses)
            for fn in f.functions.values():
                names |= fn.uses
            for n in sorted(names):
                if n in imported and n not in bound and n not in missing:
                    missing.append(n)
            bound |= set(f.binds)
        missing = [n for n in missing if n not in bound]
        if missing:
            found.append((b, missing))
    return found


def setup_prefixes(blocks):
    """What the page's "Copy with setup" puts before a block's code: {"session\\0index": text}.

    Keyed as the live pages key a block (book/live.py: its session and its place
    in it); a block with nothing to set up, or without a session, is left out
    (its copy with setup is its own code).
    """
    out = {}
    for snippet in page_snippets(blocks).values():
        b = snippet.block
        if b.session and snippet.text != b.shown_code:
            chain = session_chain(blocks, b.session)
            out[f"{b.session}\0{chain.index(b)}"] = snippet.text[: -len(b.shown_code)]
    return out


def snippets_file(page_uri):
    """The file beside a chapter's page with its blocks' setup texts (`snippets_json`).

    The page's script fetches it the first time a reader reaches for a "Copy with setup"
    button, not with the page: on chapter 7 it is 67 KB, 15% of the page's HTML.
    """
    return f"{posixpath.splitext(posixpath.basename(page_uri))[0]}.setup.json"


def snippets_json(blocks):
    """The data of a page's "Copy with setup" buttons (its `snippets_file`), or None if no block needs setup."""
    prefixes = setup_prefixes(blocks)
    return json.dumps(prefixes, ensure_ascii=True, sort_keys=True) + "\n" if prefixes else None


def snippets_html(base, data_file=None):
    """The script that adds a page's "Copy with setup" buttons (book/live/snippets.js).

    `base` leads from the page to the site's root ("../../"); `data_file`, the page's
    `snippets_file` beside it, if it has one.
    """
    data = f' data-gb-snippets="{data_file}"' if data_file else ""
    return f'\n<script type="module" src="{base}live/snippets.js"{data}></script>\n'
