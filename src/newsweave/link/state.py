"""A linker's state as plain JSON data: what the link stage's checkpoint stores.

The checkpoint lives in the store, and a store must never execute what it
reads back (a shared database or a SQLite file from someone else could hold
anything), so it is not a pickle: :func:`to_plain` gives lists, dicts,
strings and numbers only, and :func:`from_plain` checks their shape as it
rebuilds the linker, raising ``ValueError`` on anything else.

It is also laid out for speed, since every incremental link run restores and
saves it whole (at 100,000 articles it holds a quarter of a million entities,
most of them bare surnames waiting for a full name): entities are stored as
columns, and an entity's empty containers are left out instead of written one
by one.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from newsweave.link.linker import Linker, _Ent
from newsweave.link.model import Mention

_SCALARS = ("id", "type", "order", "ref", "kind", "first_text")
_SETS_OF_KEYS = ("keys", "translit_keys")  # sets of token tuples
_KEY_INDEXES = ("_by_key", "_by_weak", "_by_acronym", "_by_shape")  # (type, tuple) -> ids
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
        return _build(data)
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as exc:
        raise ValueError(f"not a linker state: {exc!r}") from exc


def _build(data: dict[str, Any]) -> Linker:
    linker = Linker(_str(data["reader_lang"]), keep_mentions="assigned" in data)
    linker._created = _int(data["created"])
    linker._translit_seen = data["translit_seen"] is True
    linker._touched = set(_strs(data["touched"]))
    linker._parent = dict(zip(_strs(data["parent"]), _strs(data["parent"].values()), strict=True))
    linker._by_ref = {(_str(t), _str(ref)): _str(eid) for t, ref, eid in data["by_ref"]}
    linker._ents = {e.id: e for e in _entities(data)}
    for name in _KEY_INDEXES:
        index = getattr(linker, name)
        for t, k, ids in data[name]:
            index[(_str(t), _key(k))] = set(_strs(ids))
    for name in _WORD_INDEXES:
        index = getattr(linker, name)
        for w, ids in data[name].items():
            index[w] = set(_strs(ids))
    if "assigned" in data:
        linker._assigned = [(Mention(_str(a), _str(tx), _str(ty), lg and _str(lg), _int(s), _int(e)), _str(eid))
                            for a, tx, ty, lg, s, e, eid in data["assigned"]]
    return linker


def _entities(data: dict[str, Any]) -> list[_Ent]:
    cols = data["ents"]
    for f in ("id", "type", "kind", "first_text"):
        _strs(cols[f])
    _strs(r for r in cols["ref"] if r is not None)
    if not all(type(x) is int for x in cols["order"]):
        raise TypeError("an entity's order is not an integer")
    new, counter = object.__new__, dict.__new__  # no __init__: every field is set here
    ents: list[_Ent] = []
    for values in zip(*(cols[f] for f in _SCALARS), strict=True):
        e = new(_Ent)
        # a Counter made by dict.__new__ skips Counter.__init__, which only calls update()
        e.__dict__.update(zip(_SCALARS, values), aliases={}, forms=counter(Counter), keys=set(), translit_keys=set(),
                          surnames=set(), votes=counter(Counter))
        ents.append(e)
    for i, aliases in data["aliases"]:
        ents[i].aliases = {_str(lang): _strs(forms) for lang, forms in aliases.items()}
    for i, forms in data["forms"]:
        dict.update(ents[i].forms, {(_str(lang), _str(core), _int(n)): _int(c) for lang, core, n, c in forms})
    for i, votes in data["votes"]:
        dict.update(ents[i].votes, {_str(t): _int(c) for t, c in votes})
    for i, words in data["surnames"]:
        ents[i].surnames = set(_strs(words))
    for f in _SETS_OF_KEYS:
        for i, keys in data[f]:
            setattr(ents[i], f, {_key(k) for k in keys})
    return ents


def _key(k: list) -> tuple:
    """An index key as the linker makes it: a tuple of tokens, or (length, first, last) for a shape."""
    if not all(type(x) is str or type(x) is int for x in k):
        raise TypeError("an index key holds something other than strings and integers")
    return tuple(k)


def _strs(xs: Any) -> list[str]:
    xs = list(xs)
    if not all(type(x) is str for x in xs):
        raise TypeError("expected strings")
    return xs


def _str(x: Any) -> str:
    if type(x) is not str:
        raise TypeError(f"expected a string, got {type(x).__name__}")
    return x


def _int(x: Any) -> int:
    if type(x) is not int:
        raise TypeError(f"expected an integer, got {type(x).__name__}")
    return x
