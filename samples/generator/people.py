"""Synthetic Norwegian names for doctors, supervisors and contacts."""
from __future__ import annotations

import random

FIRST_NAMES = (
    "Kari", "Ola", "Ingrid", "Lars", "Marte", "Jonas", "Silje", "Erik", "Hanne", "Magnus",
    "Sigrid", "Anders", "Tuva", "Håkon", "Ragnhild", "Øystein", "Åse", "Bjørn", "Live",
    "Sondre", "Mari", "Torbjørn", "Eline", "Henrik", "Solveig", "Vegard", "Nora", "Even",
    "Aslak", "Ellen Marie", "Per Kristian", "Ane", "Jørgen", "Synnøve", "Mathias",
)
LAST_NAMES = (
    "Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen",
    "Hagen", "Bakken", "Sæther", "Solberg", "Strand", "Lie", "Dahl", "Lund", "Moen",
    "Halvorsen", "Gundersen", "Sara", "Eira", "Kvåle", "Ødegård", "Aasen", "Rønning",
)


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def email_for(kommune_name: str) -> str:
    """A postmottak address on the reserved example domain."""
    slug = kommune_name.lower().replace(" kommune", "")
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a"), (" ", "-"), ("á", "a")):
        slug = slug.replace(a, b)
    return f"postmottak@{slug}.example.kommune.no"
