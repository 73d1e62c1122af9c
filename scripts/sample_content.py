"""Content bank for the bundled sample round and the synthetic benchmark rounds.

Stakeholder input about ASEAN connectivity is composed from many small, hand-written phrases
(openers, problems, asks, positives, concrete specifics, reasons) so that passages read like real
answers and are rarely near-copies. Three themes (disaster displacement, informal and gig workers,
Mekong water sharing) are ones the connectivity plan covers poorly: they are there so that
"emerging" themes can be found. Every person, e-mail address and phone number is fictional.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# ---- places and people --------------------------------------------------------------------------
# iso3, canonical name, other spellings seen in exports
# fmt: off
COUNTRIES: list[tuple[str, str, list[str]]] = [
    ("BRN", "Brunei Darussalam", ["Brunei"]),
    ("KHM", "Cambodia", ["Kingdom of Cambodia"]),
    ("IDN", "Indonesia", ["Republic of Indonesia"]),
    ("LAO", "Lao PDR", ["Laos", "Lao People's Democratic Republic"]),
    ("MYS", "Malaysia", []),
    ("MMR", "Myanmar", []),
    ("PHL", "Philippines", ["the Philippines"]),
    ("SGP", "Singapore", []),
    ("THA", "Thailand", []),
    ("VNM", "Viet Nam", ["Vietnam"]),
]
# fmt: on
COUNTRY_NAME = {iso: name for iso, name, _ in COUNTRIES}
ISO3 = [iso for iso, _, _ in COUNTRIES]

# fmt: off
CITIES: dict[str, list[str]] = {
    "BRN": ["Bandar Seri Begawan", "Kuala Belait", "Tutong"],
    "KHM": ["Phnom Penh", "Siem Reap", "Sihanoukville", "Battambang", "Poipet"],
    "IDN": ["Jakarta", "Surabaya", "Makassar", "Medan", "Balikpapan", "Semarang"],
    "LAO": ["Vientiane", "Luang Prabang", "Savannakhet", "Pakse", "Boten"],
    "MYS": ["Kuala Lumpur", "Penang", "Johor Bahru", "Kuching", "Kota Kinabalu"],
    "MMR": ["Yangon", "Mandalay", "Myawaddy", "Muse", "Naypyitaw"],
    "PHL": ["Manila", "Cebu", "Davao", "Iloilo", "Cagayan de Oro", "Tacloban"],
    "SGP": ["Singapore"],
    "THA": ["Bangkok", "Chiang Mai", "Khon Kaen", "Hat Yai", "Chonburi", "Mae Sot"],
    "VNM": ["Hanoi", "Ho Chi Minh City", "Da Nang", "Hai Phong", "Can Tho", "Lao Cai"],
}
# fmt: on

# Fictional given and family names by country, for export name columns and transcript speakers.
# fmt: off
NAMES: dict[str, tuple[list[str], list[str]]] = {
    "BRN": (["Nur Izzati", "Awang Hamid", "Siti Aminah", "Mohd Rizal", "Hajah Noraini"],
            ["Matusin", "Abdul Rahman", "Haji Ahmad", "Jaludin"]),
    "KHM": (["Sokha", "Dara", "Vanna", "Sophea", "Rithy", "Chanthou", "Bopha"],
            ["Chea", "Sok", "Meas", "Keo", "Heng", "Phan"]),
    "IDN": (["Dewi", "Budi", "Arif", "Siti", "Rina", "Agus", "Putri", "Wahyu"],
            ["Santoso", "Hidayat", "Rahmawati", "Pratama", "Wibowo", "Lestari", "Nugroho"]),
    "LAO": (["Bounmy", "Phonesavanh", "Keo", "Noy", "Somphone", "Vilay", "Khamla"],
            ["Phommachanh", "Vongsa", "Sayavong", "Inthavong", "Keomany", "Souvanna"]),
    "MYS": (["Ahmad", "Farah", "Hafiz", "Aisyah", "Wei Ling", "Rajesh", "Nurul", "Kavitha"],
            ["Abdullah", "Yusof", "Ibrahim", "Tan", "Lim", "Ramasamy", "Hassan"]),
    "MMR": (["Aung", "Khin", "Mya", "Thida", "Zaw", "Hnin", "Kyaw"],
            ["Tun", "Win", "Oo", "Soe", "Naing", "Htun", "Aye"]),
    "PHL": (["Maria", "Jose", "Ana", "Paolo", "Liza", "Ramon", "Carmela", "Miguel"],
            ["Reyes", "Dela Cruz", "Bautista", "Villanueva", "Aquino", "Mendoza", "Santos"]),
    "SGP": (["Wei Ling", "Daniel", "Priya", "Jun Hao", "Nur Aisyah", "Marcus"],
            ["Tan", "Lim", "Ong", "Ng", "Goh", "Pillai"]),
    "THA": (["Somchai", "Kanya", "Malee", "Anan", "Pimchanok", "Thanawat", "Suda"],
            ["Wongsakul", "Srisuk", "Kittisak", "Chaiyaporn", "Boonmee", "Rattanakorn"]),
    "VNM": (["Minh", "Lan", "Tuan", "Huong", "Kiet", "Thu", "Quang", "Mai"],
            ["Nguyen", "Tran", "Pham", "Le", "Do", "Hoang", "Vu"]),
}
# fmt: on

# stakeholder group key -> labels as different survey tools would word the choice
GROUPS: dict[str, list[str]] = {
    "government": ["Government", "Government agency", "National government / ministry"],
    "private": ["Private sector", "Business / private sector", "Private company"],
    "msme": ["MSME", "Micro, small or medium enterprise", "Small business (MSME)"],
    "civil": ["Civil society", "Civil society organisation / NGO", "NGO"],
    "academia": ["Academia", "University / research institute", "Academia and think tanks"],
    "youth": ["Youth", "Youth organisation", "Student / youth"],
    "partner": [
        "Development partner",
        "International organisation / development partner",
        "Dialogue or development partner",
    ],
}
GROUP_KEYS = list(GROUPS)
GROUP_PHRASE = {
    "government": "government agencies",
    "private": "the private sector",
    "msme": "small businesses",
    "civil": "civil society",
    "academia": "academia",
    "youth": "youth groups",
    "partner": "development partners",
}
GROUP_WEIGHTS = [18, 17, 14, 16, 13, 12, 10]

NON_ANSWERS = ["N/A", "-", "No comment", "n/a", "None", "Nothing to add", "no comments", "NA", "."]


# ---- themes -------------------------------------------------------------------------------------
@dataclass
class Theme:
    key: str
    label: str
    short: str  # noun phrase used inside offers ("we can help with {short}")
    problems: list[str]
    needs: list[str]
    positives: list[str]
    specifics: list[str]
    places: list[str] = field(default_factory=list)
    emerging: bool = False


# fmt: off
THEMES: list[Theme] = [
    Theme(
        "infrastructure", "Sustainable infrastructure", "sustainable infrastructure projects",
        problems=[
            "too many projects in the infrastructure pipeline stall at the feasibility stage",
            "the road link to {place} has been promised for a decade and is still unfinished",
            "cross-border power trade is limited because national grids are not synchronised",
            "maintenance budgets are an afterthought, so new roads in {country} degrade within a few years",
            "rural provinces still wait for all-weather roads while the capitals get new expressways",
            "land acquisition disputes delay almost every large transport project we follow",
        ],
        needs=[
            "the plan should finish the missing links of the ASEAN Power Grid before adding new targets",
            "ASEAN needs a transparent pipeline of bankable infrastructure projects with clear timelines",
            "life-cycle costing should be mandatory so that we stop building assets we cannot maintain",
            "priority should go to the secondary roads and bridges that connect farmers to markets",
            "the next plan must include renewable interconnectors, not only highways",
            "infrastructure productivity benchmarks should be published for every Member State",
        ],
        positives=[
            "the Initial Pipeline of ASEAN Infrastructure Projects gave investors a useful starting list",
            "the new bridge near {place} has cut travel time for traders by more than half",
            "the Framework for Improving ASEAN Infrastructure Productivity helped our ministry rank projects",
        ],
        specifics=[
            "In {city}, the ring road has been under construction for six years.",
            "The interconnector between {country} and its neighbours carries far less power than it could.",
            "A single flooded bridge near {place} can isolate a whole district for weeks.",
            "Our provincial office has three approved feasibility studies and no funding to build any of them.",
            "Solar-powered substations in remote districts would cost less than new diesel plants.",
        ],
        places=["the Thai-Lao border", "Savannakhet", "the Lower Mekong delta", "northern Luzon",
                "East Kalimantan", "the Sabah interior", "the Shan State highlands", "Battambang"],
    ),
    Theme(
        "urban", "Smart and sustainable urban development", "smart city planning",
        problems=[
            "traffic congestion in {city} costs commuters two to three hours every day",
            "smart city projects are often pilots that end when the donor money ends",
            "secondary cities have almost no staff to plan or run digital services",
            "solid waste collection has not kept up with the growth of {city}",
            "informal settlements are left out of most smart city master plans",
        ],
        needs=[
            "the ASEAN Smart Cities Network should open to secondary and border towns, not only capitals",
            "cities need a shared procurement toolkit so they do not each buy expensive platforms alone",
            "urban mobility plans must put buses, walking and cycling ahead of private cars",
            "the plan should fund city-to-city exchanges on flood-resilient urban design",
            "smart city indicators should measure whether poorer residents actually benefit",
        ],
        positives=[
            "the ASEAN Sustainable Urbanisation Strategy gave our municipality a practical checklist",
            "joining the ASEAN Smart Cities Network helped {city} attract technical assistance",
            "the smart city investment toolkit explained financing options our council had never heard of",
        ],
        specifics=[
            "{city} now has a bus rapid transit line, but feeder services are missing.",
            "Our city tested sensor-based street lighting and cut its electricity bill noticeably.",
            "Only a handful of the 31 network cities publish open data on their projects.",
            "Waste pickers in {city} are not consulted when new recycling schemes are designed.",
        ],
        places=["the capital region", "the metropolitan area", "secondary cities"],
    ),
    Theme(
        "digital", "Digital innovation and data", "digital connectivity and data governance",
        problems=[
            "cross-border QR payments still fail for many small merchants in {country}",
            "data localisation rules make it costly to serve customers in more than one Member State",
            "rural broadband in {country} is too slow for online banking or telehealth",
            "cyber attacks on small firms and local governments are rising and rarely reported",
            "every country has its own e-signature rules, so digital contracts are not recognised across borders",
            "fees on regional remittances and card payments remain far higher than domestic ones",
        ],
        needs=[
            "the plan should make the Digital Economy Framework Agreement (DEFA) work for small businesses, not only platforms",
            "ASEAN needs interoperable digital IDs and e-signatures that are recognised in every Member State",
            "the plan should set a common approach to cross-border data flows with clear privacy safeguards",
            "a regional cybersecurity incident response network for small firms and municipalities is overdue",
            "real-time payment links between all ten Member States should be a headline target",
            "digital public infrastructure should be built on open standards so that countries can reuse it",
        ],
        positives=[
            "linking QR payment systems between {country} and its neighbours has helped tourists and traders",
            "the ASEAN Data Management Framework gave our company a clear starting point for compliance",
            "online business registration has cut the time to start a company in {country}",
        ],
        specifics=[
            "A coffee exporter in {city} told us she waits five days for a cross-border payment to clear.",
            "Our members lost several contracts because their e-invoices were not accepted abroad.",
            "Only a small share of villages in our province have stable 4G coverage.",
            "Last year a ransomware attack shut down the permit system of {city} for two weeks.",
            "Mobile wallets are common in {country}, but they rarely work across the border.",
        ],
        places=["the border provinces", "the outer islands"],
    ),
    Theme(
        "logistics", "Seamless logistics and supply chains", "trade facilitation and logistics",
        problems=[
            "trucks still queue for up to two days at the {place} crossing",
            "the ASEAN Single Window does not yet cover all the documents our exporters need",
            "port congestion at {place} adds costs that small exporters cannot absorb",
            "rail freight between Member States is almost non-existent outside a few corridors",
            "customs officers at different posts interpret the same rules differently",
            "cold-chain capacity is too small, so much of our fruit spoils before it reaches the port",
        ],
        needs=[
            "the plan should make paperless trade and electronic certificates of origin the default everywhere",
            "ASEAN should agree on one transit regime so that a truck sealed in one country crosses the region without reloading",
            "investments should go to dry ports and rail links that move freight off congested roads",
            "supply chain resilience needs early warning on shortages and shared stockpiles of critical goods",
            "border posts need joint inspections and longer opening hours",
            "the plan should set measurable targets for clearance times at the main border crossings",
        ],
        positives=[
            "the ASEAN Single Window has cut the paperwork for our shipments noticeably",
            "the Laos-China railway has opened new routes for exporters in the north",
            "the Framework on ASEAN Supply Chain Efficiency and Resilience gives a good structure for this work",
        ],
        specifics=[
            "A container from {city} to a neighbouring capital can take longer than a shipment to Europe.",
            "Our cooperative pays informal fees at almost every checkpoint on the way to {place}.",
            "Electronic certificates of origin cut clearance time for our members from days to hours.",
            "During the pandemic, seafarers were stranded and our shipments were stuck for months.",
            "The new dry port near {city} is underused because the access road was never finished.",
        ],
        places=["Bavet-Moc Bai", "Poipet-Aranyaprathet", "Mae Sot-Myawaddy", "Laem Chabang",
                "Port Klang", "Cai Mep", "Tanjung Priok", "Manila South Harbor", "Lao Cai-Hekou"],
    ),
    Theme(
        "regulatory", "Regulatory excellence and standards", "standards and regulatory cooperation",
        problems=[
            "non-tariff barriers such as duplicate testing still block our products in neighbouring markets",
            "each Member State asks for its own product certification, so we pay for the same test several times",
            "regulations change without notice, and small firms find out only at the border",
            "mutual recognition arrangements exist on paper but few regulators apply them in practice",
            "licensing for logistics and professional services differs widely across Member States",
        ],
        needs=[
            "the plan should commit to eliminating a concrete list of non-tariff measures each year",
            "ASEAN needs a single online portal where every trade regulation is published in English",
            "good regulatory practice, including public consultation on new rules, should be mandatory",
            "mutual recognition of conformity assessment should be extended to electrical goods and food",
            "regulators need a standing forum to resolve complaints from traders quickly",
        ],
        positives=[
            "the ASEAN Trade Repository has made tariff information easier to find",
            "harmonised cosmetics rules have made it simpler to sell in several Member States",
            "the ASEAN Solutions for Investments, Services and Trade (ASSIST) platform resolved one of our complaints",
            "the mutual recognition arrangement for engineering services has helped a few of our firms bid abroad",
        ],
        specifics=[
            "One of our members needed seven separate permits to export processed food to {country}.",
            "Testing the same electrical appliance in three countries costs a small firm more than its annual profit.",
            "A new labelling rule in {country} was announced two weeks before it took effect.",
            "The solutions mechanism for trade complaints answered our case after eleven months.",
        ],
    ),
    Theme(
        "people", "People mobility, skills and tourism", "people-to-people mobility",
        problems=[
            "visa rules for business travellers and researchers are still unpredictable",
            "professional qualifications are rarely recognised, so engineers and nurses cannot work across borders",
            "students from {country} find few affordable exchange programmes within ASEAN",
            "tourism recovery is uneven and small destinations receive very few regional visitors",
            "vocational graduates lack the digital and green skills that employers now ask for",
        ],
        needs=[
            "the plan should create an ASEAN business travel card that all Member States accept",
            "credit transfer between universities should be automatic for regional exchange students",
            "ASEAN should expand TVET mobility programmes and recognise vocational certificates regionally",
            "tourism connectivity needs more direct flights between secondary cities",
            "a regional skills passport would help workers prove what they can do",
        ],
        positives=[
            "the ASEAN-ROK TVET Mobility Programme gave our instructors valuable exposure abroad",
            "visa exemptions for ASEAN nationals have made regional tourism much easier",
            "student exchanges with universities in {country} have built lasting research links",
        ],
        specifics=[
            "Our nursing graduates must repeat exams before they can practise in {country}.",
            "There is no direct flight from {city} to most other ASEAN capitals.",
            "Only a few of our students can afford a semester abroad, even within the region.",
            "Homestay operators near {place} want training in languages and online booking.",
        ],
        places=["Luang Prabang", "Siem Reap", "Bagan", "Palawan", "Lake Toba", "Hoi An"],
    ),
    Theme(
        "financing", "Financing connectivity", "innovative financing",
        problems=[
            "private investors see too much risk in cross-border projects and stay away",
            "green bond markets are small and the issuance costs are high for first-time issuers",
            "public-private partnership laws differ so much that regional projects are hard to structure",
            "local governments cannot borrow for infrastructure even when a project would pay for itself",
            "development finance is fragmented across many small, uncoordinated grants",
        ],
        needs=[
            "the plan should support blended finance facilities that absorb early-stage project risk",
            "ASEAN should help Member States issue green and sustainability bonds with common standards",
            "a regional project preparation facility would turn ideas into bankable projects",
            "public-private partnership frameworks should be aligned so investors face similar rules",
            "multilateral development banks should co-finance a short list of flagship regional projects",
        ],
        positives=[
            "the ASEAN Green Bond Standards have given issuers and investors a shared reference",
            "the ASEAN Infrastructure Fund has helped bring more lenders to the table",
            "a blended finance facility helped our province close the funding gap for a solar project",
            "development banks now offer more local-currency loans, which reduces the risk for toll roads",
        ],
        specifics=[
            "Our port upgrade needed four years to reach financial close.",
            "A municipal green bond in {city} was oversubscribed, which shows the demand is there.",
            "Feasibility studies alone can cost several million dollars, which small economies cannot fund.",
            "Currency risk makes foreign loans expensive for toll roads that earn only local currency.",
        ],
    ),
    Theme(
        "capacity", "Capacity building and development gap", "capacity building",
        problems=[
            "staff turnover in line ministries means trained officials leave before projects are complete",
            "the less developed Member States have too few engineers and lawyers to prepare complex projects",
            "training courses are often one-off workshops with no follow-up",
            "local officials in {country} rarely get access to regional training at all",
        ],
        needs=[
            "capacity building should be tied to real projects, with coaching over several years",
            "the plan should build a regional pool of project preparation experts that countries can call on",
            "digital skills training for civil servants should be a core part of the plan",
            "narrowing the development gap should remain a cross-cutting goal with its own budget",
            "peer learning between ministries of different Member States works better than lectures",
        ],
        positives=[
            "the Initiative for ASEAN Integration has helped our officials take part in regional work",
            "secondments to the ASEAN Secretariat gave our staff skills they still use",
            "a regional coaching programme helped our ministry prepare its first bankable project",
        ],
        specifics=[
            "In our ministry, only two people can review a public-private partnership contract.",
            "Our district engineers learned to use drones for road surveys after a three-month course.",
            "Most training materials are only available in English, which limits who can use them.",
        ],
    ),
    Theme(
        "resilience", "Climate and disaster resilience", "climate resilience",
        problems=[
            "floods in {city} regularly cut road and rail links for days",
            "new infrastructure is rarely designed for the climate risks of the next thirty years",
            "heatwaves are already disrupting outdoor work and power supply in {country}",
            "rising sea levels threaten ports and coastal roads across the region",
        ],
        needs=[
            "every connectivity project should pass a climate risk screening before approval",
            "the plan should prioritise low-carbon transport such as electric buses and rail",
            "ASEAN needs shared standards for climate-resilient roads, bridges and ports",
            "disaster-preparedness plans should cover supply chains and not only emergency relief",
            "green infrastructure such as mangroves should count as part of coastal protection",
        ],
        positives=[
            "the AHA Centre has improved how quickly relief supplies move across borders",
            "our city's early warning system reduced flood losses last season",
            "climate risk screening of new roads has started in {country} and is already changing designs",
        ],
        specifics=[
            "The typhoon last year closed the main port near {city} for nine days.",
            "Electric buses introduced in {city} have cut diesel use on two busy routes.",
            "Mangrove restoration along our coast protects the road better than a new sea wall.",
            "Landslides block the mountain highway to {place} almost every rainy season.",
        ],
        places=["the northern provinces", "the central highlands", "the coastal districts"],
    ),
    Theme(
        "inclusion", "Inclusiveness, MSMEs and gender", "inclusive connectivity for MSMEs",
        problems=[
            "small enterprises cannot afford the certifications that large buyers demand",
            "women entrepreneurs in {country} have less access to credit and to trade information",
            "persons with disabilities are left out of most transport and digital designs",
            "rural producers see few benefits from connectivity projects that bypass their villages",
            "MSMEs do not know which regional programmes exist or how to apply",
        ],
        needs=[
            "the plan should measure how many MSMEs, women and rural people benefit from each initiative",
            "a one-stop help desk for MSMEs that want to export within ASEAN would make a real difference",
            "public transport and digital services should follow universal design standards",
            "connectivity projects should include local sourcing and jobs for nearby communities",
            "trade finance and e-commerce training should reach women-led businesses first",
        ],
        positives=[
            "the ASEAN Access portal helped some of our members find buyers abroad",
            "e-commerce training for small producers in {city} led to their first export orders",
            "a women-led cooperative in {city} now exports directly thanks to a regional trade fair",
        ],
        specifics=[
            "A weaving cooperative near {city} sells abroad only through middlemen who keep most of the margin.",
            "Fewer than one in five of our members has ever used a regional trade programme.",
            "The new train station in {city} has no ramp or lift.",
            "Women traders at the {place} market cross the border every day without any legal protection.",
        ],
        places=["Mae Sot", "Poipet", "Lao Cai", "Tawau", "Zamboanga"],
    ),
    Theme(
        "coordination", "Coordination, monitoring and stakeholder engagement", "coordination and monitoring",
        problems=[
            "national agencies responsible for connectivity rarely share data with each other",
            "there is no public dashboard showing which measures of MPAC 2025 were actually delivered",
            "coordination between the three ASEAN Community Pillars is weak on connectivity issues",
            "local governments and civil society are consulted late, when decisions are already made",
            "the plan overlaps with subregional frameworks like BIMP-EAGA and IMT-GT without clear roles",
        ],
        needs=[
            "the plan needs a small set of outcome indicators with annual public reporting",
            "each Member State should name one national coordinator with the mandate to convene ministries",
            "stakeholder consultations should continue during implementation, not only during drafting",
            "the plan should map how it works with ACMECS, BIMP-EAGA and IMT-GT to avoid duplication",
            "a mid-term review with independent evaluators would keep the plan honest",
        ],
        positives=[
            "this consultation is a welcome step and we hope it becomes a regular practice",
            "the national connectivity focal point in {country} has improved coordination over the last years",
            "the MPAC 2025 mid-term review was useful, even if few stakeholders knew about it",
        ],
        specifics=[
            "Our association has never been invited to a national connectivity meeting in {country}.",
            "Reports on the previous plan were hard to find and written only for officials.",
            "Three ministries in {country} run separate logistics databases that do not match.",
        ],
    ),
    # ---- themes the plan covers poorly: expected to surface as emerging -----------------------
    Theme(
        "displacement", "Disaster displacement and climate migration", "people displaced by disasters",
        problems=[
            "families displaced by typhoons and floods often cross borders with no documents at all",
            "people displaced by disasters in {country} lose access to schools and health care for months",
            "there is no regional arrangement for people who move because their land is lost to the sea",
            "climate migrants end up in informal settlements on the edge of {city} without any services",
            "displaced fishing communities cannot prove their identity or their property after a storm",
        ],
        needs=[
            "the plan should recognise disaster displacement and climate migration as a connectivity issue",
            "ASEAN should agree on temporary protection and portable documents for people displaced across borders",
            "evacuation corridors and shelters should be planned together with regional transport networks",
            "portable social protection should follow displaced families wherever they resettle",
            "relocation programmes must consult the communities that are being moved",
        ],
        positives=[
            "community-led relocation after the last typhoon in {place} showed what good planning looks like",
            "local governments that kept digital civil registries could reissue documents to displaced families within days",
        ],
        specifics=[
            "After the floods, hundreds of families from {place} moved to {city} and are still in temporary shelters.",
            "Children displaced by the storm missed almost a full school year.",
            "Coastal villages near {city} have already moved inland twice in one generation.",
            "Displaced families were turned away at the border because they had lost their identity cards.",
        ],
        places=["Tacloban", "the Ayeyarwady delta", "the Mekong delta", "Central Sulawesi",
                "the Rakhine coast", "Eastern Samar"],
        emerging=True,
    ),
    Theme(
        "gig", "Informal sector and platform workers", "informal and gig-economy workers",
        problems=[
            "delivery riders and ride-hailing drivers in {city} have no social security or accident insurance",
            "informal workers are invisible in the connectivity statistics even though they move most small goods",
            "platform companies operate across the region but their workers have no cross-border rights",
            "street vendors lose their livelihoods when new transport hubs are built without them",
            "online freelancers in {country} are paid through platforms that charge high fees and offer no protection",
        ],
        needs=[
            "the plan should include minimum protections for platform and gig-economy workers across ASEAN",
            "social insurance schemes should be portable for informal and migrant workers",
            "digital labour platforms should share data with governments so that workers can be protected",
            "informal traders should be given space and licences in new markets and transport terminals",
            "skills programmes should reach informal workers and not only people in formal jobs",
        ],
        positives=[
            "a pilot in {country} that enrolled delivery riders in accident insurance worked well",
            "a riders' association in {city} negotiated basic insurance with two delivery platforms",
        ],
        specifics=[
            "Most of the riders we surveyed in {city} work more than ten hours a day without sick pay.",
            "A motorbike accident can push a rider's whole family into debt.",
            "Informal cross-border porters at {place} carry goods worth millions but have no legal status.",
            "Freelancers in our network wait weeks for payments from clients in other Member States.",
        ],
        places=["Mae Sot", "Poipet", "Padang Besar", "Moc Bai", "the Johor causeway"],
        emerging=True,
    ),
    Theme(
        "mekong", "Mekong water sharing and river ecosystems", "Mekong water governance",
        problems=[
            "new hydropower dams upstream are changing river flows and fish stocks in {country}",
            "sediment no longer reaches the delta, so farmland is sinking and turning salty",
            "fishing communities along the Mekong have seen their catch fall sharply",
            "data on dam operations is not shared in time for farmers to prepare for sudden water changes",
            "river navigation projects are planned without assessing the impact on fisheries",
        ],
        needs=[
            "the plan should address transboundary water sharing and not treat rivers only as transport routes",
            "ASEAN should support timely sharing of dam operation data with all Mekong countries",
            "environmental and social impact assessments of river projects must be transboundary",
            "the Mekong River Commission should be linked more closely to ASEAN connectivity planning",
            "affected fishing and farming communities need a voice in decisions on dams and river works",
        ],
        positives=[
            "the Mekong River Commission's data portal has improved, but few farmers know about it",
            "community fish conservation zones along the river near {place} have helped stocks recover a little",
        ],
        specifics=[
            "Farmers near {place} saw salt water reach their rice fields earlier than ever this year.",
            "Fish catches near Tonle Sap have fallen to a fraction of what they were a generation ago.",
            "Sudden water releases from a dam upstream washed away fishing gear near {place}.",
            "The river at {place} was so low last dry season that cargo boats could not pass.",
        ],
        places=["Can Tho", "Stung Treng", "Kratie", "Pakse", "Chiang Saen", "the Tonle Sap",
                "Ben Tre", "Don Sahong"],
        emerging=True,
    ),
]
# fmt: on
THEME_BY_KEY = {t.key: t for t in THEMES}

# Which themes each stakeholder group tends to raise (extra weight on top of a flat base).
GROUP_BIAS: dict[str, list[str]] = {
    "government": ["infrastructure", "coordination", "regulatory", "logistics", "capacity"],
    "private": ["logistics", "regulatory", "digital", "financing"],
    "msme": ["inclusion", "digital", "logistics", "regulatory", "gig"],
    "civil": ["inclusion", "displacement", "mekong", "gig", "resilience", "coordination"],
    "academia": ["people", "coordination", "capacity", "mekong", "urban"],
    "youth": ["people", "digital", "gig", "resilience", "urban"],
    "partner": [
        "financing",
        "capacity",
        "coordination",
        "resilience",
        "infrastructure",
        "displacement",
    ],
}
# fmt: off
COUNTRY_BIAS: dict[str, list[str]] = {
    "KHM": ["mekong"], "LAO": ["mekong", "infrastructure"], "VNM": ["mekong", "gig"],
    "THA": ["mekong", "gig"], "MMR": ["displacement", "mekong"], "PHL": ["displacement", "gig"],
    "IDN": ["displacement", "gig"], "MYS": ["gig", "digital"], "SGP": ["digital", "financing"],
    "BRN": ["people", "digital"],
}
# fmt: on

# ---- connective tissue ---------------------------------------------------------------------------
OPENERS: dict[str, list[str]] = {
    "need": [
        "In our view,",
        "We strongly believe that",
        "Most importantly,",
        "First and foremost,",
        "From where we stand,",
        "Our members agree that",
        "Above all,",
        "Going forward,",
        "Looking to 2045,",
        "Honestly,",
        "For us the key point is that",
        "My recommendation:",
        "If I had to choose one thing,",
        "As a matter of urgency,",
        "Put simply,",
    ],
    "problem": [
        "The main barrier is that",
        "In practice,",
        "Unfortunately,",
        "The reality on the ground is that",
        "What we see every day is that",
        "One persistent problem is that",
        "Frankly,",
        "Our biggest frustration is that",
        "Too often,",
        "Our survey of members found that",
        "From our experience in the field,",
        "Despite the progress,",
    ],
    "positive": [
        "To be fair,",
        "On the positive side,",
        "It is encouraging that",
        "We appreciate that",
        "Credit where it is due:",
        "One success story is that",
        "We have seen that",
    ],
}
# fmt: off
REASONS: list[str] = [
    "Otherwise the benefits will stay in the capital cities.",
    "Without this, small firms will keep losing out to large companies.",
    "This would save time and money for everyone involved.",
    "Investors and communities both need this kind of predictability.",
    "Otherwise the plan will remain a list of good intentions.",
    "This matters even more for the less developed Member States.",
    "The costs of doing nothing are rising every year.",
    "Young people in particular are waiting for this.",
    "Our neighbours face exactly the same problem.",
    "This is what people on the ground ask us about most.",
    "It would also build trust in ASEAN among ordinary citizens.",
    "Many of these issues were raised in the previous consultation too.",
    "We are ready to share our data to support this.",
    "Please do not let this slip again.",
]
# fmt: on
OFFERS: dict[str, list[str]] = {
    "government": [
        "Our ministry can share lessons on {short} with other Member States.",
        "We are ready to pilot new approaches to {short} in our province.",
    ],
    "private": [
        "Our chamber can convene companies to co-design {short}.",
        "We would co-invest in {short} if the rules were clearer.",
    ],
    "msme": [
        "Our association can help reach small businesses on {short}.",
        "We can test new tools for {short} with our members.",
    ],
    "civil": [
        "Our network can run community consultations on {short}.",
        "We can monitor how {short} affects vulnerable groups.",
    ],
    "academia": [
        "Our university can carry out independent research on {short}.",
        "We can train officials and students on {short}.",
    ],
    "youth": [
        "Young people can volunteer to spread awareness of {short}.",
        "Our youth network can organise dialogues on {short}.",
    ],
    "partner": [
        "We can provide technical assistance on {short}.",
        "Our organisation could co-finance pilots on {short}.",
    ],
}
CAMPAIGN_TEXT = (
    "We call on ASEAN to put the protection of Mekong fishing communities at the centre of the "
    "connectivity plan. No new dam without the consent of affected communities!"
)
EMAIL_DOMAINS = ["example.org", "example.com", "example.net"]


def fake_person(rng: random.Random, iso: str | None = None) -> tuple[str, str]:
    """A fictional full name (in the country's usual order) and an e-mail at a reserved domain."""
    iso = iso or rng.choice(ISO3)
    givens, families = NAMES[iso]
    given, family = rng.choice(givens), rng.choice(families)
    if iso == "VNM":
        name = f"{family} {rng.choice(['Van', 'Thi', 'Minh', 'Duc', 'Thanh'])} {given}"
    else:
        name = f"{given} {family}"
    email = (
        f"{given.split()[-1].lower()}.{family.replace(' ', '').lower()}@{rng.choice(EMAIL_DOMAINS)}"
    )
    return name, email


def fake_phone(rng: random.Random) -> str:
    """A phone number in a fictional 555 range, formatted the way people type them."""
    cc = rng.choice(["+63", "+84", "+66", "+62", "+60", "+855", "+856", "+95", "+65", "+673"])
    fmt = rng.choice(["{cc} {a} 555 {b}", "{cc}-{a}-555-{b}", "({cc}) {a}555{b}"])
    return fmt.format(cc=cc, a=rng.randint(10, 99), b=f"{rng.randint(0, 9999):04d}")


PII_TAILS = [
    "Happy to discuss further: {email}.",
    "You can reach me on {phone} if you need details.",
    "Contact our office at {email} or {phone}.",
    "Please send the draft to {email}.",
]


_PROPER = (
    {w.split()[0] for ws in CITIES.values() for w in ws}
    | {name.split()[0] for _, name, _ in COUNTRIES}
    | {"ASEAN", "Mekong", "Tonle", "MSMEs", "DEFA"}
)


def lower_first(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, leaving acronyms and names alone."""
    first = text.split(" ", 1)[0]
    if first in _PROPER or first[1:2].isupper():
        return text
    return text[0].lower() + text[1:]


class Composer:
    """Composes stakeholder passages from the bank with one seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._uses: dict[str, int] = {}

    def choice(self, bank: list[str]) -> str:
        """Random, but prefers phrases used least so far, so answers in one file rarely repeat."""
        cands = [self.rng.choice(bank) for _ in range(3)]
        best = min(cands, key=lambda c: self._uses.get(c, 0))
        self._uses[best] = self._uses.get(best, 0) + 1
        return best

    def pick_theme(self, group: str, country: str, emerging_boost: float = 1.0) -> Theme:
        weights = []
        for t in THEMES:
            w = 1.0 if not t.emerging else 0.55 * emerging_boost
            if t.key in GROUP_BIAS.get(group, []):
                w += 1.2
            if t.key in COUNTRY_BIAS.get(country, []):
                w += 0.8
            weights.append(w)
        return self.rng.choices(THEMES, weights=weights)[0]

    def _fill(self, template: str, theme: Theme, country: str) -> str:
        rng = self.rng
        city = rng.choice(CITIES[country])
        place = rng.choice(theme.places) if theme.places else city
        name = COUNTRY_NAME[country]
        return template.format(country=name, city=city, place=place, short=theme.short)

    def sentence(self, theme: Theme, kind: str, country: str, opener_p: float = 0.5) -> str:
        """One sentence of `kind` (need/problem/positive/specific) about `theme`."""
        rng = self.rng
        if kind == "specific":
            return self._fill(self.choice(theme.specifics), theme, country)
        bank = {"need": theme.needs, "problem": theme.problems, "positive": theme.positives}[kind]
        clause = self._fill(self.choice(bank), theme, country)
        if rng.random() < opener_p:
            return f"{self.choice(OPENERS[kind])} {clause}."
        return f"{clause[0].upper()}{clause[1:]}."

    def passage(
        self, theme: Theme, kind: str, country: str, group: str, max_sentences: int = 4
    ) -> str:
        """A 1-4 sentence answer led by one `kind` sentence, then specifics, reasons or offers."""
        rng = self.rng
        n = rng.choices([1, 2, 3, 4], weights=[3, 4, 2, 1])[0]
        n = min(n, max_sentences)
        parts = [self.sentence(theme, kind, country)]
        follow = ["specific", "reason", "other", "second_theme", "offer"]
        while len(parts) < n:
            f = rng.choices(follow, weights=[4, 3, 3, 1, 1])[0]
            if f == "specific":
                s = self.sentence(theme, "specific", country)
            elif f == "reason":
                s = self.choice(REASONS)
            elif f == "other":
                other = {"need": "problem", "problem": "need", "positive": "need"}.get(kind, "need")
                s = self.sentence(theme, other, country, opener_p=0.3)
            elif f == "second_theme":
                s = self.sentence(self.pick_theme(group, country), "need", country, opener_p=0.0)
                s = "We would also add that " + lower_first(s)
            else:
                s = self._fill(self.choice(OFFERS[group]), theme, country)
            if s not in parts:
                parts.append(s)
            elif len(parts) >= 1 and rng.random() < 0.5:
                break
        return " ".join(parts)

    def with_pii(self, text: str, iso: str | None = None) -> str:
        """Append a typed contact detail (fictional) so redaction has something to do."""
        name, email = fake_person(self.rng, iso)
        tail = self.rng.choice(PII_TAILS).format(email=email, phone=fake_phone(self.rng))
        return f"{text} {tail}"
