"""Search (§4.3, §7.4.1), advanced search, reverse lookup: read from the projection, never the store.

Visibility is enforced here on every result: a reader sees users and teams of their own
organisation (not with a public token), and the contacts ``can_view`` allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartnumbers_directory.domain.visibility import STAFF_ROLES, Reader, can_view
from smartnumbers_directory.projection import DirectoryProjection, OrganisationView
from smartnumbers_directory.search_index import EXACT, MATCH_NAMES, Entry, fold
from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.errors import Invalid

KIND_ORDER = {"user": 0, "team": 1, "contact": 2}
NUMBER_CHARACTERS = set("+0123456789 ()-./")
ADVANCED_FIELDS = ("first_name", "last_name", "display_name", "job_title", "department", "company", "email")


@dataclass(frozen=True)
class Found:
    entry: Entry
    match: str
    location: str | None = None
    availability: str | None = None


@dataclass(frozen=True)
class Callee:
    """Reverse lookup on behalf of the user being called (what they may see)."""

    user_id: str
    organisation_id: str
    role: str = "user"


def visible(entry: Entry, reader: Reader) -> bool:
    if entry.kind in ("user", "team"):
        return reader.organisation_id == entry.organisation_id and reader.role in STAFF_ROLES
    return can_view(entry, reader)


class DirectoryQueries:
    def __init__(self, projection: DirectoryProjection) -> None:
        self.projection = projection

    def search(self, reader: Reader, query: str, limit: int = 50) -> list[Found]:
        query = query.strip()
        if not query:
            raise Invalid("type a name or a number to search for")
        with self.projection.lock:
            view = self.projection.org(reader.organisation_id)
            if set(query) <= NUMBER_CHARACTERS and sum(c.isdigit() for c in query) >= 3:
                ranks = self._number_ranks(view, query)
            else:
                ranks = view.index.names_matching(query, enough=limit)
            results = [(rank, view.index.entries[key]) for key, rank in ranks.items()]
            results = [(rank, e) for rank, e in results if visible(e, reader)]
            results.sort(key=lambda r: (r[0], KIND_ORDER[r[1].kind], fold(r[1].display_name)))
            return [self._found(view, e, MATCH_NAMES[rank]) for rank, e in results[:limit]]

    def _number_ranks(self, view: OrganisationView, query: str) -> dict[str, int]:
        try:
            number = to_e164(query, view.country)
        except Invalid:
            number = None
        ranks = {e.key: EXACT for e in view.index.with_number(number)} if number else {}
        if not ranks:
            digits = "".join(c for c in query if c.isdigit())
            if query.lstrip().startswith("0"):
                digits = digits[1:]  # a national trunk prefix: match the rest anywhere
            ranks = view.index.numbers_containing(digits)
        return ranks

    def advanced(self, reader: Reader, criteria: dict[str, str], limit: int = 50) -> list[Found]:
        wanted = {k: fold(v.strip()) for k, v in criteria.items() if v and v.strip() and k != "number"}
        unknown = set(wanted) - set(ADVANCED_FIELDS)
        if unknown:
            raise Invalid(f"advanced search fields are {', '.join(ADVANCED_FIELDS)} and number")
        number = criteria.get("number")
        if not wanted and not number:
            raise Invalid("give at least one field to search on")
        with self.projection.lock:
            view = self.projection.org(reader.organisation_id)
            if number:
                candidates = [view.index.entries[k] for k in self._number_ranks(view, number)]
            else:
                candidates = list(view.index.entries.values())
            results = []
            for entry in candidates:
                values = {**entry.fields, "display_name": entry.display_name}
                if all(v in fold(values.get(k) or "") for k, v in wanted.items()) and visible(entry, reader):
                    results.append(entry)
            results.sort(key=lambda e: (KIND_ORDER[e.kind], fold(e.display_name)))
            return [self._found(view, e, "field") for e in results[:limit]]

    def reverse_lookup(self, reader: Reader, callee_id: str, number: str) -> Found | None:
        """The name to show for a caller's number: users first, then the callee's own contacts,
        then contacts the callee may see (Staff and Public)."""
        with self.projection.lock:
            view = self.projection.org(reader.organisation_id)
            e164 = to_e164(number, view.country, what="caller's number")
            callee = Callee(callee_id, reader.organisation_id)
            candidates = [
                e for e in view.index.with_number(e164) if visible(e, callee) and visible(e, reader)
            ]
            if not candidates:
                return None

            def order(e: Entry) -> tuple[int, str]:
                if e.kind != "contact":
                    return (KIND_ORDER[e.kind], e.display_name)
                return (2 if e.owner_id == callee_id else 3, fold(e.display_name))

            return self._found(view, min(candidates, key=order), "exact")

    def visible_entry(self, reader: Reader, key: str) -> Entry | None:
        with self.projection.lock:
            entry = self.projection.org(reader.organisation_id).index.entries.get(key)
            return entry if entry is not None and visible(entry, reader) else None

    def listed(self, reader: Reader, keys: list[str]) -> list[Found]:
        """The entries of an address-book list (``user:<id>``, ``contact:<id>``), in its order: those
        the reader may still see (a removed or now hidden contact drops out), users with presence."""
        with self.projection.lock:
            view = self.projection.org(reader.organisation_id)
            entries = [view.index.entries.get(key) for key in keys]
            return [self._found(view, e, "listed") for e in entries if e is not None and visible(e, reader)]

    def _found(self, view: OrganisationView, entry: Entry, match: str) -> Found:
        if entry.kind == "user":
            location, availability = view.presence.get(entry.id, ("none", "available"))
            return Found(entry, match, location, availability)
        return Found(entry, match)
