"""Rebuild ``src/crampcare/knowledge/data/foods.csv`` from USDA Standard Reference, Release 24.

The USDA National Nutrient Database for Standard Reference (SR) is public domain. Debian's
``cronometer`` package ships SR24 as ``/usr/share/cronometer/usda_sr24.jar``: a zip of one XML file
per food (``usda_sr24/<NDB number>.xml``) with its nutrients per 100 g. This script reads that jar
(or the .deb itself), keeps the curated foods below and writes magnesium, potassium and calcium.

Run it from the repository root, either with the package installed::

    apt-get update && apt-get install -y cronometer
    python3 tools/foods/extract_usda.py

or without installing it (no Java needed)::

    apt-get download cronometer
    python3 tools/foods/extract_usda.py --deb cronometer_0.9.9+dfsg1-1_all.deb

``--check`` compares instead of writing (exit status 1 if foods.csv differs). Only the standard
library is used, so the script runs with any Python 3.11.

The numbers are never typed by hand: each row's minerals and its USDA description come from the
food's XML file. What is curated here is which foods to keep, an everyday English and Russian name
for each, and its form (``raw``, ``cooked``, ``dry`` for grains and legumes weighed before cooking,
``dried`` for dried fruit; empty where the food is eaten as sold).
"""

from __future__ import annotations

import argparse
import csv
import io
import lzma
import sys
import tarfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "src" / "crampcare" / "knowledge" / "data" / "foods.csv"
JAR = Path("/usr/share/cronometer/usda_sr24.jar")
JAR_IN_DEB = "./usr/share/cronometer/usda_sr24.jar"
FOLDER = "usda_sr24"
HEADER = (
    "code",
    "name",
    "name_ru",
    "group",
    "group_ru",
    "form",
    "magnesium_mg",
    "potassium_mg",
    "calcium_mg",
    "usda_name",
)
NUTRIENTS = {"magnesium_mg": "Magnesium", "potassium_mg": "Potassium", "calcium_mg": "Calcium"}
FORMS = ("", "raw", "cooked", "dry", "dried")

# SR food groups, named by the first two digits of the NDB number (SR's FD_GROUP table); the
# 23xxx numbers are SR's later beef cuts, which belong to the beef group.
GROUPS: dict[str, tuple[str, str]] = {
    "01": ("Dairy and Egg Products", "Молочные продукты и яйца"),
    "02": ("Spices and Herbs", "Пряности и зелень"),
    "05": ("Poultry Products", "Птица"),
    "08": ("Breakfast Cereals", "Хлопья и каши"),
    "09": ("Fruits and Fruit Juices", "Фрукты, ягоды и соки"),
    "10": ("Pork Products", "Свинина"),
    "11": ("Vegetables and Vegetable Products", "Овощи"),
    "12": ("Nut and Seed Products", "Орехи и семена"),
    "13": ("Beef Products", "Говядина"),
    "15": ("Finfish and Shellfish Products", "Рыба"),
    "16": ("Legumes and Legume Products", "Бобовые"),
    "18": ("Baked Products", "Хлеб и выпечка"),
    "19": ("Sweets", "Сладости"),
    "20": ("Cereal Grains and Pasta", "Крупы и макароны"),
    "23": ("Beef Products", "Говядина"),
}


class Pick(NamedTuple):
    code: str  # USDA NDB number
    name: str  # everyday English name, with the form where it matters
    name_ru: str
    form: str


