"""Every phone menu, as data: the states of a phone session and what each key does.

The machine (``machine.py``) walks this table; ``docs.py`` renders it as
``docs/phone-menus.md`` (the guide's missing Appendix A) and as the menu prompts of
``deploy/asterisk/prompts.txt``; a test checks both are current. A menu *reads* the current
setting first (``reads``: an action that plays it), then offers its options. An option goes
``to`` another menu, or runs an action (``do`` with ``arg``), then goes ``to`` (if given)
or back to the menu it was chosen in. ``*`` goes back, ``0`` repeats, everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smartnumbers_gateway.phone import keys

GOODBYE = "goodbye"


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    to: str | None = None
    do: str | None = None
    arg: str = ""


@dataclass(frozen=True)
class Menu:
    name: str
    title: str
    guide: str
    options: tuple[Option, ...]
    back: str = GOODBYE
    reads: str | None = None
    """The action that reads the current setting (or plays the message) before the options."""
    note: str = ""
    dialog: bool = False
    """Asked in the middle of an action (a confirmation, the annotation choices): ``*`` cancels it."""
    keys: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", "".join(o.key for o in self.options) + keys.BACK + keys.REPEAT)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    @property
    def prompt(self) -> str:
        return f"sn/menu-{self.name.replace('_', '-')}"


def _on_off(name: str, title: str, guide: str, setting: str, back: str, reads: str, note: str = "") -> Menu:
    return Menu(
        name,
        title,
        guide,
        (
            Option(keys.ON, "To switch it on", do="switch", arg=f"{setting}:on"),
            Option(keys.OFF, "To switch it off", do="switch", arg=f"{setting}:off"),
        ),
        back=back,
        reads=reads,
        note=note,
    )


def _greeting(
    name: str,
    title: str,
    guide: str,
    greeting: str,
    extra: tuple[Option, ...] = (),
    reads: str | None = None,
    note: str = "",
) -> Menu:
    """Hear, record, delete — first saying whether one is recorded."""
    return Menu(
        name,
        title,
        guide,
        (
            Option(keys.HEAR, "To hear it", do="hear_greeting", arg=greeting),
            Option(keys.RECORD, "To record it, ending with the hash key", do="record_greeting", arg=greeting),
            Option(keys.DELETE, "To delete it", do="delete_greeting", arg=greeting),
            *extra,
        ),
        back="customisation",
        reads=reads or f"read_{greeting}_greeting",
        note=note,
    )


MENUS: dict[str, Menu] = {
    m.name: m
    for m in (
        Menu(
            "main",
            "Main menu",
            "§3.1.1",
            (
                Option("1", "To listen to your messages", do="listen", to="message"),
                Option("2", "To send a voicemail to a user or a team", do="send_voicemail"),
                Option("3", "For your faxes", do="open_faxes", to="faxes"),
                Option("4", "For call routing", to="call_routing"),
                Option("5", "For mailbox customisation", to="customisation"),
            ),
            reads="read_mailbox",
            note="Reached after your new messages have played (or straight away when there are none).",
        ),
        Menu(
            "message",
            "While a message plays",
            "§5.3.2",
            (
                Option(keys.PREVIOUS, "For the previous message", do="previous_message"),
                Option("2", "To leave a message for another user", do="send_voicemail"),
                Option(keys.NEXT, "For the next message", do="next_message"),
                Option("4", "To rewind four seconds", do="rewind"),
                Option("5", "For the time and date it was left", do="envelope"),
                Option("6", "To fast forward four seconds", do="fast_forward"),
                Option(keys.ACTION, "To action the message", to="message_action"),
                Option("8", "To call the person who left it", do="call_sender"),
            ),
            back="main",
            reads="play_message",
            note="New messages play when you sign in, urgent ones first. Keys work while the message plays.",
        ),
        Menu(
            "message_action",
            "Action menu",
            "§5.3.3–§5.3.7",
            (
                Option("1", "To reply with a voicemail", do="reply"),
                Option("2", "To forward it, keeping a copy", do="forward", arg="keep"),
                Option("3", "To divert it, removing it from your mailbox", do="forward", arg="divert"),
                Option(
                    "4", "To forward it with an annotation, keeping a copy", do="forward", arg="keep,annotate"
                ),
                Option("5", "To divert it with an annotation", do="forward", arg="divert,annotate"),
                Option(keys.SAVE, "To save it", do="save_message"),
                Option(keys.REMOVE, "To delete it", do="delete_message"),
                Option("8", "To copy it to your email", do="archive_message"),
            ),
            back="message",
            note="Forwarding asks for the user's or team's number, then plays their recorded name "
            "(or says the number) to confirm the recipient.",
        ),
        Menu(
            "annotation",
            "After recording an annotation",
            "§5.3.4",
            (
                Option(keys.CONFIRM, "To send the message now"),
                Option("1", "To listen to your annotation"),
                Option("2", "To record it again"),
                Option("3", "To add to the end of it"),
                Option("4", "To mark the message urgent"),
            ),
            back="message_action",
            dialog=True,
            note="Star cancels: nothing is forwarded.",
        ),
        Menu(
            "confirm",
            "Confirm",
            "",
            (Option(keys.CONFIRM, "To confirm"),),
            back="",
            dialog=True,
            note="Asked after a recipient's name or a number read back: star cancels and changes nothing.",
        ),
        Menu(
            "call_routing",
            "Call routing",
            "§3.3.2, §3.3.3, §3.6, §3.7.2, §3.8.1",
            (
                Option("1", "To change your location", to="location"),
                Option("2", "To log out of your location", do="log_out"),
                Option(
                    "3",
                    "To divert your calls to voicemail",
                    do="set_availability",
                    arg="voicemail",
                    to="voicemail_greeting",
                ),
                Option(
                    "4",
                    "To divert your calls to your delegate",
                    do="set_availability",
                    arg="delegate",
                    to="delegate",
                ),
                Option("5", "To have your calls ring your PC", do="set_availability", arg="pc_ring"),
                Option("6", "To take no messages", do="set_availability", arg="no_messages"),
                Option("7", "To be available again", do="set_availability", arg="available"),
                Option("8", "For team availability", to="team_availability"),
                Option("9", "For call introduction", to="call_introduction"),
            ),
            back="main",
            reads="read_routing",
        ),
        Menu(
            "location",
            "Location",
            "§3.3.2, §3.9.3",
            (
                Option("1", "For your desk", do="select_location", arg="desk"),
                Option("2", "For your mobile", do="select_location", arg="mobile"),
                Option("3", "For your home", do="select_location", arg="home"),
                Option("4", "For a temporary location", do="select_location", arg="temporary"),
            ),
            back="call_routing",
            reads="read_routing",
            note="The number is read back for you to confirm with the hash key. A temporary location offers the "
            "number you are calling from (hash accepts it), or type another. Selecting a location ends "
            "extended absence.",
        ),
        Menu(
            "voicemail_greeting",
            "Divert to voicemail: today's greeting",
            "§3.6.3",
            (
                Option(keys.HEAR, "To hear your temporary greeting", do="hear_greeting", arg="today"),
                Option(
                    keys.RECORD,
                    "To record a new temporary greeting, ending with the hash key",
                    do="record_greeting",
                    arg="today",
                ),
                Option(keys.DELETE, "To delete your temporary greeting", do="delete_greeting", arg="today"),
            ),
            back="call_routing",
            reads="read_today_greeting",
            note="Your calls now go to voicemail; today's greeting tells callers why.",
        ),
        Menu(
            "delegate",
            "Delegate",
            "§3.6.5",
            (
                Option(keys.HEAR, "To hear your delegate", do="hear_delegate"),
                Option(keys.RECORD, "To change your delegate", do="change_delegate"),
            ),
            back="call_routing",
            note="A new delegate is a user's smartnumber, confirmed by their recorded name.",
        ),
        _on_off(
            "team_availability",
            "Team availability",
            "§3.7.2",
            "team_calls",
            "call_routing",
            "read_team_availability",
            note="You still receive calls made directly to your smartnumber.",
        ),
        Menu(
            "call_introduction",
            "Call introduction",
            "§3.8.1",
            (
                Option("1", "To switch call introduction on", do="set_call_introduction", arg="on"),
                Option(
                    "2",
                    "For call introduction with password",
                    do="set_call_introduction",
                    arg="on_with_password",
                ),
                Option(
                    "3",
                    "To switch it off except for delegated calls",
                    do="set_call_introduction",
                    arg="delegated_only",
                ),
                Option("4", "To switch it off completely", do="set_call_introduction", arg="off"),
            ),
            back="call_routing",
            reads="read_call_introduction",
        ),
        Menu(
            "customisation",
            "Mailbox customisation",
            "§3.2.2, §3.5.2, §3.6.7, §3.9, §5.1, §5.6.2",
            (
                Option("1", "To change your password", do="change_password"),
                Option("2", "For message alerts", to="alerts"),
                Option("3", "For your name", to="name"),
                Option("4", "For your permanent greeting", to="permanent_greeting"),
                Option("5", "For your temporary greeting", to="temporary_greeting"),
                Option("6", "For your extended absence greeting", to="extended_absence"),
                Option("7", "For message delivery", to="message_delivery"),
                Option("8", "For call reporting", to="call_reporting"),
            ),
            back="main",
        ),
        Menu(
            "alerts",
            "Message alerts",
            "§3.5.2",
            (
                Option("1", "For a call to your current location", do="pick_alert", arg="call", to="alert"),
                Option("2", "For a text message", do="pick_alert", arg="sms", to="alert"),
                Option(
                    "3", "For the message waiting light", do="pick_alert", arg="message_waiting", to="alert"
                ),
                Option("4", "For an email", do="pick_alert", arg="email", to="alert"),
                Option("5", "For your pager", do="pick_alert", arg="pager", to="alert"),
            ),
            back="customisation",
            reads="read_alerts",
        ),
        _on_off(
            "alert",
            "One message alert",
            "§3.5.2",
            "alert",
            "alerts",
            "read_alert",
            note="Then back to Mailbox customisation, as the guide says.",
        ),
        Menu(
            "name",
            "Name",
            "§5.1.2",
            (
                Option(keys.HEAR, "To hear your name", do="hear_greeting", arg="name"),
                Option(
                    keys.RECORD,
                    "To record your name, ending with the hash key",
                    do="record_greeting",
                    arg="name",
                ),
            ),
            back="customisation",
            reads="read_name_greeting",
        ),
        _greeting("permanent_greeting", "Permanent greeting", "§5.1.4", "permanent"),
        _greeting(
            "temporary_greeting",
            "Temporary greeting",
            "§5.1.6",
            "today",
            note="Played for today only; deleted during the night.",
        ),
        _greeting(
            "extended_absence",
            "Extended absence greeting",
            "§3.9.1, §3.9.2",
            "extended_absence",
            (
                Option("4", "To switch extended absence on", do="switch", arg="extended_absence:on"),
                Option("5", "To switch extended absence off", do="switch", arg="extended_absence:off"),
            ),
            reads="read_extended_absence",
            note="Switching it on without a greeting asks you to record one first.",
        ),
        Menu(
            "message_delivery",
            "Message delivery",
            "§5.1.8, §5.6.2",
            (
                Option("1", "For voice to email", to="voice_to_email"),
                Option("2", "For fax forward", to="fax_forward"),
            ),
            back="customisation",
            reads="read_delivery",
        ),
        _on_off(
            "voice_to_email",
            "Voice to email",
            "§5.1.8",
            "voice_to_email",
            "message_delivery",
            "read_voice_to_email",
            note="Copies every new voicemail to your email address (it then counts as read).",
        ),
        Menu(
            "fax_forward",
            "Fax forward",
            "§5.6.2",
            (
                Option(
                    "1", "To have faxes delivered to your office fax", do="fax_delivery", arg="office_fax"
                ),
                Option("2", "To your home fax", do="fax_delivery", arg="home_fax"),
                Option("3", "To your temporary fax", do="fax_delivery", arg="temporary_fax"),
                Option("4", "To your email", do="fax_delivery", arg="email"),
                Option("5", "To keep them in your mailbox only", do="fax_delivery", arg="mailbox"),
            ),
            back="message_delivery",
            reads="read_fax_delivery",
            note="A fax location with no number asks for one; the hash key alone takes the number you are calling from.",
        ),
        Menu(
            "call_reporting",
            "Call reporting",
            "§3.6.7, §3.6.9",
            (
                Option("1", "For lost call reporting", to="lost_calls"),
                Option("2", "For delegated call reporting", to="delegated_calls"),
            ),
            back="customisation",
        ),
        _on_off(
            "lost_calls",
            "Lost call reporting",
            "§3.6.7",
            "lost_calls",
            "call_reporting",
            "read_lost_calls",
            note="A text message when a caller hangs up before reaching voicemail.",
        ),
        _on_off(
            "delegated_calls",
            "Delegated call reporting",
            "§3.6.9",
            "delegated_calls",
            "call_reporting",
            "read_delegated_calls",
            note="A text message when your delegate answers a call for you.",
        ),
        Menu(
            "faxes",
            "Faxes",
            "§5.6.3",
            (
                Option(keys.PREVIOUS, "For the previous fax", do="previous_fax"),
                Option(keys.NEXT, "For the next fax", do="next_fax"),
                Option(keys.ACTION, "For the fax action menu", to="fax_action"),
            ),
            back="main",
            reads="read_fax",
        ),
        Menu(
            "fax_action",
            "Fax action menu",
            "§5.6.3, §5.7",
            (
                Option("1", "To send it to the fax machine you are calling from", do="send_fax", arg="here"),
                Option("2", "To send it to a fax number you enter", do="send_fax", arg="entered"),
                Option("3", "To forward it to another user", do="forward_fax"),
                Option(keys.SAVE, "To save it", do="save_fax"),
                Option(keys.REMOVE, "To delete it", do="delete_fax"),
            ),
            back="faxes",
        ),
    )
}

READOUTS: dict[str, str] = {
    "sn/press-star-to-sign-in": "To sign in to your mailbox, press star. To leave a message, please wait.",
    "sn/enter-password": "Please enter your password, followed by the hash key.",
    "sn/wrong-password": "That password is not correct.",
    "sn/account-locked": "Too many wrong passwords. This mailbox is locked for a while. Goodbye.",
    "sn/you-have": "You have",
    "sn/new-messages": "new messages.",
    "sn/no-new-messages": "You have no new messages.",
    "sn/no-more-messages": "There are no more messages.",
    "sn/message": "Message",
    "sn/urgent": "Urgent.",
    "sn/message-received-at": "Received at",
    "sn/message-from": "Message from",
    "sn/enter-number": "Please enter the number, followed by the hash key.",
    "sn/enter-number-or-hash": "Please enter the number followed by the hash key, or press the hash key alone "
    "for the number you are calling from.",
    "sn/number-unknown": "That number is not a user or a team of your organisation.",
    "sn/number-not-valid": "That is not a number we can dial.",
    "sn/is-the-recipient": "is the recipient.",
    "sn/message-sent": "Your message has been sent.",
    "sn/message-forwarded": "The message has been forwarded.",
    "sn/message-saved": "The message has been saved.",
    "sn/message-deleted": "The message has been deleted.",
    "sn/message-emailed": "The message has been sent to your email.",
    "sn/marked-urgent": "The message is marked urgent.",
    "sn/cancelled": "Cancelled. Nothing has changed.",
    "sn/not-known-caller": "The caller's number is not known, so they cannot be called.",
    "sn/please-hold": "Please hold while we try to connect you.",
    "sn/record-after-tone": "Please speak after the tone, and press the hash key when you have finished.",
    "sn/recording-saved": "Your recording has been saved.",
    "sn/nothing-recorded": "Nothing was recorded.",
    "sn/greeting-deleted": "The greeting has been deleted.",
    "sn/no-greeting": "There is no recording.",
    "sn/greeting-recorded": "You have a recording.",
    "sn/record-greeting-first": "Please record your extended absence greeting first.",
    "sn/setting-changed": "Your setting has been changed.",
    "sn/is-on": "is on.",
    "sn/is-off": "is off.",
    "sn/your-location-is": "Your calls are currently going to your",
    "sn/location-desk": "desk",
    "sn/location-mobile": "mobile",
    "sn/location-home": "home",
    "sn/location-temporary": "temporary location",
    "sn/location-none": "no location: your calls go to voicemail.",
    "sn/at-number": "at",
    "sn/no-number-for-location": "There is no number for this location.",
    "sn/calls-will-ring": "Your calls will ring",
    "sn/press-hash-to-confirm": "To confirm, press the hash key. To cancel, press star.",
    "sn/availability-available": "You are available.",
    "sn/availability-voicemail": "Your calls are diverted to voicemail.",
    "sn/availability-pc_ring": "Your calls ring your PC.",
    "sn/availability-delegate": "Your calls are diverted to your delegate.",
    "sn/availability-no_messages": "You are taking no messages.",
    "sn/availability-refused": "That cannot be set now.",
    "sn/no-delegate": "You have no delegate.",
    "sn/your-delegate-is": "Your delegate is",
    "sn/team-calls": "Team calls",
    "sn/call-introduction-on": "Call introduction is on.",
    "sn/call-introduction-on_with_password": "Call introduction with password is on.",
    "sn/call-introduction-delegated_only": "Call introduction is off, except for delegated calls.",
    "sn/call-introduction-off": "Call introduction is off.",
    "sn/enter-new-password": "Please enter your new password, followed by the hash key.",
    "sn/enter-password-again": "Please enter it again, followed by the hash key.",
    "sn/password-changed": "Your password has been changed.",
    "sn/password-not-valid": "That password cannot be used. It must not begin with zero, and both entries "
    "must match.",
    "sn/alert-call": "A call to your current location",
    "sn/alert-sms": "A text message",
    "sn/alert-message_waiting": "The message waiting light",
    "sn/alert-email": "An email",
    "sn/alert-pager": "Your pager",
    "sn/extended-absence": "Extended absence",
    "sn/voice-to-email": "Voice to email",
    "sn/faxes-go-to": "Faxes are delivered to",
    "sn/fax-mailbox": "your mailbox only.",
    "sn/fax-office_fax": "your office fax.",
    "sn/fax-home_fax": "your home fax.",
    "sn/fax-temporary_fax": "your temporary fax.",
    "sn/fax-email": "your email.",
    "sn/lost-calls": "Lost call reporting",
    "sn/delegated-calls": "Delegated call reporting",
    "sn/no-faxes": "You have no faxes.",
    "sn/no-more-faxes": "There are no more faxes.",
    "sn/fax": "Fax",
    "sn/fax-from": "from",
    "sn/pages": "pages.",
    "sn/fax-sent": "The fax is on its way.",
    "sn/fax-forwarded": "The fax has been forwarded.",
    "sn/fax-saved": "The fax has been saved.",
    "sn/fax-deleted": "The fax has been deleted.",
    "sn/invalid-key": "That key is not an option.",
    "sn/not-done": "Sorry, that could not be done. Please try again later.",
}
"""Every fixed prompt the phone menus play besides the menus' own (``Menu.prompt``)."""


def option_text(option: Option) -> str:
    return f"{option.label}, press {spoken_key(option.key)}."


def menu_text(menu: Menu) -> str:
    """What ``Menu.prompt`` says: every option, then back and repeat."""
    parts = [option_text(o) for o in menu.options]
    parts.append("To cancel, press star." if menu.dialog else "To go back, press star.")
    parts.append("To hear these options again, press zero.")
    return " ".join(parts)


def spoken_key(key: str) -> str:
    return {"*": "star", "#": "the hash key"}.get(key) or [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
    ][int(key)]


def all_prompts() -> dict[str, str]:
    """Every phone-menu prompt and its text (for prompts.txt)."""
    return {**{m.prompt: menu_text(m) for m in MENUS.values()}, **READOUTS}
