"""A linker's state as plain JSON data: what the link stage's checkpoint stores.

The checkpoint lives in the store, and a store must never execute what it
reads back (a shared database or a SQLite file from someone else could hold
anything), so it is not a pickle: :func:`to_plain` gives JSON values only
(lists, objects, strings, numbers, booleans, null). :func:`from_plain`
checks what it rebuilds: every value's type, every row of the sparse
columns, and that every entity id the indexes and merges name leads, without
a cycle, to an entity; anything else raises ``ValueError`` (the link stage
then relinks from the mentions), never a linker that would hang or fail later.

It is also laid out for speed, since every incremental link run restores and
saves it whole (at 100,000 articles it holds a quarter of a million entities,
most of them bare surnames waiting for a full name): entities are stored as
columns, an entity's empty containers are left out instead of written one by
one, and the ids read back are shared strings, as the linker's own are.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from newsweave.link.linker import Linker, _Ent
from newsweave.link.model import Mention

_SCALARS = ("id", "type", "order", "ref", "kind", "first_text", "shown")
_SETS_OF_KEYS = ("keys", "translit_keys")  # sets of token tuples
_KEY_INDEXES = ("_by_key", "_by_weak", "_by_acronym", "_by_shape", "_by_skeleton")  # (type, tuple) -> ids
_WORD_INDEXES = ("_surnames", "_pending")  # token -> ids


def to_plain(linker: Linker) -> dict[str, Any]:
    """The linker's whole state as JSON-ready data."""
    ents = list(linker._ents.values())
    out: dict[str, Any] = {
        "reader_lang": linker.reader_lang,
        "created": linker._created,
        "translit_seen": linker._translit_seen,
        "touched": list(linker._touched),
        "parent": linker._parent,
        "by_ref": [[t, ref, eid] for (t, ref), eid in linker._by_ref.items()],
        "ents": {f: [getattr(e, f) for e in ents] for f in _SCALARS},
        # sparse columns, [row, value] for the entities whose container is not empty; a Counter's
        # items in their order, which breaks ties between an entity's names
        "aliases": [[i, e.aliases] for i, e in enumerate(ents) if e.aliases],
        "forms": [[i, [[*k, n] for k, n in e.forms.items()]] for i, e in enumerate(ents) if e.forms],
        "votes": [[i, list(e.votes.items())] for i, e in enumerate(ents) if e.votes],
        "surnames": [[i, list(e.surnames)] for i, e in enumerate(ents) if e.surnames],
        "context": [[i, list(e.context.items())] for i, e in enumerate(ents) if e.context],
    }
    for f in _SETS_OF_KEYS:
        out[f] = [[i, list(getattr(e, f))] for i, e in enumerate(ents) if getattr(e, f)]
    for name in _KEY_INDEXES:
        out[name] = [[t, k, list(ids)] for (t, k), ids in getattr(linker, name).items() if ids]
    for name in _WORD_INDEXES:
        out[name] = {w: list(ids) for w, ids in getattr(linker, name).items() if ids}
    if linker._assigned is not None:
        out["assigned"] = [[m.article, m.text, m.type, m.lang, m.start, m.end, eid] for m, eid in linker._assigned]
    return out


def from_plain(data: Any) -> Linker:
    """The linker :func:`to_plain` described; ``ValueError`` when ``data`` is not such a description."""
    try:
        linker = _build(_dict(data))
        _check_ids(linker)
        return linker
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise ValueError(f"not a linker state: {exc!r}") from exc


def _build(data: dict[str, Any]) -> Linker:
    linker = Linker(_str(data["reader_lang"]), keep_mentions="assigned" in data)
    linker._created = _int(data["created"])
    linker._translit_seen = _bool(data["translit_seen"])
    ids: dict[str, str] = {}  # one string object per id, as in the linker that was saved
    share = ids.setdefault
    linker._ents = _entities(data, share)
    linker._touched = {share(x, x) for x in _strs(data["touched"])}
    parent = _dict(data["parent"])
    linker._parent = {share(k, k): share(v, v) for k, v in zip(_strs(parent.keys()), _strs(parent.values()))}
    linker._by_ref = {}
    for row in _list(data["by_ref"]):
        t, ref, eid = _strs(row, 3)
        linker._by_ref[(t, ref)] = share(eid, eid)
    for name in _KEY_INDEXES:
        index = getattr(linker, name)
        key = _shape if name == "_by_shape" else _key
        for row in _list(data[name]):
            t, k, members = _list(row, 3)
            index[(_str(t), key(k))] = {share(x, x) for x in _strs(members)}
    for name in _WORD_INDEXES:
        index = getattr(linker, name)
        for w, members in _dict(data[name]).items():
            index[w] = {share(x, x) for x in _strs(members)}
    if "assigned" in data:
        linker._assigned = [_assignment(row, share) for row in _list(data["assigned"])]
    return linker


