"""Quotations in news text: direct quotes and indirect speech, each with its speaker.

    >>> from newsweave.analyse.quotes import SpeakerMention, extract_quotes
    >>> text = "«Non firmeremo nulla», ha dichiarato Dmitry Peskov."
    >>> peskov = SpeakerMention(37, 50, "Dmitry Peskov", "PER", "PER:dmitri-peskof", "Dmitry Peskov")
    >>> [(q.text, q.speaker_name, q.verb) for q in extract_quotes(text, "it", [(0, len(text))], [peskov])]
    [('Non firmeremo nulla', 'Dmitry Peskov', 'ha dichiarato')]

Pure functions over text, sentence spans and entity mentions; nothing is
loaded or stored. Modules: ``marks`` (quotation marks and nesting),
``lexicon`` (reporting verbs and other word lists per language),
``names`` (mention -> speaker, short forms -> full names), ``attribution``
(verb -> speaker), ``indirect`` (reported clauses), ``extract`` (the whole).
"""

from newsweave.analyse.quotes.extract import extract_quotes
from newsweave.analyse.quotes.marks import QuoteMarks, find_quote_marks
from newsweave.analyse.quotes.model import Quote, QuoteKind, SpeakerKind, SpeakerMention

__all__ = ["Quote", "QuoteKind", "QuoteMarks", "SpeakerKind", "SpeakerMention", "extract_quotes", "find_quote_marks"]