# fmt: off
PICKS: tuple[Pick, ...] = (
    # Dairy and eggs. Kefir is not in SR24; cultured buttermilk is the nearest food.
    Pick("01077", "whole milk", "молоко цельное", ""),
    Pick("01079", "milk, 2% fat", "молоко 2% жирности", ""),
    Pick("01085", "skimmed milk", "молоко обезжиренное", ""),
    Pick("01088", "cultured buttermilk, low-fat", "пахта кисломолочная нежирная", ""),
    Pick("01116", "plain yogurt, whole milk", "йогурт натуральный из цельного молока", ""),
    Pick("01117", "plain yogurt, low-fat", "йогурт натуральный нежирный", ""),
    Pick("01056", "sour cream", "сметана", ""),
    Pick("01012", "cottage cheese", "творог зернёный", ""),
    Pick("01014", "cottage cheese, fat-free, dry curd", "творог обезжиренный", ""),
    Pick("01036", "ricotta, whole milk", "рикотта", ""),
    Pick("01017", "cream cheese", "сливочный сыр", ""),
    Pick("01022", "Gouda cheese", "сыр гауда", ""),
    Pick("01018", "Edam cheese", "сыр эдам", ""),
    Pick("01009", "Cheddar cheese", "сыр чеддер", ""),
    Pick("01040", "Swiss cheese", "сыр швейцарский", ""),
    Pick("01033", "Parmesan cheese", "сыр пармезан", ""),
    Pick("01026", "mozzarella", "сыр моцарелла", ""),
    Pick("01019", "feta cheese", "сыр фета", ""),
    Pick("01006", "Brie cheese", "сыр бри", ""),
    Pick("01123", "egg", "яйцо куриное", "raw"),
    Pick("01129", "egg, hard-boiled", "яйцо варёное вкрутую", "cooked"),
    # Herbs and spices: rich per 100 g, eaten by the pinch.
    Pick("02044", "basil, fresh", "базилик свежий", "raw"),
    Pick("02003", "basil, dried", "базилик сушёный", "dried"),
    Pick("02045", "dill, fresh", "укроп свежий", "raw"),
    Pick("02024", "mustard seed, ground", "горчица молотая (порошок)", ""),
    Pick("02046", "prepared yellow mustard", "горчица готовая", ""),
    # Meat and poultry
    Pick("05062", "chicken breast", "куриная грудка", "raw"),
    Pick("05064", "chicken breast, roasted", "куриная грудка запечённая", "cooked"),
    Pick("05028", "chicken liver, simmered", "куриная печень тушёная", "cooked"),
    Pick("10061", "pork tenderloin, roasted", "свиная вырезка запечённая", "cooked"),
    Pick("13326", "beef liver, braised", "говяжья печень тушёная", "cooked"),
    Pick("23568", "beef burger (15% fat), grilled", "говяжья котлета (фарш 15% жира), на гриле", "cooked"),
    # Oats
    Pick("08120", "rolled oats, dry", "овсяные хлопья сухие", "dry"),
    Pick("08121", "oat porridge made with water", "овсяная каша на воде", "cooked"),
    # Fruit and dried fruit
    Pick("09032", "dried apricots", "курага", "dried"),
    Pick("09033", "dried apricots, stewed without sugar", "курага, сваренная без сахара", "cooked"),
    Pick("09021", "apricots", "абрикосы", "raw"),
    Pick("09291", "prunes", "чернослив", "dried"),
    Pick("09292", "prunes, stewed without sugar", "чернослив, сваренный без сахара", "cooked"),
    Pick("09298", "raisins", "изюм", "dried"),
    Pick("09087", "dates", "финики", "dried"),
    Pick("09094", "dried figs", "инжир сушёный", "dried"),
    Pick("09089", "fresh figs", "инжир свежий", "raw"),
    Pick("09040", "bananas", "бананы", "raw"),
    Pick("09037", "avocado", "авокадо", "raw"),
    Pick("09003", "apples", "яблоки", "raw"),
    Pick("09252", "pears", "груши", "raw"),
    Pick("09200", "oranges", "апельсины", "raw"),
    Pick("09218", "tangerines", "мандарины", "raw"),
    Pick("09150", "lemon", "лимон", "raw"),
    Pick("09148", "kiwi", "киви", "raw"),
    Pick("09181", "cantaloupe melon", "дыня канталупа", "raw"),
    Pick("09326", "watermelon", "арбуз", "raw"),
    Pick("09132", "grapes", "виноград", "raw"),
    Pick("09070", "sweet cherries", "черешня", "raw"),
    Pick("09236", "peaches", "персики", "raw"),
    Pick("09279", "plums", "сливы", "raw"),
    Pick("09286", "pomegranate", "гранат", "raw"),
    Pick("09263", "persimmon", "хурма", "raw"),
    Pick("09083", "blackcurrants", "чёрная смородина", "raw"),
    Pick("09084", "redcurrants", "красная смородина", "raw"),
    Pick("09107", "gooseberries", "крыжовник", "raw"),
    Pick("09316", "strawberries", "клубника", "raw"),
    Pick("09302", "raspberries", "малина", "raw"),
    Pick("09050", "blueberries", "голубика", "raw"),
    Pick("09078", "cranberries", "клюква", "raw"),
    Pick("09206", "orange juice, fresh", "апельсиновый сок свежевыжатый", ""),
    # Vegetables
    Pick("11354", "potatoes", "картофель сырой", "raw"),
    Pick("11357", "potatoes, baked in their skin", "картофель, запечённый в кожуре", "cooked"),
    Pick("11367", "potatoes, peeled and boiled", "картофель очищенный отварной", "cooked"),
    Pick("11657", "mashed potatoes with milk", "картофельное пюре на молоке", "cooked"),
    Pick("11507", "sweet potato", "батат", "raw"),
    Pick("11508", "sweet potato, baked in its skin", "батат, запечённый в кожуре", "cooked"),
    Pick("11457", "spinach", "шпинат свежий", "raw"),
    Pick("11458", "spinach, cooked", "шпинат варёный", "cooked"),
    Pick("11086", "beet greens", "ботва свёклы", "raw"),
    Pick("11087", "beet greens, cooked", "ботва свёклы варёная", "cooked"),
    Pick("11147", "Swiss chard", "мангольд", "raw"),
    Pick("11148", "Swiss chard, cooked", "мангольд варёный", "cooked"),
    Pick("11233", "kale", "капуста кале", "raw"),
    Pick("11234", "kale, cooked", "капуста кале варёная", "cooked"),
    Pick("11090", "broccoli", "брокколи", "raw"),
    Pick("11091", "broccoli, cooked", "брокколи варёная", "cooked"),
    Pick("11109", "white cabbage", "капуста белокочанная", "raw"),
    Pick("11110", "white cabbage, cooked", "капуста белокочанная варёная", "cooked"),
    Pick("11439", "sauerkraut", "квашеная капуста", ""),
    Pick("11135", "cauliflower", "цветная капуста", "raw"),
    Pick("11098", "Brussels sprouts", "брюссельская капуста", "raw"),
    Pick("11080", "beetroot", "свёкла сырая", "raw"),
    Pick("11081", "beetroot, boiled", "свёкла варёная", "cooked"),
    Pick("11124", "carrots", "морковь сырая", "raw"),
    Pick("11125", "carrots, boiled", "морковь варёная", "cooked"),
    Pick("11529", "tomatoes", "помидоры", "raw"),
    Pick("11546", "tomato paste", "томатная паста", ""),
    Pick("11886", "tomato juice", "томатный сок", ""),
    Pick("11205", "cucumber", "огурцы", "raw"),
    Pick("11477", "courgette", "кабачок", "raw"),
    Pick("11209", "aubergine", "баклажан", "raw"),
    Pick("11821", "red bell pepper", "красный сладкий перец", "raw"),
    Pick("11422", "pumpkin", "тыква сырая", "raw"),
    Pick("11423", "pumpkin, boiled", "тыква варёная", "cooked"),
    Pick("11304", "green peas", "зелёный горошек", "raw"),
    Pick("11313", "green peas (frozen), boiled", "зелёный горошек (замороженный), варёный", "cooked"),
    Pick("11052", "green beans", "стручковая фасоль", "raw"),
    Pick("11282", "onions", "лук репчатый", "raw"),
    Pick("11215", "garlic", "чеснок", "raw"),
    Pick("11297", "parsley, fresh", "петрушка свежая", "raw"),
    Pick("11143", "celery", "сельдерей черешковый", "raw"),
    Pick("11429", "radishes", "редис", "raw"),
    Pick("11253", "lettuce", "листовой салат", "raw"),
    Pick("11260", "white mushrooms", "шампиньоны", "raw"),
    Pick("11445", "kelp (seaweed)", "морская капуста (ламинария)", "raw"),
    # Nuts and seeds
    Pick("12014", "pumpkin seeds", "тыквенные семечки очищенные", ""),
    Pick("12036", "sunflower seeds", "семечки подсолнечника очищенные", ""),
    Pick("12023", "sesame seeds, unhulled", "кунжут неочищенный", ""),
    Pick("12201", "sesame seeds, hulled", "кунжут очищенный", ""),
    Pick("12220", "flaxseed", "семена льна", ""),
    Pick("12006", "chia seeds", "семена чиа", ""),
    Pick("12061", "almonds", "миндаль", ""),
    Pick("12087", "cashew nuts", "кешью", ""),
    Pick("12120", "hazelnuts", "фундук", ""),
    Pick("12155", "walnuts", "грецкие орехи", ""),
    Pick("12147", "pine nuts", "кедровые орехи", ""),
    Pick("12151", "pistachios", "фисташки", ""),
    # Fish
    Pick("15076", "wild salmon", "лосось дикий, сырой", "raw"),
    Pick("15209", "wild salmon, baked", "лосось дикий, запечённый", "cooked"),
    Pick("15236", "farmed salmon", "сёмга (лосось) с фермы, сырая", "raw"),
    Pick("15237", "farmed salmon, baked", "сёмга (лосось) с фермы, запечённая", "cooked"),
    Pick("15240", "rainbow trout", "форель радужная, сырая", "raw"),
    Pick("15241", "rainbow trout, baked", "форель радужная, запечённая", "cooked"),
    Pick("15015", "cod", "треска сырая", "raw"),
    Pick("15016", "cod, baked", "треска запечённая", "cooked"),
    Pick("15065", "saithe (Atlantic pollock)", "сайда сырая", "raw"),
    Pick("15039", "herring", "сельдь свежая", "raw"),
    Pick("15041", "pickled herring", "сельдь маринованная", ""),
    Pick("15046", "mackerel", "скумбрия сырая", "raw"),
    Pick("15047", "mackerel, baked", "скумбрия запечённая", "cooked"),
    Pick("15088", "sardines canned in oil, with bones", "сардины в масле (консервы, с костями)", ""),
    Pick("15260", "canned pink salmon, with bones", "горбуша консервированная, с костями", ""),
    Pick("15265", "canned pink salmon, without skin and bones",
         "горбуша консервированная, без кожи и костей", ""),
    Pick("15121", "tuna canned in water", "тунец в собственном соку (консервы)", ""),
    # Legumes: dry (as bought) and cooked (as eaten; cooking takes up water, about a third remains)
    Pick("16027", "kidney beans, dry", "фасоль красная сухая", "dry"),
    Pick("16028", "kidney beans, cooked", "фасоль красная варёная", "cooked"),
    Pick("16029", "kidney beans, canned", "фасоль красная консервированная", "cooked"),
    Pick("16049", "white beans, dry", "фасоль белая сухая", "dry"),
    Pick("16050", "white beans, cooked", "фасоль белая варёная", "cooked"),
    Pick("16014", "black beans, dry", "фасоль чёрная сухая", "dry"),
    Pick("16015", "black beans, cooked", "фасоль чёрная варёная", "cooked"),
    Pick("16069", "lentils, dry", "чечевица сухая", "dry"),
    Pick("16070", "lentils, cooked", "чечевица варёная", "cooked"),
    Pick("16056", "chickpeas, dry", "нут сухой", "dry"),
    Pick("16057", "chickpeas, cooked", "нут варёный", "cooked"),
    Pick("16085", "split peas, dry", "горох колотый сухой", "dry"),
    Pick("16086", "split peas, cooked", "горох колотый варёный", "cooked"),
    Pick("16108", "soya beans, dry", "соевые бобы сухие", "dry"),
    Pick("16109", "soya beans, cooked", "соевые бобы варёные", "cooked"),
    Pick("16426", "firm tofu (set with calcium sulphate)", "тофу твёрдый (с сульфатом кальция)", ""),
    Pick("16087", "peanuts", "арахис сырой", "raw"),
    Pick("16390", "peanuts, dry-roasted, unsalted", "арахис жареный без соли", ""),
    Pick("16398", "peanut butter, unsalted", "арахисовая паста без соли", ""),
    # Bread
    Pick("18075", "wholemeal bread", "хлеб цельнозерновой пшеничный", ""),
    Pick("18060", "rye bread", "хлеб ржаной", ""),
    Pick("18044", "pumpernickel (wholegrain rye bread)", "хлеб из цельного ржаного зерна (пумперникель)", ""),
    # Sweets
    Pick("19904", "dark chocolate, 70-85% cocoa", "горький шоколад 70–85% какао", ""),
    Pick("19903", "dark chocolate, 60-69% cocoa", "тёмный шоколад 60–69% какао", ""),
    Pick("19120", "milk chocolate", "молочный шоколад", ""),
    Pick("19165", "cocoa powder, unsweetened", "какао-порошок без сахара", ""),
    Pick("19296", "honey", "мёд", ""),
    # Grains and pasta: dry (as bought) and cooked (as eaten)
    Pick("20009", "buckwheat, dry", "гречка сухая", "dry"),
    Pick("20010", "buckwheat, cooked", "гречка варёная", "cooked"),
    Pick("20044", "white rice, dry", "рис белый сухой", "dry"),
    Pick("20045", "white rice, cooked", "рис белый варёный", "cooked"),
    Pick("20036", "brown rice, dry", "рис бурый сухой", "dry"),
    Pick("20037", "brown rice, cooked", "рис бурый варёный", "cooked"),
    Pick("20031", "millet, dry", "пшено сухое", "dry"),
    Pick("20032", "millet, cooked", "пшено варёное", "cooked"),
    Pick("20005", "pearl barley, dry", "перловка сухая", "dry"),
    Pick("20006", "pearl barley, cooked", "перловка варёная", "cooked"),
    Pick("20012", "bulgur, dry", "булгур сухой", "dry"),
    Pick("20013", "bulgur, cooked", "булгур варёный", "cooked"),
    Pick("20035", "quinoa, dry", "киноа сухая", "dry"),
    Pick("20137", "quinoa, cooked", "киноа варёная", "cooked"),
    Pick("20120", "pasta (spaghetti), dry", "макароны (спагетти) сухие", "dry"),
    Pick("20121", "pasta (spaghetti), cooked", "макароны (спагетти) варёные", "cooked"),
    Pick("20077", "wheat bran", "пшеничные отруби", ""),
    Pick("20080", "wholemeal flour", "мука пшеничная цельнозерновая", ""),
)
# fmt: on


