"""Data: countries (ISO 3166-1 alpha-2, names and the aliases feeds use), US states, Canadian
provinces, a few hub cities, and the names of regions wider than a country.

Each table is text, one entry a line: `CODE Name | alias | alias`. Names are matched folded
(`kit.text.fold`, dots dropped), so "U.S.A." and "usa" are the same alias.
"""

from __future__ import annotations

import re

from jobtracker.kit.text import fold

COUNTRIES = """
AD Andorra
AE United Arab Emirates | UAE | Emirates
AF Afghanistan
AL Albania
AM Armenia
AO Angola
AR Argentina
AT Austria | Österreich
AU Australia
AZ Azerbaijan
BA Bosnia and Herzegovina | Bosnia
BD Bangladesh
BE Belgium | Belgique | België
BG Bulgaria
BH Bahrain
BO Bolivia
BR Brazil | Brasil
BY Belarus
CA Canada
CH Switzerland | Schweiz | Suisse | Svizzera
CL Chile
CN China | PRC
CO Colombia
CR Costa Rica
CY Cyprus
CZ Czech Republic | Czechia
DE Germany | Deutschland
DK Denmark | Danmark
DO Dominican Republic
DZ Algeria
EC Ecuador
EE Estonia
EG Egypt
ES Spain | España
ET Ethiopia
FI Finland | Suomi
FR France
GB United Kingdom | UK | Great Britain | Britain | England | Scotland | Wales | Northern Ireland
GE Georgia
GH Ghana
GR Greece
GT Guatemala
HK Hong Kong
HN Honduras
HR Croatia
HU Hungary
ID Indonesia
IE Ireland
IL Israel
IN India
IQ Iraq
IR Iran
IS Iceland
IT Italy | Italia
JM Jamaica
JO Jordan
JP Japan
KE Kenya
KG Kyrgyzstan
KH Cambodia
KR South Korea | Korea | Republic of Korea
KW Kuwait
KZ Kazakhstan
LB Lebanon
LK Sri Lanka
LT Lithuania
LU Luxembourg
LV Latvia
MA Morocco
MD Moldova
ME Montenegro
MK North Macedonia | Macedonia
MN Mongolia
MT Malta
MU Mauritius
MX Mexico | México
MY Malaysia
NG Nigeria
NI Nicaragua
NL Netherlands | The Netherlands | Holland | Nederland
NO Norway | Norge
NP Nepal
NZ New Zealand
OM Oman
PA Panama
PE Peru
PH Philippines
PK Pakistan
PL Poland | Polska
PR Puerto Rico
PT Portugal
PY Paraguay
QA Qatar
RO Romania
RS Serbia
RU Russia | Russian Federation
RW Rwanda
SA Saudi Arabia | KSA
SE Sweden | Sverige
SG Singapore
SI Slovenia
SK Slovakia
SN Senegal
SV El Salvador
TH Thailand
TN Tunisia
TR Turkey | Türkiye
TW Taiwan
TZ Tanzania
UA Ukraine
UG Uganda
US United States | USA | US | United States of America | America
UY Uruguay
UZ Uzbekistan
VE Venezuela
VN Vietnam | Viet Nam
ZA South Africa
ZM Zambia
ZW Zimbabwe
"""

US_STATES = """
AL Alabama
AK Alaska
AZ Arizona
AR Arkansas
CA California
CO Colorado
CT Connecticut
DE Delaware
DC District of Columbia | Washington DC | Washington D.C.
FL Florida
GA Georgia
HI Hawaii
ID Idaho
IL Illinois
IN Indiana
IA Iowa
KS Kansas
KY Kentucky
LA Louisiana
ME Maine
MD Maryland
MA Massachusetts
MI Michigan
MN Minnesota
MS Mississippi
MO Missouri
MT Montana
NE Nebraska
NV Nevada
NH New Hampshire
NJ New Jersey
NM New Mexico
NY New York
NC North Carolina
ND North Dakota
OH Ohio
OK Oklahoma
OR Oregon
PA Pennsylvania
RI Rhode Island
SC South Carolina
SD South Dakota
TN Tennessee
TX Texas
UT Utah
VT Vermont
VA Virginia
WA Washington
WV West Virginia
WI Wisconsin
WY Wyoming
"""

