"""The stories' numbers: none shares a run of 4 digits with a story's password (the directory
would refuse that password, and the story would fail by the luck of the draw)."""

from services.directory.tests.e2e import PASSWORDS, drawn, shares_a_run


def test_a_run_of_four_digits_is_found_in_either_form_of_the_number() -> None:
    assert shares_a_run("01632 972537", ["917253"])
    assert shares_a_run("+441632972537", ["917253"])
    assert not shares_a_run("+441632961234", ["917253"])


def test_drawn_numbers_share_no_run_with_the_stories_passwords() -> None:
    numbers = [drawn("97") for _ in range(2000)]
    assert len(set(numbers)) == len(numbers)
    assert not any(shares_a_run(number, PASSWORDS) for number in numbers)
