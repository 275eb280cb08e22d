"""What the sample is made of: names, municipalities with their postcodes, sectors with
their qualifications and providers, and the sizes and rates of the sample."""

from __future__ import annotations

FIRST_SCHOOL_YEAR = 2022  # the exports start with school year 2022-2023
EXCEL_MAX_DATA_ROWS = 1_048_575  # one sheet: 1,048,576 rows minus the header
BROKEN_RATE = 0.01  # share of rows made to land in quarantine

MALE_NAMES = (
    "Jens Wout Seppe Arne Lars Milan Robbe Stan Thibo Warre Kobe Lucas Vince Mathis Senne "
    "Jasper Bram Ruben Tibo Lowie Matteo Xander Jonas Brent Niels Kiano Ward Daan Nand Jules"
).split()
FEMALE_NAMES = (
    "Lotte Noor Lien Fien Emma Marie Julie Hanne Lore Ella Nina Amber Febe Elise Jana Axelle "
    "Lisa Ine Kaat Zoë Mila Nore Yana Hannah Roos Sien Tess Ines Lena Charlotte"
).split()
LAST_NAMES = (
    "Peeters|Janssens|Maes|Jacobs|Mertens|Willems|Claes|Goossens|Wouters|De Smet|"
    "Van den Broeck|Dubois|Vermeulen|Hermans|Aerts|Pauwels|Michiels|Desmet|De Clercq|"
    "Van Damme|Claeys|Martens|Verstraete|Stevens|Wuyts|Lemmens|Cools|Segers|Van de Velde|"
    "Smets|Vandenberghe|Dierckx|Verhoeven|Coppens|De Backer|Bogaerts|Declercq|Vanderstraeten|"
    "Bosmans|De Wilde|Lambrechts|Van Hecke|Leys|Verbeke|Geerts|Thys|Vos|De Meyer|Moens|Raes"
).split("|")

# (postcode, municipality), per province, with the province's share of establishments.
MUNICIPALITIES: tuple[tuple[float, tuple[tuple[int, str], ...]], ...] = (
    (
        0.26,
        (
            (2000, "Antwerpen"),
            (2018, "Antwerpen"),
            (2100, "Deurne"),
            (2200, "Herentals"),
            (2300, "Turnhout"),
            (2400, "Mol"),
            (2440, "Geel"),
            (2500, "Lier"),
            (2800, "Mechelen"),
            (2850, "Boom"),
            (2930, "Brasschaat"),
        ),
    ),
    (
        0.22,
        (
            (9000, "Gent"),
            (9100, "Sint-Niklaas"),
            (9160, "Lokeren"),
            (9200, "Dendermonde"),
            (9300, "Aalst"),
            (9400, "Ninove"),
            (9600, "Ronse"),
            (9700, "Oudenaarde"),
            (9900, "Eeklo"),
        ),
    ),
    (
        0.19,
        (
            (8000, "Brugge"),
            (8400, "Oostende"),
            (8500, "Kortrijk"),
            (8560, "Wevelgem"),
            (8700, "Tielt"),
            (8790, "Waregem"),
            (8800, "Roeselare"),
            (8900, "Ieper"),
            (8930, "Menen"),
        ),
    ),
    (
        0.13,
        (
            (3500, "Hasselt"),
            (3550, "Heusden-Zolder"),
            (3600, "Genk"),
            (3630, "Maasmechelen"),
            (3700, "Tongeren"),
            (3800, "Sint-Truiden"),
            (3920, "Lommel"),
        ),
    ),
    (
        0.14,
        (
            (3000, "Leuven"),
            (1800, "Vilvoorde"),
            (1500, "Halle"),
            (1700, "Dilbeek"),
            (1930, "Zaventem"),
            (3200, "Aarschot"),
            (3290, "Diest"),
            (3300, "Tienen"),
        ),
    ),
    (
        0.04,
        (
            (1000, "Brussel"),
            (1070, "Anderlecht"),
            (1080, "Sint-Jans-Molenbeek"),
            (1140, "Evere"),
            (1190, "Vorst"),
        ),
    ),
    (
        0.02,
        ((4000, "Luik"), (7000, "Bergen"), (1300, "Waver"), (6000, "Charleroi"), (5000, "Namen")),
    ),
)
BRUSSELS = MUNICIPALITIES[5][1][0]
WALLONIA = MUNICIPALITIES[6][1][0]

# Company sectors: name words, trainings from the metal/technology brochure, joint committees.
SECTORS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("Metaalbouw", "Staalconstructies", "Constructiewerken"),
        ("Lasser-monteerder duaal", "Metaalbewerker duaal"),
        ("111", "111", "111", "111", "111", "124"),
    ),
    (
        ("Machinebouw", "Precisiemechanica", "Industrial Services"),
        ("Mechanicus duaal", "Onderhoudstechnicus duaal", "Metaalbewerker duaal"),
        ("111", "111", "111", "111", "111", "200"),
    ),
    (
        ("Elektro", "Elektrotechniek", "Automation"),
        ("Elektrotechnicus duaal", "Industrieel elektricien duaal"),
        ("111", "111", "149", "200"),
    ),
    (
        ("Kunststoffen", "Plastics", "Polymeren"),
        ("Polymeerverwerker duaal", "Onderhoudstechnicus duaal"),
        ("111", "200", "200"),
    ),
    (
        ("Installatietechniek", "Verwarming", "Klimaattechniek"),
        ("Installateur centrale verwarming duaal", "Koel- en warmtetechnicus duaal"),
        ("124", "124", "111", "149"),
    ),
    (
        ("Garage", "Autobedrijf", "Carrosserie"),
        ("Autotechnicus duaal",),
        ("149", "111"),
    ),
)
SECTOR_WEIGHTS = (30, 30, 15, 8, 10, 7)  # metal and machine building first
LEGAL_FORMS = ("NV", "BV", "BV", "BV", "CommV", "")

PROVIDERS: dict[str, tuple[str, ...]] = {
    "Antwerpen": (
        "Centrum voor Leren en Werken Antwerpen",
        "VTI Mechelen",
        "Syntra AB",
        "Centrum voor Leren en Werken Turnhout",
    ),
    "Oost-Vlaanderen": (
        "Centrum voor Leren en Werken Gent",
        "VTI Aalst",
        "Syntra Midden-Vlaanderen",
        "Centrum voor Leren en Werken Sint-Niklaas",
    ),
    "West-Vlaanderen": (
        "VTI Kortrijk",
        "VTI Brugge",
        "Syntra West",
        "Centrum voor Leren en Werken Roeselare",
    ),
    "Limburg": ("Centrum voor Leren en Werken Hasselt", "VTI Genk", "Syntra Limburg"),
    "Vlaams-Brabant": (
        "VTI Leuven",
        "Centrum voor Leren en Werken Vilvoorde",
        "Syntra Vlaams-Brabant",
    ),
    "elders": ("Centrum voor Leren en Werken Brussel", "Syntra Brussel"),
}

SHEET_NAMES = {
    "overeenkomsten": "Overeenkomsten",
    "dimona": "Dimona",
    "erkenningen": "Erkenningen",
    "premies": "Premies",
}
