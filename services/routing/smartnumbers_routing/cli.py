"""``smartnumbers-route --to +441632960100 [--from +447700900555]``: where would that call go, and why.

Asks routing's explain mode (GET /v1/route) with your token (``--token`` or
``SMARTNUMBERS_TOKEN``) and prints the plan and its reasons.
"""

from __future__ import annotations

import argparse
import os
import sys

import httpx


def render(plan: dict) -> str:
    lines = [f"Call to {plan['dialled']} ({plan['call_for_kind']} {plan.get('call_for') or ''})".rstrip()]
    lines += [f"  why: {reason}" for reason in plan["reasons"]]
    for i, step in enumerate(plan["steps"], 1):
        detail = ", ".join(
            filter(
                None,
                [
                    " + ".join(step["targets"]) if step["targets"] else None,
                    f"{step['ring_seconds']} s" if step.get("ring_seconds") else None,
                    f"mailbox {step['mailbox']}" if step.get("mailbox") else None,
                    f"greeting {step['greeting']}" if step.get("greeting") else None,
                ],
            )
        )
        lines.append(f"  {i}. {step['kind']}" + (f": {detail}" if detail else ""))
        for intro in step.get("introductions") or []:
            if intro:
                lines.append(f'       introduction: "{intro["text"]}"')
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="smartnumbers-route", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--to", required=True, help="the number dialled (a smartnumber, a team's number…)")
    parser.add_argument("--from", dest="caller", help="the caller's number (VIPs, known contacts)")
    parser.add_argument("--name", help="the caller's name, as the network gives it")
    parser.add_argument(
        "--at", help="when (ISO 8601, e.g. 2026-12-05T19:00: without an offset, in the callee's time zone)"
    )
    parser.add_argument(
        "--token", default=os.environ.get("SMARTNUMBERS_TOKEN"), help="a bearer token (SMARTNUMBERS_TOKEN)"
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("ROUTING_URL", "http://127.0.0.1:8102"),
        help="the routing service (ROUTING_URL, default http://127.0.0.1:8102)",
    )
    args = parser.parse_args(argv)
    if not args.token:
        sys.exit("give --token or set SMARTNUMBERS_TOKEN (smartnumbers-token mint …)")
    params = {
        "to": args.to,
        **({"from": args.caller} if args.caller else {}),
        **({"name": args.name} if args.name else {}),
        **({"at": args.at} if args.at else {}),
    }
    response = httpx.get(
        f"{args.url}/v1/route", params=params, headers={"Authorization": f"Bearer {args.token}"}
    )
    if response.status_code != 200:
        sys.exit(f"{response.status_code}: {response.json().get('detail', response.text)}")
    print(render(response.json()))


if __name__ == "__main__":
    main()
