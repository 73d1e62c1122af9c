"""A round with personal data planted in every form the hostile review found, and ordinary text
(place names, manifest labels, policy numbers, other people's names) that must stay as written.

Each planted string is one a reviewer must never see; each KEEP string must survive verbatim.
"""

from __future__ import annotations

from pathlib import Path

SURVEY = (
    "Timestamp,Name of respondent,Email address,Sector,Country,"
    "What should ASEAN prioritise in the next plan?,Any other comments?\n"
    "2025-03-01 10:00:00,Khamphone Sisavath,khamphone(at)mpwt(dot)gov(dot)la,Government,Lao PDR,"
    '"National single window first. Khamphone\'s team can help; call 020 5512 3456.",'
    '"My ID 3201 2345 6789 0001 is on file with the ministry."\n'
    "2025-03-01 11:00:00,Dewi Kartika Sari,dewi{at}kemenhub.go.id,Youth,Indonesia,"
    '"Ports and logistics. Write to rizal AT bappenas DOT go DOT id or Dewi Kartika Sari.",'
    '"MyKad 850101-14-5678; NRIC S7654321Z; both were shown at the workshop."\n'
    "2025-03-01 12:00:00,Rizal Mahendra,,Private sector,Indonesia,"
    '"Digital trade rules. Rizal Mahendra agrees with ASEAN 2025 targets for 2020-2025.",'
    '"Investment of Rp 1.500.000.000.000 and USD 2500000000 gave 35% growth."\n'
    "2025-03-01 13:00:00,Grace Tanoto,grace.tanoto@example.com,Academia,Philippines,"
    '"A grace period for customs rules; Tanoto suggests PhilSys 1234-5678-9012 pilots.",'
    '"Thai ID 1-2345-67890-12-3 and CCCD 001089012345 were given as examples."\n'
    "2025-03-01 14:00:00,Nguyen Thi Lanhuong,lanhuong[@]mt.gov.vn,Government,Viet Nam,"
    '"Cross-border e-commerce. Lanhuong can be reached at +84 24 3825 1234.",'
    '"Brunei IC 01-234567 and NRC 12/OuKaMa(N)123456 were the examples we used."\n'
)
# A name column whose header says nothing: found by its values.
FIELD = (
    "Q1,Q2,Q3\n"
    "Sokha Chan,Cambodia,Sokha wants cheaper cross-border payments for small traders.\n"
    "Vilayphone Keomany,Lao PDR,Cold storage near the border would help our farmers a lot.\n"
    "Aung Kyaw Moe,Myanmar,Power cuts stop our factory twice a week in the dry season.\n"
    "Hla Hla Win,Myanmar,Training for women entrepreneurs in digital marketing is needed.\n"
    "Ahmad Fauzi,Malaysia,Harmonised halal certification across the region would save costs.\n"
)
NOTES = (
    "Country: Indonesia\n"
    "Facilitator: Siti Nurhaliza Rahman\n"
    "Attendees: Budi Rahardjo; Agus Wibowo (Kemenhub)\n\n"
    "# Breakout with Budi Rahardjo\n\n"
    "- Port fees are too high in Tanjung Priok, said Pak Budi Rahardjo.\n"
    "- Agus Wibowo (HP 8123 4567) wants one portal; email agus at pu dot go dot id or "
    "budi.rahardjo@kemenhub.go.id.\n"
    "- Bu Ratna Lestari from the ministry phoned 0812-3456-7890 about visas.\n"
    "- Write to ratna.lestari at kemlu.go.id or info [at] asean-youth [dot] org to follow up.\n"
    "- Siti Nurhaliza Rahman closed the session; the next meeting is in Vientiane.\n"
    "- My name is Hendra Gunawan, reach me on 9123 4567 or write to yusuf at bkpm.go.id.\n"
    "- More information at asean.org and www.asean.org, as usual.\n"
)
NOTES_NAMED = (
    "# Focus group, Cebu City\n\n"
    "- Maria Clara Reyes hosted; farmers want cold storage near Cebu.\n"
    "- Reyes said power costs are high for small mills.\n"
)
INTERVIEW = (
    "Moderator: Thank you for joining us, Khun Somsak.\n"
    "Somsak Chaiyaporn: Rail links from Khon Kaen to Vientiane matter most. "
    "Email me at somsak\uff20example.co.th.\n"
    "Moderator: Anything else?\n"
    "Somsak Chaiyaporn: Faster visas for students, please.\n"
)
THAI = (
    "ผู้ดำเนินรายการ: ยินดีต้อนรับทุกท่านค่ะ\n"
    "สมชาย วงศ์สกุล: ถนนในขอนแก่นต้องได้รับการปรับปรุงโดยเร็ว\n"
    "สมหญิง ศรีสุข: เห็นด้วยกับคุณสมชาย โทร 081-234-5678\n"
    "ผู้ดำเนินรายการ: ขอบคุณค่ะ\n"
)
HEARING = (
    "Chair (Hon. Anan Wongsuwan): Good morning. We begin with the member for Khon Kaen.\n"
    "Marisol Dimaculangan (Khon Kaen 3, Democrat Party): Roads in Khon Kaen and Udon Thani need "
    "repair; Democrat Party members agree.\n"
    "Nguyen Thi Lanhuong: I agree with Tran Thi Maiphuong, who wrote to the committee.\n"
    "Người điều phối: Cảm ơn. Ms Dimaculangan, anything else?\n"
    "Marisol Dimaculangan (Khon Kaen 3, Democrat Party): Ask Mr Wongsuwan about Vientiane.\n"
)
MANIFEST = (
    "file,country,stakeholder_group,event,date\n"
    'surveys/national-survey.csv,Lao PDR,Government,"National consultation, Vientiane",2025-03-01\n'
    'workshops/notes-jakarta.md,Indonesia,Civil society,"Consultation at Wisma Dewi, Jakarta",'
    "2025-03-02\n"
    "transcripts/interview-with-somsak-chaiyaporn.txt,Thailand,Youth,"
    '"Interview, call +66 81 234 5678",2025-03-03\n'
    "transcripts/th-hearing.txt,Thailand,Private sector,"
    '"Public hearing; write to hearing.secretariat@example.go.th",2025-03-04\n'
    'transcripts/hearing-bkk.txt,Thailand,Government,"National consultation, Bangkok",2025-03-05\n'
    'workshops/Notes_Maria_Clara_Reyes.md,Philippines,Academia,"Regional workshop, Cebu City",'
    "2025-03-06\n"
)

