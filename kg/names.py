"""Name normalisation shared by extraction and IRI minting (pure Python, no spaCy)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii


_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ß": "ss",
                              "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ð": "d", "þ": "th", "\u2019": "'",
                              "\u2018": "'"})


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case and strip accents and curly quotes: the key every lexicon lookup uses."""
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def strip_possessive(text: str) -> str:
    return re.sub(r"(?:['’]s|['’])$", "", text.strip())


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphenated: the stable local part of an IRI (``Maulen Ashimbayev`` ->
    ``maulen-ashimbayev``; ``Ürümqi`` -> ``urumqi``)."""
    text = anyascii(text.replace("\u2019", "'"))   # Łukasz -> Lukasz, Ürümqi -> Urumqi, Алматы -> Almaty
    text = re.sub(r"['`]", "", text.lower())
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if not text:
        return "x"
    return text[:80].strip("-")


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """Compare names ignoring case, accents, punctuation and a leading article."""
    key = re.sub(r"[^a-z0-9 ]+", " ", fold(strip_possessive(text)))
    key = re.sub(r"\s+", " ", key).strip()
    return re.sub(r"^the ", "", key)


_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def variant_key(key: str) -> str:
    """One key for the romanisations of a name (a :func:`name_key`): equal keys, same name.

    Kazakh, Russian and other Turkic names reach English news romanised several ways; the rule
    folds the differences that do not change the name, word by word, then joins the words so a
    hyphen or a space between given names does not count:

    - ``dzh`` / ``dj`` / ``zh`` / ``j`` -> ``j``: "Kasym-Zhomart" and "Kassym-Jomart", "Dzhaksybekov"
      and the French "Djaksybekov";
    - ``kh`` -> ``h``: "Mukhtar" and "Muhtar";
    - a leading ``ye`` -> ``e`` and ``yev`` -> ``ev``: "Yerlan" and "Erlan", "Tokayev" and "Tokaev";
    - a final ``iy`` or ``y`` -> ``i``: "Dmitriy", "Dmitry" and "Dmitri", "Sergey" and "Sergei";
    - doubled letters single: "Kassym" and "Kasym", "Nurlan" and "Nurllan".

    Nothing else is folded: the rule is an equality, not a distance, so "Ilham Aliyev" and
    "Heydar Aliyev" (father and son) or "Sadyr Japarov" and "Akylbek Japarov" stay apart, and
    docs/resolution.md gives the pairs it was measured on.
    """
    out = []
    for w in key.split():
        w = w.replace("dzh", "j").replace("dj", "j").replace("zh", "j").replace("kh", "h")
        if w.startswith("ye"):
            w = "e" + w[2:]
        w = w.replace("yev", "ev")
        w = re.sub(r"i?y$", "i", w)
        out.append(_DOUBLE.sub(r"\1", w))
    return "".join(out)
