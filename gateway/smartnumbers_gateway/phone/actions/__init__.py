"""The phone menus' actions, by the guide's sections; importing this registers them all."""

from smartnumbers_gateway.phone.actions import (  # noqa: F401
    call_routing,
    customisation,
    faxes,
    messages,
    sending,
)
