"""Cross-lingual entity linking: mentions -> canonical people, organisations and places.

    >>> from newsweave.link import Mention, link_mentions
    >>> ents = link_mentions([Mention("a", "Μόσχα", "LOC", "el", 0, 5),
    ...                       Mention("b", "Mosca", "LOC", "it", 0, 5)])
    >>> [(e.id, e.name) for e in ents]
    [('LOC:moscow', 'Moscow')]
"""

from newsweave.link.linker import Linker, link_mentions
from newsweave.link.model import Entity, Mention
from newsweave.link.translit import transliterate

__all__ = ["Entity", "Linker", "Mention", "link_mentions", "transliterate"]