CA_PROVINCES = """
AB Alberta
BC British Columbia
MB Manitoba
NB New Brunswick
NL Newfoundland and Labrador | Newfoundland
NS Nova Scotia
NT Northwest Territories
NU Nunavut
ON Ontario
PE Prince Edward Island
QC Quebec | Québec
SK Saskatchewan
YT Yukon
"""

# A city named alone is read with its country (and state) when it is one of these hubs; the
# first name is the one kept.
CITIES = """
US/NY New York | New York City | NYC
US/CA San Francisco | SF | San Francisco Bay Area | Bay Area
US/CA Los Angeles | LA
US/WA Seattle
US/MA Boston
US/TX Austin
US/IL Chicago
US/CO Denver
US/DC Washington DC | Washington D.C.
CA/ON Toronto
CA/BC Vancouver
CA/QC Montreal | Montréal
GB London
GB Manchester
GB Edinburgh
IE Dublin
DE Berlin
DE Munich | München
DE Hamburg
DE Frankfurt | Frankfurt am Main
DE Cologne | Köln
AT Vienna | Wien
CH Zurich | Zürich
CH Geneva | Genève
NL Amsterdam
NL Rotterdam
BE Brussels | Bruxelles
FR Paris
FR Lyon
ES Madrid
ES Barcelona
PT Lisbon | Lisboa
PT Porto
IT Milan | Milano
IT Rome | Roma
SE Stockholm
DK Copenhagen | København
NO Oslo
FI Helsinki
PL Warsaw | Warszawa
PL Kraków | Krakow
CZ Prague | Praha
RO Bucharest
GR Athens
EE Tallinn
IL Tel Aviv
AE Dubai
IN Bangalore | Bengaluru
IN Hyderabad
SG Singapore
JP Tokyo
AU Sydney
AU Melbourne
BR São Paulo | Sao Paulo
AR Buenos Aires
MX Mexico City | Ciudad de México
"""

# Regions wider than one country: never a city, and a remote scope when named.
WIDE_REGIONS = """
Worldwide | Anywhere | Global | International | Earth
Europe | EU | EEA | European Union | EMEA | DACH | Nordics | Benelux | CET | CEST
Americas | North America | NA | LATAM | Latin America | South America | Central America
APAC | Asia | Asia Pacific | Africa | Middle East | MENA | Oceania
"""


def key(name: str) -> str:
    """The form names are matched in: folded, dots dropped, spaces single."""
    return re.sub(r"\s+", " ", fold(name).replace(".", "")).strip()


def _entries(table: str) -> list[tuple[str, list[str]]]:
    rows = (line.split(" ", 1) for line in table.strip().splitlines())
    return [(code, [name.strip() for name in names.split("|")]) for code, names in rows]


def _names(table: str) -> dict[str, str]:
    return {key(name): code for code, names in _entries(table) for name in names}


COUNTRY_CODES = frozenset(code for code, _ in _entries(COUNTRIES))
COUNTRY_BY_NAME = _names(COUNTRIES)
COUNTRY_NAMES = {code: names[0] for code, names in _entries(COUNTRIES)}
REGIONS = {"US": _names(US_STATES), "CA": _names(CA_PROVINCES)}
REGION_CODES = {country: frozenset(names.values()) for country, names in REGIONS.items()}
CITY_BY_NAME = {key(name): (names[0], where) for where, names in _entries(CITIES) for name in names}
WIDE_REGION_NAMES = frozenset(
    key(name) for line in WIDE_REGIONS.strip().splitlines() for name in line.split("|")
)