def _entities(data: dict[str, Any], share: Any) -> dict[str, _Ent]:
    cols = _dict(data["ents"])
    for f in ("id", "type", "kind", "first_text", "shown"):
        _strs(cols[f])
    if not all(r is None or type(r) is str for r in _list(cols["ref"])):
        raise TypeError("an entity's ref is neither a string nor null")
    if not all(type(x) is int for x in _list(cols["order"])):
        raise TypeError("an entity's order is not an integer")
    new, counter = object.__new__, dict.__new__  # no __init__: every field is set here
    ents: list[_Ent] = []
    for values in zip(*(cols[f] for f in _SCALARS), strict=True):
        e = new(_Ent)
        # a Counter made by dict.__new__ skips Counter.__init__, which only calls update()
        e.__dict__.update(zip(_SCALARS, values), aliases={}, forms=counter(Counter), keys=set(), translit_keys=set(),
                          surnames=set(), votes=counter(Counter), context=counter(Counter))
        e.id = share(e.id, e.id)
        ents.append(e)
    by_id = {e.id: e for e in ents}
    if len(by_id) != len(ents):
        raise ValueError("two entities share an id")
    if not all(i.startswith(f"{e.type}:") for i, e in by_id.items()):
        raise ValueError("an entity id does not begin with its type")  # a retype rewrites what follows it
    for i, aliases in _rows(data["aliases"], len(ents)):
        ents[i].aliases = {_str(lang): _strs(forms) for lang, forms in _dict(aliases).items()}
    for i, forms in _rows(data["forms"], len(ents)):
        for row in _list(forms):
            lang, core, n, c = _list(row, 4)
            dict.__setitem__(ents[i].forms, (_str(lang), _str(core), _int(n)), _int(c))
    for i, votes in _rows(data["votes"], len(ents)):
        for row in _list(votes):
            t, c = _list(row, 2)
            dict.__setitem__(ents[i].votes, _str(t), _int(c))
    for i, words in _rows(data["surnames"], len(ents)):
        ents[i].surnames = set(_strs(words))
    for i, named in _rows(data["context"], len(ents)):
        for row in _list(named):
            eid, c = _list(row, 2)
            # an id merged away since is followed when the context is read; one dropped no longer matches
            dict.__setitem__(ents[i].context, share(_str(eid), eid), _int(c))
    for f in _SETS_OF_KEYS:
        for i, keys in _rows(data[f], len(ents)):
            setattr(ents[i], f, {_key(k) for k in _list(keys)})
    if any(e.shown and e.shown not in {core for _, core, _ in e.forms} for e in ents):
        raise ValueError("an entity is shown by a name none of its forms has")
    return by_id


def _rows(column: Any, n: int) -> list[list]:
    """A sparse column's [row, value] pairs, rows strictly increasing within ``range(n)``."""
    pairs = [_list(p, 2) for p in _list(column)]
    rows = [p[0] for p in pairs]
    if not all(type(i) is int for i in rows) or any(not 0 <= i < n for i in rows) or any(
            a >= b for a, b in zip(rows, rows[1:])):
        raise ValueError("a sparse column's rows are not increasing entity rows")
    return pairs


def _check_ids(linker: Linker) -> None:
    """Every id an index, a ref, a pending surname or a merge names leads to an entity, with no cycle."""
    ents, parent = linker._ents, linker._parent
    if any(k in ents for k in parent):
        raise ValueError("an entity is recorded as merged away")
    ok: set[str] = set()
    for start in parent:
        path, i = [], start
        while i not in ents and i not in ok:
            if i in path or i not in parent:
                raise ValueError(f"the merges from {start!r} lead to no entity")
            path.append(i)
            i = parent[i]
        ok.update(path)
    named = [set(linker._by_ref.values())]
    for name in _KEY_INDEXES + _WORD_INDEXES:
        named.extend(getattr(linker, name).values())
    for members in named:
        if not all(i in ents or i in ok for i in members):
            raise ValueError("an index names an entity that does not exist")
    # mentions kept with their ids may name entities since dropped (drop_unmatchable): not checked


def _assignment(row: Any, share: Any) -> tuple[Mention, str]:
    article, text, etype, lang, start, end, eid = _list(row, 7)
    if lang is not None:
        _str(lang)
    return Mention(_str(article), _str(text), _str(etype), lang, _int(start), _int(end)), share(_str(eid), eid)


def _key(k: Any) -> tuple[str, ...]:
    """A name key as the linker makes it: one or more tokens."""
    if not _list(k) or not all(type(x) is str for x in k):
        raise TypeError("a name key is not a list of one or more strings")
    return tuple(k)


def _shape(k: Any) -> tuple[int, str, str]:
    """A shape key (``keys.shape``): (token count, first letters, last letters)."""
    n, first, last = _list(k, 3)
    return _int(n), _str(first), _str(last)


def _list(x: Any, n: int | None = None) -> list:
    if type(x) is not list or (n is not None and len(x) != n):
        raise TypeError(f"expected a list{'' if n is None else f' of {n}'}, got {type(x).__name__}")
    return x


def _dict(x: Any) -> dict:
    return _of(dict, x)


def _strs(xs: Any, n: int | None = None) -> list[str]:
    """A list of strings (an object's keys or values as they come, too), ``n`` long if given."""
    xs = list(xs) if isinstance(xs, (type({}.keys()), type({}.values()))) else _list(xs, n)
    if not all(type(x) is str for x in xs):
        raise TypeError("expected strings")
    return xs


def _of(kind: type, x: Any) -> Any:
    """``x`` if it is exactly of ``kind`` (True is not an integer here), else TypeError."""
    if type(x) is not kind:
        raise TypeError(f"expected {kind.__name__}, got {type(x).__name__}")
    return x


def _str(x: Any) -> str:
    return _of(str, x)


def _int(x: Any) -> int:
    return _of(int, x)


def _bool(x: Any) -> bool:
    return _of(bool, x)
