"""The menu table itself: one key map everywhere, every action known, the printed map
(docs/phone-menus.md) and the prompts generated from it current."""

from __future__ import annotations

import pytest
from smartnumbers_gateway.phone import docs, keys
from smartnumbers_gateway.phone.machine import ACTIONS
from smartnumbers_gateway.phone.table import GOODBYE, MENUS, READOUTS, all_prompts


def test_the_printed_button_map_and_the_menu_prompts_are_generated_from_the_table():
    assert docs.DOC.read_text() == docs.markdown(), "docs/phone-menus.md is stale: run make phone-menus"
    assert docs.PROMPTS.read_text() == docs.prompts_file(docs.PROMPTS.read_text()), "prompts.txt is stale"
    for menu in MENUS.values():
        assert f"### {menu.title}" in docs.DOC.read_text()
        assert f"{menu.prompt.removeprefix('sn/')} | " in docs.PROMPTS.read_text()


@pytest.mark.parametrize("menu", MENUS.values(), ids=lambda m: m.name)
def test_back_repeat_and_confirm_mean_the_same_in_every_menu(menu):
    option_keys = [o.key for o in menu.options]
    assert len(option_keys) == len(set(option_keys)), "a key twice"
    assert keys.BACK not in option_keys and keys.REPEAT not in option_keys
    assert all(o.key != keys.CONFIRM or menu.dialog for o in menu.options), "# only confirms"
    assert menu.back in MENUS or menu.back == GOODBYE or (menu.dialog and not menu.back)


@pytest.mark.parametrize("menu", MENUS.values(), ids=lambda m: m.name)
def test_every_option_leads_somewhere_known(menu):
    for option in menu.options:
        assert option.to is None or option.to in MENUS, option
        assert option.do is None or option.do in ACTIONS, option
        assert option.do or option.to or menu.dialog, f"{option} does nothing"
    assert menu.reads is None or menu.reads in ACTIONS


def test_every_reading_is_described_in_the_printed_map():
    assert {m.reads for m in MENUS.values() if m.reads} == set(docs.READS)


def test_every_action_is_used_by_the_table():
    used = {o.do for m in MENUS.values() for o in m.options} | {m.reads for m in MENUS.values()}
    assert set(ACTIONS) <= used


def test_on_off_greeting_and_list_menus_share_their_keys():
    for menu in MENUS.values():
        labels = {o.key: o.label.lower() for o in menu.options}
        if set(labels.values()) >= {"to switch it on", "to switch it off"}:
            assert (labels[keys.ON], labels[keys.OFF]) == ("to switch it on", "to switch it off"), menu.name
        if any(o.do == "hear_greeting" for o in menu.options):
            assert {o.key for o in menu.options if o.do == "hear_greeting"} == {keys.HEAR}, menu.name
            assert {o.key for o in menu.options if o.do == "record_greeting"} == {keys.RECORD}, menu.name
        for o in menu.options:
            if o.do in ("save_message", "save_fax"):
                assert o.key == keys.SAVE, menu.name
            if o.do in ("delete_message", "delete_fax"):
                assert o.key == keys.REMOVE, menu.name
            if o.do in ("previous_message", "previous_fax"):
                assert o.key == keys.PREVIOUS, menu.name
            if o.do in ("next_message", "next_fax"):
                assert o.key == keys.NEXT, menu.name


def test_every_menu_is_reachable_from_the_main_menu_or_asked_in_an_action():
    reachable = docs.paths()
    assert {m.name for m in MENUS.values() if not m.dialog} == set(reachable)


def test_every_prompt_has_words_and_none_is_listed_twice():
    assert all(text.strip() for text in all_prompts().values())
    assert not set(READOUTS) & {m.prompt for m in MENUS.values()}


def test_every_setting_read_out_has_its_prompt():
    from smartnumbers_contracts.presence import Availability, CallIntroduction, Location
    from smartnumbers_gateway.phone.actions.customisation import ALERTS
    from smartnumbers_mailbox.domain.fax_delivery import FaxDelivery

    families = {
        "availability": Availability,
        "call-introduction": CallIntroduction,
        "location": Location,
        "fax": FaxDelivery,
        "alert": ALERTS,
    }
    for family, values in families.items():
        for value in values:
            assert f"sn/{family}-{value}" in READOUTS, f"sn/{family}-{value}"
