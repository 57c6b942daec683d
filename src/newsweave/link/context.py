"""What a person is named beside: the context that tells bearers of one surname apart.

A bare surname ("Mubarak", "Smith") names one of the known people bearing it.
Each person named in full keeps a small count of the entities named in the same
articles (``Linker._note_context``); a bare surname goes to the bearer whose
count shares most entities with its own article (``Linker._bearer``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

# The entities kept per person: the most often named beside them. A dozen tells apart the people a surname
# commonly names (a footballer's clubs and team-mates, a president's country and ministers) and keeps the
# linker's memory and checkpoint small: most people are named in a few articles only.
CONTEXT_SIZE = 12


def prune_context(context: Counter) -> None:
    """Keep the ``CONTEXT_SIZE`` entities named most often (ties: by id) once twice as many are counted;
    pruned in bulk, not on every article."""
    if len(context) > 2 * CONTEXT_SIZE:
        kept = sorted(context.items(), key=lambda kv: (-kv[1], kv[0]))[:CONTEXT_SIZE]
        context.clear()
        context.update(dict(kept))


def pick_bearer(bearers: dict[str, tuple[int, Counter]], around: frozenset[str], resolve: Callable[[str], str]
                ) -> str | None:
    """Which of several people bearing a surname (id -> (times named in full, context)) a bare mention of it
    names: of those whose context holds anything the mention's article names (``around``), the one named in full
    most often; None when none does, or two tie. Who is named most overall does not decide alone: ECB+'s sports
    reports name Reggie Bush far more often than its political ones name George W. Bush.

    Before, a surname of several bearers was left to its article. In the analysed ML-Crisis store the one-word
    person mentions so left went from 6,287 of 10,297 to 4,262 (bare "Mubarak" beside Gamal and Hosni Mubarak;
    "Obama", of whom a tagging slip made two: "Administración Obama"); in ECB+ from 942 of 2,325 to 837 ("Bush"
    in nine political reports, "Smith" in reports on Matt Smith's Doctor Who).
    """
    named = sorted(((n, i) for i, (n, context) in bearers.items() if context_overlap(context, around, resolve)),
                   reverse=True)
    if not named or (len(named) > 1 and named[0][0] == named[1][0]):
        return None
    return named[0][1]


def context_overlap(context: Counter, around: frozenset[str], resolve: Callable[[str], str]) -> int:
    """How many of the entities an article names (``around``, current ids) ``context`` holds; its ids may
    since have been merged into others, so each is followed to its current id."""
    if not around:
        return 0
    return len({i for i in map(resolve, context) if i in around})
