"""Word lists the privacy rules lean on: common words, ASEAN place names, Thai person names.

Why: a learned name's single words are replaced only when they are not common words ("National",
"Youth", "Grace" stay as written), and a value is a person's name only when it is not a place.
Every list is read from installed package data (spacy-lookups-data, spaCy stop words, pythainlp's
name lists) or from `consult/data/`, once per process.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
import os
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

_DATA = Path(__file__).resolve().parents[1] / "data"
_STOP_LANGS = ("en", "id", "vi", "th", "tl", "ms")
# Words of the region's languages that start sentences and headings, and honorifics: never a
# name part on their own ("Kota", "Desa", "Bapak").
_REGION_COMMON = frozenset(
    """
kota provinsi kabupaten desa kecamatan pemerintah masyarakat negara daerah wilayah pusat nasional
bapak ibu pak bu saudara saudari kami kita mereka dia saya anda tuan puan encik cik datuk dato
negeri bandar kampung jalan jl kementerian dinas badan lembaga pelabuhan jalan tol sekolah
thanh pho tinh huyen xa viet nam ong ba anh chi em toi chung chinh phu bo so cong ty
barangay lungsod lalawigan bayan ginoo ginang binibini po opo salamat
khun ban mueang amphoe tambon changwat krung thep
u daw ko ma maung sayadaw
asean menteri gubernur bupati walikota camat lurah kepala ketua direktur presiden wakil
sekretaris dirjen pengarah setiausaha pengerusi
""".split()
)
# Member States, capitals, large cities, provinces and regions often named in file names and in
# closed survey answers ("Kuala Lumpur", "Phnom Penh"): places, never person names.
ASEAN_PLACES = frozenset(
    p.strip()
    for p in """
brunei|brunei darussalam|bandar seri begawan|seria|kuala belait|tutong|temburong|
cambodia|phnom penh|siem reap|battambang|sihanoukville|kampot|kep|kampong cham|takeo|kandal|
indonesia|jakarta|surabaya|bandung|medan|semarang|makassar|yogyakarta|denpasar|bali|batam|
palembang|pekanbaru|pontianak|balikpapan|samarinda|manado|ambon|jayapura|kupang|mataram|aceh|
banda aceh|padang|lampung|bogor|depok|tangerang|bekasi|solo|surakarta|malang|nusantara|sumatra|
sumatera|java|jawa|kalimantan|sulawesi|papua|maluku|riau|jambi|bengkulu|banten|gorontalo|
laos|lao|lao pdr|vientiane|luang prabang|pakse|savannakhet|champasak|xieng khouang|oudomxay|
luang namtha|bokeo|houaphanh|phongsaly|attapeu|sekong|salavan|khammouane|bolikhamxay|
malaysia|kuala lumpur|putrajaya|penang|pulau pinang|george town|johor|johor bahru|ipoh|perak|
melaka|malacca|kota kinabalu|sabah|sarawak|kuching|miri|selangor|shah alam|klang|kedah|
kelantan|kota bharu|terengganu|pahang|kuantan|negeri sembilan|seremban|perlis|labuan|
myanmar|burma|yangon|rangoon|mandalay|nay pyi taw|naypyitaw|naypyidaw|bago|mawlamyine|
taunggyi|sittwe|myitkyina|pathein|magway|sagaing|shan|kachin|kayin|kayah|chin|mon|rakhine|
tanintharyi|ayeyarwady|
philippines|manila|metro manila|quezon city|cebu|cebu city|davao|davao city|iloilo|bacolod|
cagayan de oro|zamboanga|baguio|makati|pasig|taguig|luzon|visayas|mindanao|palawan|bohol|
leyte|samar|tacloban|general santos|batangas|pampanga|bulacan|cavite|laguna|
singapore|jurong|woodlands|tampines|
thailand|bangkok|krung thep|chiang mai|chiang rai|khon kaen|phuket|pattaya|hat yai|songkhla|
nakhon ratchasima|korat|udon thani|ubon ratchathani|surat thani|ayutthaya|nonthaburi|
rayong|chonburi|chon buri|nakhon si thammarat|pattani|yala|narathiwat|lampang|phitsanulok|
viet nam|vietnam|hanoi|ha noi|ho chi minh|ho chi minh city|saigon|da nang|hai phong|haiphong|
can tho|hue|nha trang|vung tau|quang ninh|ha long|hạ long|bac ninh|dong nai|binh duong|
long an|lao cai|dien bien|son la|nghe an|thanh hoa|quang nam|quang ngai|gia lai|dak lak|
lam dong|da lat|khanh hoa|ca mau|kien giang|an giang|ben tre|tien giang|ba ria|
hà nội|thành phố hồ chí minh|đà nẵng|hải phòng|cần thơ|huế|
asean|asia|southeast asia|mekong|greater mekong
""".replace("\n", "").split("|")
    if p.strip()
)


def _lookups_dir() -> Path | None:
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_gz_words(path: Path) -> set[str]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return set(fh.read().split())
    except OSError:
        log.warning("Word list %s is missing; single-word name matching is more cautious", path)
        return set()


def _indonesian_words() -> set[str]:
    folder = _lookups_dir()
    if folder is None:
        return set()
    try:
        with gzip.open(folder / "id_lemma_lookup.json.gz", "rt", encoding="utf-8") as fh:
            table = json.load(fh)
    except (OSError, ValueError):
        return set()
    return {w.lower() for pair in table.items() for w in pair if w.isalpha()}


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words written mostly in lower case (scripts/build_common_words.py)."""
    return frozenset(_read_gz_words(_DATA / "common_words_en.txt.gz"))


