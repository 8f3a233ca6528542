"""The in-memory search index of one organisation: names by word, numbers by E.164.

Names are matched word by word, case- and accent-insensitively: a query word matches an
entry's word exactly, as its prefix, or anywhere inside it (partial). An entry matches
when every query word matches one of its words; its rank is its worst match, and
results come exact before prefix before partial, then by name.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field

EXACT, PREFIX, PARTIAL = 0, 1, 2
MATCH_NAMES = {EXACT: "exact", PREFIX: "prefix", PARTIAL: "partial"}


def fold(text: str) -> str:
    """``Zoë Ångström`` → ``zoe angstrom``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(*texts: str | None) -> set[str]:
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(w for w in "".join(c if c.isalnum() else " " for c in fold(text)).split() if w)
    return found


@dataclass(slots=True)
class Entry:
    """What search shows of a user, team or contact (never a password or a hash)."""

    kind: str  # user, team or contact
    id: str
    organisation_id: str
    display_name: str
    owner_id: str = ""
    viewable_by: str = "staff"
    editable_by: str = "staff"
    fields: dict[str, str | None] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()
    sms_number: str | None = None
    words: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


class NameAndNumberIndex:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self._by_word: dict[str, set[str]] = {}
        self._sorted_words: list[str] = []
        self._by_number: dict[str, set[str]] = {}

    # -- keeping it current --------------------------------------------------------
    def put(self, entry: Entry) -> None:
        self.drop(entry.key)
        self.entries[entry.key] = entry
        for word in entry.words:
            keys = self._by_word.get(word)
            if keys is None:
                keys = self._by_word[word] = set()
                bisect.insort(self._sorted_words, word)
            keys.add(entry.key)
        for number in entry.numbers:
            self._by_number.setdefault(number, set()).add(entry.key)

    def drop(self, key: str) -> Entry | None:
        entry = self.entries.pop(key, None)
        if entry is None:
            return None
        for word in entry.words:
            keys = self._by_word[word]
            keys.discard(key)
            if not keys:
                del self._by_word[word]
                del self._sorted_words[bisect.bisect_left(self._sorted_words, word)]
        for number in entry.numbers:
            keys = self._by_number[number]
            keys.discard(key)
            if not keys:
                del self._by_number[number]
        return entry

    # -- reading -----------------------------------------------------------------------
    def with_number(self, number: str) -> list[Entry]:
        return [self.entries[k] for k in self._by_number.get(number, ())]

    def numbers_containing(self, digits: str) -> dict[str, int]:
        """Keys whose numbers start with (prefix) or contain (partial) ``digits``."""
        found: dict[str, int] = {}
        for number, keys in self._by_number.items():
            bare = number.lstrip("+")
            rank = PREFIX if bare.startswith(digits) else PARTIAL if digits in bare else None
            if rank is not None:
                for key in keys:
                    found[key] = min(found.get(key, rank), rank)
        return found

    def names_matching(self, query: str, enough: int) -> dict[str, int]:
        """Key → rank of the entries whose words match every word of ``query``."""
        wanted = sorted(words_of(query), key=len, reverse=True)
        if not wanted:
            return {}
        found = self._match(wanted, partial=False)
        if len(found) < enough:
            found = self._match(wanted, partial=True)
        return found

    def _match(self, wanted: list[str], partial: bool) -> dict[str, int]:
        result: dict[str, int] | None = None
        for query_word in wanted:
            ranks = self._word_ranks(query_word, partial)
            result = (
                ranks if result is None else {k: max(r, ranks[k]) for k, r in result.items() if k in ranks}
            )
            if not result:
                return {}
        return result or {}

    def _word_ranks(self, query_word: str, partial: bool) -> dict[str, int]:
        ranks: dict[str, int] = {}

        def note(word: str, rank: int) -> None:
            for key in self._by_word[word]:
                if ranks.get(key, PARTIAL + 1) > rank:
                    ranks[key] = rank

        if query_word in self._by_word:
            note(query_word, EXACT)
        start = bisect.bisect_left(self._sorted_words, query_word)
        for word in self._sorted_words[start:]:
            if not word.startswith(query_word):
                break
            if word != query_word:
                note(word, PREFIX)
        if partial:
            for word in self._sorted_words:
                if query_word in word and not word.startswith(query_word):
                    note(word, PARTIAL)
        return ranks