def _jar_from_deb(deb: Path) -> bytes:
    """The SR24 jar inside a Debian package: an ``ar`` archive holding ``data.tar.xz``."""
    blob = deb.read_bytes()
    if not blob.startswith(b"!<arch>\n"):
        raise SystemExit(f"{deb}: not a Debian package")
    pos = 8
    while pos + 60 <= len(blob):
        name = blob[pos : pos + 16].decode().strip().rstrip("/")
        size = int(blob[pos + 48 : pos + 58].decode().strip())
        body = blob[pos + 60 : pos + 60 + size]
        pos += 60 + size + (size % 2)
        if name.startswith("data.tar"):
            raw = lzma.decompress(body) if name.endswith(".xz") else body
            with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
                member = tar.extractfile(JAR_IN_DEB)
                if member is None:
                    break
                return member.read()
    raise SystemExit(f"{deb}: no {JAR_IN_DEB} inside")


def open_sr24(jar: Path | None = None, deb: Path | None = None) -> zipfile.ZipFile:
    if deb is not None:
        return zipfile.ZipFile(io.BytesIO(_jar_from_deb(deb)))
    return zipfile.ZipFile(jar or JAR)


def _number(text: str | None) -> str:
    """SR's amount as written, without a trailing ``.0`` (``1162.0`` -> ``1162``)."""
    if text is None:
        return ""
    value = float(text)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def rows(sr24: zipfile.ZipFile) -> list[dict[str, str]]:
    out = []
    seen: set[str] = set()
    for pick in PICKS:
        if pick.code in seen:
            raise SystemExit(f"{pick.code} is listed twice")
        if pick.form not in FORMS:
            raise SystemExit(f"{pick.code}: unknown form {pick.form!r}")
        seen.add(pick.code)
        root = ET.fromstring(sr24.read(f"{FOLDER}/{pick.code}.xml"))
        if root.get("uid") != pick.code:
            raise SystemExit(f"{pick.code}: the file describes {root.get('uid')}")
        amounts = {n.get("name"): n.get("amount") for n in root.iter("nutrient")}
        group, group_ru = GROUPS[pick.code[:2]]
        row = {
            "code": pick.code,
            "name": pick.name,
            "name_ru": pick.name_ru,
            "group": group,
            "group_ru": group_ru,
            "form": pick.form,
            "usda_name": root.get("name", ""),
        }
        row |= {column: _number(amounts.get(sr_name)) for column, sr_name in NUTRIENTS.items()}
        out.append(row)
    return out


def render(table: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", type=Path, default=None, help=f"the SR24 jar (default {JAR})")
    parser.add_argument("--deb", type=Path, default=None, help="read the jar from a cronometer .deb")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with --output, do not write")
    args = parser.parse_args(argv)
    with open_sr24(args.jar, args.deb) as sr24:
        text = render(rows(sr24))
    if args.check:
        same = args.output.is_file() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'DIFFERS from USDA SR24'}")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(PICKS)} foods")
    return 0


if __name__ == "__main__":
    sys.exit(main())
