"""Turning profile text into terms: Unicode-aware words, accents folded, stop words of five languages dropped,
a light suffix stemmer shared by all of them (so 'packaging', 'packages' and 'package' meet, and so do
'logística' and 'logistics'), and word pairs for the short fields where word order carries meaning."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w+", re.UNICODE)

# Accent-folded, lower-case. Kept short on purpose: IDF takes care of frequent domain words.
_STOP_WORDS_TEXT = {
    "en": """a about above after again against all also am an and any are as at be because been before being below
        between both but by can could did do does doing down during each etc few for from further had has have having
        he her here hers him his how i if in into is it its itself just may me more most must my no nor not now of
        off on once only or other our ours out over own per same she should so some such than that the their theirs
        them then there these they this those through to too under until up upon very via was we were what when where
        which while who whom why will with within without would you your yours new looking seeking offer offers
        request requests want wants need needs able based including provide provides providing""",
    "de": """aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei bin bis bist da
        damit dann das dass dein deine dem den der des dessen dich die dies diese diesem diesen dieser dieses dir doch
        dort du durch ein eine einem einen einer eines er es etwas euch euer fur gegen hat haben hatte ich ihr ihre
        im in ist ja jede jedem jeden jeder jedes jetzt kann kein keine man mein meine mich mir mit muss nach nicht
        nichts noch nur ob oder ohne sehr sein seine sich sie sind so solche sollte sondern uber um und uns unser
        unter vom von vor war waren warum was weil welche wenn wer werden wie wieder will wir wird wo zu zum zur
        zwischen suchen bieten""",
    "fr": """a au aux avec ce ces cette dans de des du elle en et eux il ils je la le les leur leurs lui ma mais me
        meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une
        vos votre vous y ete etre avoir sont est plus comme tout tous toute toutes entre chez sans sous aussi""",
    "es": """a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella
        ellas ellos en entre era es esa esas ese eso esos esta estas este esto estos fue ha hay la las le les lo los
        mas me mi mis mucho muy nada ni no nos nuestra nuestro o os otra otro para pero poco por porque que quien se
        ser si sin sobre su sus tambien te tiene todo todos tu un una uno unos y ya buscamos ofrecemos""",
    "pt": """a ao aos as com como da das de dela dele do dos e ela ele eles em entre era essa esse esta este eu foi ha
        isso isto ja la lhe mais mas me mesmo meu minha muito na nao nas nem no nos nossa nosso num numa o os ou para
        pela pelo por qual quando que quem se sem ser seu sua suas seus so tambem te tem tu um uma voce""",
}
STOP_WORDS: frozenset[str] = frozenset(word for text in _STOP_WORDS_TEXT.values() for word in text.split())

# Longest first; (suffix, replacement). A stem keeps at least four letters, so short words stay whole.
_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("ungen", ""), ("ations", ""), ("ation", ""), ("ations", ""), ("ities", ""), ("ity", ""), ("ments", ""),
            ("ment", ""), ("ings", ""), ("ing", ""), ("ness", ""), ("ies", "y"), ("ied", "y"), ("ions", ""),
            ("ion", ""), ("ung", ""), ("ers", ""), ("er", ""), ("ed", ""), ("es", ""), ("en", ""), ("os", ""),
            ("as", ""), ("al", ""), ("s", ""), ("e", ""), ("a", ""), ("o", ""), ("ic", ""), ("y", ""),
        ],
        key=lambda pair: -len(pair[0]),
    )
)
_MIN_STEM = 4


def fold(text: str) -> str:
    """Lower-case, compatibility-normalise and strip accents ('Logística' -> 'logistica', 'Straße' -> 'strasse')."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Strip one inflectional or derivational suffix, then a trailing vowel, keeping at least four letters."""
    if word.isdigit():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= _MIN_STEM:
            word = word[: len(word) - len(suffix)] + replacement
            break
    if len(word) > _MIN_STEM and word[-1] in "aeo":
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Stemmed content words of a text, in order."""
    return list(_words(text))


@lru_cache(maxsize=50_000)
def _words(text: str) -> tuple[str, ...]:
    result = []
    for token in _WORD.findall(fold(text)):
        if len(token) < 2 or token in STOP_WORDS or token.replace("_", "") == "":
            continue
        result.append(stem(token))
    return tuple(result)


def terms(text: str, *, pairs: bool = False) -> list[str]:
    """The terms of a text for the index: its stemmed words and, with ``pairs``, adjacent word pairs ('cold chain')."""
    stems = words(text)
    if not pairs or len(stems) < 2:
        return stems
    return stems + [f"{a}_{b}" for a, b in zip(stems, stems[1:])]
