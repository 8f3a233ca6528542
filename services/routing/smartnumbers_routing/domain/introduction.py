"""Call introduction (§3.8): what the answering party hears, according to their setting."""

from __future__ import annotations

from smartnumbers_routing.domain.callees import Caller, TeamView, UserView
from smartnumbers_routing.domain.plan import Introduction

PRESS = "Press star to receive, or replace the handset."


def introduction_for(
    answerer: UserView,
    intended: UserView | None,
    caller: Caller,
    *,
    delegated_or_team: bool,
    team: TeamView | None = None,
) -> Introduction | None:
    """The introduction ``answerer`` hears, or None when their setting says not to announce."""
    setting = answerer.call_introduction
    if setting == "off" or (setting == "delegated_only" and not delegated_or_team):
        return None
    from_words = f" from {caller.name}" if caller.name else ""
    form = "for"
    if team is not None:
        for_name, for_recording = team.name, team.name_recording
        text = f"There is a call for {for_name}{from_words}. {PRESS}"
    elif delegated_or_team and intended is not None and intended.user_id != answerer.user_id:
        for_name, for_recording = intended.display_name, intended.name_recording
        text = f"There is a call for {for_name}{from_words}. {PRESS}"
    else:
        form, for_name, for_recording = "direct", answerer.display_name, answerer.name_recording
        text = (
            f"{for_name}, there is a call{from_words}. {PRESS}"
            if from_words
            else f"{for_name}, there is a call for you. {PRESS}"
        )
    return Introduction(
        text=text,
        for_name_recording=for_recording,
        from_name_recording=caller.name_recording,
        requires_password_of=answerer.user_id if setting == "on_with_password" else None,
        form=form,
        for_name=for_name,
        from_name=caller.name,
    )