def is_english_word(word: str) -> bool:
    return word.casefold() in english_words()


def is_title_word(word: str) -> bool:
    """A word that may follow a title without being a name ("Mr President", "Ibu Kota"): common
    English, or a title, role or place word of the region. Indonesian dictionary words are names
    there ("Pak Budi", "Bu Lestari")."""
    low = word.casefold()
    return low in english_words() or low in _REGION_COMMON


def is_region_word(word: str) -> bool:
    """A title, role or place word of the region ("Bupati", "Kota", "Ibu")."""
    return word.casefold() in _REGION_COMMON


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case common words of English, Indonesian/Malay and the stop words of the region."""
    from consult.text.detect import stop_words  # noqa: I001 - lazy: keeps this import light

    words = set(english_words())
    words |= _indonesian_words()
    for lang in _STOP_LANGS:
        words |= stop_words(lang)
    words |= _REGION_COMMON
    return frozenset(words)


def is_common(word: str) -> bool:
    return word.casefold() in common_words()


@lru_cache(maxsize=1)
def _common_without_lemmas() -> frozenset[str]:
    from consult.text.detect import stop_words  # noqa: I001 - lazy, as above

    words = set(english_words()) | _REGION_COMMON
    for lang in _STOP_LANGS:
        words |= stop_words(lang)
    return frozenset(words)


def is_common_name_part(word: str) -> bool:
    """A common word that a name's single word must not be replaced as: English, the region's
    stop and title words. Indonesian dictionary words are not counted here: many given names are
    one ("Budi", "Bambang", "Wahyu"), and a name's word is replaced only in its own file."""
    return word.casefold() in _common_without_lemmas()


def is_place(text: str) -> bool:
    """A Member State, capital, city or province of the region, as written in Latin script."""
    key = " ".join(text.casefold().replace("-", " ").replace("_", " ").split())
    return key in ASEAN_PLACES


@lru_cache(maxsize=1)
def thai_person_names() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, family names) in Thai script, from pythainlp's corpus files (or empty)."""
    spec = importlib.util.find_spec("pythainlp")
    if spec is None or not spec.submodule_search_locations:
        return frozenset(), frozenset()
    corpus = os.path.join(next(iter(spec.submodule_search_locations)), "corpus")

    def read(*names: str) -> frozenset[str]:
        out: set[str] = set()
        for name in names:
            try:
                with open(os.path.join(corpus, name), encoding="utf-8") as fh:
                    out.update(line.strip() for line in fh if line.strip())
            except OSError:
                continue
        return frozenset(out)

    return (
        read("person_names_male_th.txt", "person_names_female_th.txt"),
        read("family_names_th.txt"),
    )
