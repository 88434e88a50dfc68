"""A synthetic 20-season history of clubs with realistic names and aliases, for benchmarks."""

from __future__ import annotations

import random

from bot.names import IndexedTeam

CITIES = (
    "Albany Allentown Amarillo Anaheim Anchorage Arlington Atlanta Aurora Austin Bakersfield Baltimore "
    "Baton Bellevue Berkeley Billings Birmingham Boise Boston Boulder Bridgeport Brockton Brooklyn Buffalo "
    "Burbank Cambridge Camden Canton Carlsbad Cary Cedar Chandler Charleston Charlotte Chattanooga "
    "Chesapeake Chicago Chula Cincinnati Clearwater Cleveland Columbia Columbus Concord Corona Dallas "
    "Dayton Denton Denver Detroit Durham Edison Elgin ElPaso Erie Escondido Eugene Evansville Fairfield "
    "Fargo Fayetteville Flint Fontana Fremont Fresno Fullerton Garland Gilbert Glendale Greensboro Hampton "
    "Hartford Hayward Henderson Hialeah Hollywood Houston Huntsville Independence Indianapolis Irvine "
    "Irving Jackson Jacksonville Joliet Kansas Kent Killeen Knoxville Lafayette Lakewood Lancaster Lansing "
    "Laredo Lexington Lincoln Lowell Lubbock Madison Manchester Memphis Mesa Miami Midland Milwaukee "
    "Minneapolis Mobile Modesto Monterey Murrieta Nashville Newark Norfolk Norman Oakland Odessa Olathe "
    "Omaha Ontario Orlando Oxnard Palmdale Pasadena Paterson Peoria Philadelphia Phoenix Pittsburgh Plano "
    "Pomona Portland Providence Provo Pueblo Raleigh Reno Richmond Riverside Rochester Rockford Sacramento "
    "Salem Salinas Savannah Scottsdale Seattle Spokane Springfield Stamford Stockton Syracuse Tacoma "
    "Tallahassee Tampa Tempe Toledo Topeka Torrance Tucson Tulsa Vallejo Ventura Visalia Waco Warren "
    "Waterbury Wichita Worcester Yonkers"
).split()
NICKNAMES = (
    "Athletic United City Rovers Rangers Wanderers Strikers Stars Galaxy Surf Fire Storm Thunder Lightning "
    "Hurricanes Sharks Eagles Falcons Hawks Owls Wolves Lions Tigers Bears Bulls Mustangs Stallions "
    "Spartans Trojans Titans Vikings Pirates Knights Royals Kings Dynamo Sporting Real Inter Olympic Celtic "
    "Hibernian Phoenix Legacy Pride Elite Academy Union Harriers Albion Saints Gunners Pioneers Express "
    "Rebels Outlaws"
).split()
DESIGNATORS = ["FC", "SC", "AC", "Soccer Club", "Football Club", ""]
LEAGUES = ["UPSL", "NPSL", "USL2", "EPSL", "APL", "CPL", "MWPL", "SFSFL", "GCPL", "USSL", "NISAN", "WCSA"]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def synthetic_history(*, clubs: int = 5200, seasons: int = 20, seed: int = 7) -> list[IndexedTeam]:
    """`clubs` clubs over `seasons` seasons, each with three or more alias spellings."""
    rng = random.Random(seed)
    seen: set[str] = set()
    teams: list[IndexedTeam] = []
    while len(teams) < clubs:
        city, nickname = rng.choice(CITIES), rng.choice(NICKNAMES)
        designator = rng.choice(DESIGNATORS)
        if rng.random() < 0.3:
            name = (
                f"{designator} {city} {nickname}".strip()
                if designator in ("FC", "SC", "AC")
                else f"{city} {nickname}"
            )
        else:
            name = f"{city} {nickname} {designator}".strip()
        if rng.random() < 0.25:
            name = f"{name} {rng.choice(['II', 'U23', 'Reserves', '1998', 'Academy', 'Women'])}"
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        aliases = {
            f"{city} {nickname}",
            f"{city} {nickname} {rng.choice(DESIGNATORS)}".strip(),
            f"{_typo(city, rng)} {nickname}",
            f"{''.join(w[0] for w in city.split())}{nickname[0]} {rng.choice(NICKNAMES)}",
        } - {name}
        last = 2026 - rng.randrange(seasons)
        league = rng.choice(LEAGUES)
        teams.append(
            IndexedTeam(name=name, label=f"{name} · {league} · {last}", spellings=tuple(sorted(aliases)))
        )
    return teams
