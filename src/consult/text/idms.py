"""Indonesian or Malay: word evidence on top of the two statistical detectors.

Both detectors confuse the two standard languages (same grammar, most words shared). Where they
differ is spelling and word choice (karena/kerana, pemerintah/kerajaan, -itas/-iti), so a count
of such marker words settles many passages. The lists are standard-spelling pairs written by
hand, not mined from a corpus; markers that misfired on the SIB-200 train split were dropped.
"""

from __future__ import annotations

import math
import re

from consult.text.languages import UNDETERMINED


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


MALAY = _words("""
kerana iaitu sahaja mahu cuba fikir berfikir faham erti bermaksud dipanggil kenderaan pengangkutan
perkhidmatan perniagaan peniaga pelaburan pelabur maklumat rangkaian talian syarikat wang percuma
bas teksi lori motosikal basikal jambatan terowong lebuhraya kastam kad telefon bimbit sempadan
imigresen pasport antarabangsa serantau tempatan awam pertubuhan eksport cukai sokongan menyokong
kemahiran belia polis projek kos cabaran penambahbaikan bertanggungjawab tanggungjawab manakala
barangan pengeluar kilang ubat ejen gabenor perancis bahagian sebahagian berbanding selepas boleh
hendaklah sekiranya pelancong pelancongan doktor elektrik teknikal praktikal emel perisian peranti
isyarat stesen piawaian sijil cekap kelajuan mengesan usahawan sentiasa baharu kerap tentera askar
mahkamah peguam undi mengundi parlimen jepun sepanyol itali inggeris kemboja jurulatih jurucakap
akhbar filem muzik muzium pensyarah kanak lelaki rakan jiran bilik tandas beg kasut seluar kedai
perbelanjaan hutang kakitangan pengurus pengurusan jenama peratus bilion trilion saiz nombor
kumpulan rekod persekitaran salji ais haiwan jangkitan hospital jururawat pesakit kemalangan letupan
mangsa tarikh esok mula bermula berjaya kejayaan memandu cuti percutian melancong tempahan lif
kerusi tingkap pantas perlahan berkenaan justeru lesen borang kajian penyelidikan penyelidik
saintis jurutera kaedah matlamat pembinaan menubuhkan ditubuhkan memaklumkan mendakwa siasatan
pengganas keganasan membaiki mengurangkan mendapati didapati mengandungi merangkumi sebarang ia
tiada lazimnya sesetengah automatik logik dinamik strategik ekonomik realistik sistematik autonomi
automotif persidangan semasa
""")
INDONESIAN = _words("""
karena yaitu saja coba pikir berpikir paham arti berarti disebut kendaraan transportasi angkutan
layanan pelayanan bisnis investasi investor informasi jaringan uang gratis bus taksi truk mobil
sepeda jembatan terowongan bea kartu telepon ponsel seluler perbatasan imigrasi paspor
internasional publik ekspor impor pajak dukungan mendukung keterampilan pemuda proyek biaya
tantangan dampak bertanggung produsen pabrik obat agen gubernur prancis bagian sebagian sesudah
pemerintah bisa wisatawan pariwisata turis dokter listrik teknis praktis situs surel unduh
mengunduh unggah mengunggah perangkat daring luring gawai banget nggak enggak gimana udah aja
kabupaten provinsi kantor dinas departemen kebijakan regulasi standar sertifikat efisien sinyal
stasiun bandara kecepatan pengusaha tentara pengadilan pengacara pemilu parlemen serikat jepang
spanyol italia inggris kamboja tim pelatih pernyataan koran film musik museum dosen pria rekan
tetangga kamar tas sepatu celana toko swalayan utang karyawan manajer manajemen pengelolaan merek
persen miliar triliun nomor kelompok rekor lingkungan salju hewan perawat pasien kecelakaan
ledakan korban tanggal besok mulai dimulai terjadi berhasil sukses libur liburan reservasi lift
kursi justru lisensi formulir penelitian riset peneliti ilmuwan insinyur metode mendirikan
didirikan klaim mengklaim investigasi teroris kekerasan memperbaiki mengurangi menemukan ditemukan
mengandung mencakup memiliki maupun otomatis kritis logis dinamis strategis ekonomis realistis
sistematis demokratis otonomi otomotif konferensi perusahaan
""")
_MALAY_SUFFIX = re.compile(r"\w{4,}(?:iti|syen|ikal)")  # kualiti, konvensyen, teknikal
_INDONESIAN_SUFFIX = re.compile(r"\w{4,}itas")  # kualitas, komunitas, universitas
_WORD = re.compile(r"[^\W\d_]+")

# Logistic weights fitted on the SIB-200 train split (ind_Latn vs zsm_Latn, 701 sentences each):
# py3langid's log-odds, lingua's log-odds, and the marker count (Malay minus Indonesian).
_W_LANGID, _W_LINGUA, _W_MARKERS, _BIAS = 1.96, 0.286, -1.985, -0.341
PRIOR_WEIGHT = 2.5  # a file or manifest saying id or ms outweighs one marker word


def marker_score(text: str) -> int:
    """Malay marker words minus Indonesian ones."""
    score = 0
    for word in _WORD.findall(text.casefold()):
        if word in MALAY or (_MALAY_SUFFIX.fullmatch(word) and word != "teliti"):
            score += 1
        elif word in INDONESIAN or _INDONESIAN_SUFFIX.fullmatch(word):
            score -= 1
    return score


def _logit(p: float, floor: float = 1e-4) -> float:
    p = min(max(p, floor), 1 - floor)
    return math.log(p / (1 - p))


def indonesian_logit(
    text: str, langid_id: float, langid_ms: float, lingua_id: float | None
) -> float:
    """Evidence for Indonesian over Malay (> 0: Indonesian), without any prior."""
    langid = math.log((langid_id + 1e-9) / (langid_ms + 1e-9))
    lingua = _logit(lingua_id) if lingua_id is not None else 0.0
    return _W_LANGID * langid + _W_LINGUA * lingua + _W_MARKERS * marker_score(text) + _BIAS


def decide(logit: float, prior: str | None) -> str:
    """'id' or 'ms'; a prior of either shifts the balance rather than overruling the text."""
    if prior == "id":
        logit += PRIOR_WEIGHT
    elif prior == "ms":
        logit -= PRIOR_WEIGHT
    return "id" if logit > 0 else "ms" if logit < 0 else (prior or UNDETERMINED)