# What a reviewer must never see (compared case-insensitively).
# fmt: off
PLANTED_NAMES = [
    "Khamphone", "Sisavath", "Kartika", "Rizal", "Mahendra", "Tanoto", "Lanhuong", "Somsak",
    "Chaiyaporn", "Wongsuwan", "Dimaculangan", "Budi Rahardjo", "Rahardjo", "Agus Wibowo",
    "Wibowo", "Nurhaliza", "Ratna", "Lestari", "Maria Clara", "Reyes", "Sokha", "Vilayphone",
    "Keomany", "Aung Kyaw Moe", "Hla Hla Win", "Ahmad Fauzi", "Fauzi", "Hendra", "Gunawan",
    "Siti Nurhaliza", "Marisol", "Anan Wongsuwan", "Nguyen Thi Lanhuong", "Dewi Kartika Sari",
    "Khamphone Sisavath", "Somsak Chaiyaporn",
    "สมชาย", "วงศ์สกุล", "สมหญิง", "ศรีสุข",
]
# fmt: on
# fmt: off
PLANTED_EMAILS = [
    "khamphone(at)", "mpwt(dot)", "bappenas", "lanhuong[@]", "mt.gov.vn", "kemenhub",
    "example.co.th", "\uff20", "pu dot go", "kemlu", "asean-youth", "hearing.secretariat",
    "grace.tanoto", "dewi{at}", "bkpm",
]
# fmt: on
# fmt: off
PLANTED_NUMBERS = [
    "3201 2345 6789 0001", "850101-14-5678", "S7654321Z", "1-2345-67890-12-3", "1234-5678-9012",
    "001089012345", "01-234567", "12/OuKaMa(N)123456", "OuKaMa", "020 5512 3456", "5512 3456",
    "+84 24 3825 1234", "3825 1234", "0812-3456-7890", "3456-7890", "081-234-5678",
    "+66 81 234 5678", "234 5678", "8123 4567", "9123 4567",
]
# fmt: on
PLANTED = PLANTED_NAMES + PLANTED_EMAILS + PLANTED_NUMBERS

# What must stay exactly as written somewhere in the passages.
# fmt: off
KEEP_TEXT = [
    "Khon Kaen", "Udon Thani", "Democrat Party", "Tran Thi Maiphuong", "ASEAN 2025", "2020-2025",
    "Rp 1.500.000.000.000", "USD 2500000000", "35% growth", "A grace period", "Tanjung Priok",
    "Cebu", "Vientiane", "National single window", "ขอนแก่น", "Cảm ơn.",
    "More information at asean.org and www.asean.org, as usual.",
]
# fmt: on
# file -> event as the manifest gave it (contact details replaced, nothing else)
KEEP_EVENTS = {
    "surveys/national-survey.csv": "National consultation, Vientiane",
    "workshops/notes-jakarta.md": "Consultation at Wisma Dewi, Jakarta",
    "transcripts/interview-with-[name 1].txt": "Interview, call [phone]",
    "transcripts/th-hearing.txt": "Public hearing; write to [email]",
    "transcripts/hearing-bkk.txt": "National consultation, Bangkok",
    "workshops/Notes_[name 2].md": "Regional workshop, Cebu City",
}


def make_round(root: Path, name: str = "planted-privacy") -> Path:
    rd = root / name
    for sub in ("surveys", "transcripts", "workshops"):
        (rd / sub).mkdir(parents=True)
    (rd / "surveys" / "national-survey.csv").write_text(SURVEY, encoding="utf-8")
    (rd / "surveys" / "field.csv").write_text(FIELD, encoding="utf-8")
    (rd / "workshops" / "notes-jakarta.md").write_text(NOTES, encoding="utf-8")
    (rd / "workshops" / "Notes_Maria_Clara_Reyes.md").write_text(NOTES_NAMED, encoding="utf-8")
    (rd / "transcripts" / "interview-with-somsak-chaiyaporn.txt").write_text(
        INTERVIEW, encoding="utf-8"
    )
    (rd / "transcripts" / "th-hearing.txt").write_text(THAI, encoding="utf-8")
    (rd / "transcripts" / "hearing-bkk.txt").write_text(HEARING, encoding="utf-8")
    (rd / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    return rd


def leaks(text: str) -> list[str]:
    low = text.casefold()
    return [p for p in PLANTED if p.casefold() in low]
