"""Yakutia's transport network for the sample region, from data/geo/sakha/transport_notes.md.

Simplifications (stated in data/README.md): three kinds of municipality —
- the left bank of the Lena around Yakutsk and the Vilyuy group: one all-year road network;
- the right bank ("Заречье", the Kolyma highway, the Amur–Yakutsk highway south): another one,
  joined to Yakutsk across the Lena by ferry in summer, an ice crossing from January, and the
  hovercraft ("Хивус") in the off-seasons;
- districts with no all-year road (the Arctic uluses, Olyokminsk, Sangar, Ust-Maya): a winter
  road to the nearest connected district, river navigation in summer, and air from Yakutsk where
  regular flights are known. Where neither a winter road nor a river runs (May, November), a
  district without flights cannot be reached at all.
Travel inside a district is by road from its centre.
"""

from __future__ import annotations

from typing import Any

from assign.geo import distance_km

LEFT_BANK = (
    "SAH-M35",
    "SAH-M36",
    "SAH-M18",
    "SAH-M32",
    "SAH-M11",
    "SAH-M10",
    "SAH-M07",
    "SAH-M21",
    "SAH-M26",
    "SAH-M16",
    "SAH-M14",
)
RIGHT_BANK = (
    "SAH-M15",
    "SAH-M29",
    "SAH-M33",
    "SAH-M27",
    "SAH-M04",
    "SAH-M02",
    "SAH-M19",
    "SAH-M28",
    "SAH-M22",
)
KOLYMA_GROUP = ("SAH-M25", "SAH-M08", "SAH-M20", "SAH-M01", "SAH-M03", "SAH-M17")
# district centres with regular flights from Yakutsk (transport_notes.md, "Air"; and the Arctic
# district centres served by "Полярные авиалинии")
AIR_FROM_YAKUTSK = (
    "SAH-M05",
    "SAH-M16",
    "SAH-M08",
    "SAH-M14",
    "SAH-M23",
    "SAH-M12",
    "SAH-M06",
    "SAH-M26",
    "SAH-M03",
    "SAH-M20",
    "SAH-M25",
    "SAH-M01",
    "SAH-M17",
    "SAH-M31",
    "SAH-M09",
    "SAH-M24",
    "SAH-M22",
    "SAH-M19",
)
LENA_RIVER = ("SAH-M23", "SAH-M13", "SAH-M12", "SAH-M06", "SAH-M14")
YAKUTSK = "SAH-M35"
NIZHNY_BESTYAKH = "SAH-M15"

AIR_SPEED_KMH = 450.0
AIR_OVERHEAD_H = 2.5  # to the airport, check-in, from the airport
WINTER_ROAD_SPEED_KMH = 35.0
WINTER_ROAD_DETOUR = 1.4
RIVER_SPEED_KMH = 25.0
RIVER_DETOUR = 1.5


def road_network(municipality_id: str) -> str:
    if municipality_id in LEFT_BANK:
        return "левобережье"
    if municipality_id in RIGHT_BANK:
        return "правобережье"
    return municipality_id  # a network of its own: no all-year road out


def _navigation_months(opens: str) -> tuple[int, ...]:
    """From the small-boat navigation opening ("06-17") to September (October on the Lena)."""
    month, day = (int(p) for p in opens.split(" ")[0].split("-"))
    first = month if day <= 15 else month + 1
    return tuple(range(first, 10))


def transport_links(
    municipalities: list[dict[str, Any]], seasons: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    centre = {m["municipality_id"]: (float(m["lat"]), float(m["lon"])) for m in municipalities}
    links: list[dict[str, Any]] = []

    def add(a: str, b: str, mode: str, hours: float, km: float, months: tuple[int, ...]) -> None:
        links.append(
            {
                "from_municipality": a,
                "to_municipality": b,
                "mode": mode,
                "hours": round(hours, 1),
                "km": round(km),
                "months": ";".join(map(str, months)),
            }
        )

    crossing = distance_km(centre[YAKUTSK], centre[NIZHNY_BESTYAKH], "geographic")
    add(YAKUTSK, NIZHNY_BESTYAKH, "river", 1.5, crossing, (6, 7, 8, 9, 10))  # ferry
    add(YAKUTSK, NIZHNY_BESTYAKH, "winter_road", 0.7, crossing, (1, 2, 3, 4))  # ice crossing
    add(YAKUTSK, NIZHNY_BESTYAKH, "river", 2.5, crossing, (5, 11, 12))  # hovercraft «Хивус»

    for mid in AIR_FROM_YAKUTSK:
        km = distance_km(centre[YAKUTSK], centre[mid], "geographic")
        add(YAKUTSK, mid, "air", km / AIR_SPEED_KMH + AIR_OVERHEAD_H, km, tuple(range(1, 13)))

    roadless = [mid for mid in centre if mid not in LEFT_BANK + RIGHT_BANK]
    roadless.sort(key=lambda mid: distance_km(centre[YAKUTSK], centre[mid], "geographic"))
    connected = list(LEFT_BANK + RIGHT_BANK)
    for mid in roadless:
        hub = min(connected, key=lambda c: distance_km(centre[c], centre[mid], "geographic"))
        straight = distance_km(centre[hub], centre[mid], "geographic")
        winter: tuple[int, ...] = (11, 12, 1, 2, 3, 4) if mid in KOLYMA_GROUP else (12, 1, 2, 3, 4)
        if mid == "SAH-M30":
            winter = (1, 2, 3, 4)  # «Белькачи» opens late January
        km = straight * WINTER_ROAD_DETOUR
        add(hub, mid, "winter_road", km / WINTER_ROAD_SPEED_KMH, km, winter)
        river = _navigation_months(seasons[mid]["small_boat_navigation_opens"])
        if mid in LENA_RIVER:
            river = (*river, 10)
        km = straight * RIVER_DETOUR
        add(hub, mid, "river", km / RIVER_SPEED_KMH, km, river)
        connected.append(mid)
    return links
