"""National-consultation material in Member States' languages, for the bundled sample round.

Hand-written, not composed: workshop notes in Bahasa Indonesia (Jakarta) and Vietnamese (Can Tho),
a Thai-language transcript (Khon Kaen), and field-survey answers in Indonesian, Vietnamese, Thai,
Filipino and Khmer. Every text is about the connectivity plan's topics (corridors, customs and
logistics, digital payments, energy interconnection, mobility, tourism and skills, standards,
resilient infrastructure, MSMEs), so tagging and themes can be judged across languages. A few
passages mix English into another language, as people do; a few answers are very short.
Speakers are fictional and written in Latin script with an English role, like the other
transcripts of the sample round. Header keys of the notes stay in English (the secretariat's
template); their values are in the language of the meeting.
"""

from __future__ import annotations

# ---- Indonesia: national consultation, Jakarta (Markdown notes) ---------------------------------
JAKARTA_META = [
    "Country: Indonesia",
    "Date: 2024-08-08",
    "Stakeholders: Pemerintah, sektor swasta, UMKM, masyarakat sipil, akademisi, pemuda",
    "Event: Konsultasi Nasional, Jakarta",
]
# fmt: off
JAKARTA_BLOCKS: list[tuple[str, str]] = [
    ("h1", "Sesi 1: Capaian MPAC 2025 dan tantangan yang tersisa"),
    ("h2", "Kelompok diskusi A: Logistik, kepabeanan dan fasilitasi perdagangan"),
    ("h3", "Apa yang sudah berjalan baik?"),
    ("bullet", "Pertukaran e-Form D melalui ASEAN Single Window sudah berjalan, sehingga eksportir "
               "tidak perlu lagi mengirim dokumen asli ke negara tujuan."),
    ("h3", "Apa hambatan utamanya?"),
    ("bullet", "Biaya logistik domestik Indonesia masih termasuk yang tertinggi di kawasan, dan waktu "
               "tunggu kapal di Tanjung Priok meningkat pada musim puncak."),
    ("bullet", "Pengiriman dari Indonesia bagian timur ke Singapura hampir selalu harus transit di "
               "Surabaya atau Jakarta karena rute pelayaran langsung sangat terbatas."),
    ("para", "Peserta dari asosiasi UMKM menyampaikan bahwa persyaratan karantina untuk produk "
             "perikanan berbeda di setiap pelabuhan, sehingga pelaku usaha kecil sulit memenuhi "
             "syarat ekspor."),
    ("h2", "Kelompok diskusi B: Ekonomi digital dan pembayaran lintas batas"),
    ("h3", "Apa yang sudah berjalan baik?"),
    ("bullet", "QRIS antarnegara dengan Thailand, Malaysia dan Singapura sudah bisa dipakai wisatawan, "
               "dan pedagang kecil di Bali merasakan manfaatnya secara langsung."),
    ("h3", "Apa yang perlu dilakukan rencana baru?"),
    ("bullet", "Konektivitas pembayaran QR harus diperluas ke semua negara anggota ASEAN, dan biaya "
               "pengiriman uang bagi pekerja migran perlu diturunkan."),
    ("bullet", "Aturan pelindungan data pribadi perlu diselaraskan, karena perusahaan rintisan kita "
               "harus memenuhi aturan yang berbeda di setiap negara."),
    ("bullet", "Untuk UMKM, proses onboarding ke marketplace regional masih terlalu rumit. We need one "
               "simple guideline for cross-border selling, bukan sepuluh aturan yang berbeda-beda."),
    ("h1", "Sesi 2: Prioritas untuk rencana konektivitas berikutnya"),
    ("h2", "Kelompok diskusi A: Energi dan infrastruktur berkelanjutan"),
    ("h3", "Apa hambatan utamanya?"),
    ("bullet", "Interkoneksi listrik antara Kalimantan Barat dan Sarawak sudah beroperasi, tetapi "
               "kapasitasnya kecil dan belum ada kerangka perdagangan listrik multilateral."),
    ("bullet", "Banyak proyek infrastruktur daerah berhenti di tahap studi kelayakan karena pemerintah "
               "daerah tidak memiliki tenaga ahli untuk menyiapkan proyek yang layak dibiayai."),
    ("h3", "Apa yang perlu dilakukan rencana baru?"),
    ("bullet", "Pembangunan Jaringan Listrik ASEAN (ASEAN Power Grid) harus dipercepat agar listrik dari "
               "energi terbarukan dapat disalurkan antarnegara."),
    ("bullet", "Pelabuhan dan jalan di wilayah pesisir harus dirancang tahan terhadap kenaikan muka air "
               "laut dan banjir rob."),
    ("h2", "Kelompok diskusi B: Mobilitas orang, pariwisata dan keterampilan"),
    ("h3", "Apa yang sudah berjalan baik?"),
    ("bullet", "Bebas visa kunjungan singkat antarnegara ASEAN sangat membantu pariwisata, apalagi sejak "
               "ada penerbangan langsung dari Medan dan Makassar ke negara tetangga."),
    ("h3", "Apa yang perlu dilakukan rencana baru?"),
    ("bullet", "Pengakuan bersama atas sertifikat keterampilan vokasi masih lambat, sehingga lulusan SMK "
               "yang bekerja di Malaysia sering harus mengulang pelatihan."),
    ("bullet", "Program pertukaran pelajar dan magang lintas negara harus terjangkau bagi mahasiswa dari "
               "daerah, bukan hanya dari kota besar."),
    ("para", "Secara umum, peserta sepakat bahwa rencana berikutnya sebaiknya memuat lebih sedikit "
             "target, tetapi dengan indikator yang jelas dan laporan kemajuan tahunan yang terbuka "
             "untuk publik."),
]
# fmt: on

# ---- Viet Nam: national workshop, Can Tho (DOCX notes) -------------------------------------------
CAN_THO_META = [
    "Country: Viet Nam",
    "Date: 2024-08-15",
    "Stakeholders: Cơ quan nhà nước, doanh nghiệp, hợp tác xã, tổ chức xã hội, viện nghiên cứu",
    "Event: Hội thảo tham vấn quốc gia, Cần Thơ",
]
# fmt: off
CAN_THO_BLOCKS: list[tuple[str, str]] = [
    ("h1", "Phiên 1: Logistics và thương mại ở Đồng bằng sông Cửu Long"),
    ("h2", "Nhóm thảo luận 1: Vận tải, logistics và thủ tục hải quan"),
    ("h3", "Những rào cản chính là gì?"),
    ("bullet", "Chi phí logistics ở Đồng bằng sông Cửu Long rất cao vì phần lớn hàng hóa phải chở bằng "
               "xe tải lên Thành phố Hồ Chí Minh rồi mới xuất khẩu qua cảng Cái Mép."),
    ("bullet", "Các hợp tác xã trái cây thiếu kho lạnh, nên nhiều nông sản bị hư hỏng trước khi đến cảng."),
    ("bullet", "Thủ tục kiểm dịch thực vật tại các cửa khẩu với Campuchia vẫn còn làm thủ công và mất "
               "nhiều thời gian."),
    ("h3", "Kế hoạch mới cần làm gì?"),
    ("bullet", "Kế hoạch cần ưu tiên vận tải thủy nội địa và kết nối các cảng sông với các tuyến vận tải "
               "biển quốc tế."),
    ("bullet", "Giấy chứng nhận xuất xứ điện tử và Cơ chế một cửa ASEAN cần được áp dụng cho tất cả các "
               "mặt hàng nông sản."),
    ("h2", "Nhóm thảo luận 2: Kinh tế số và thanh toán xuyên biên giới"),
    ("h3", "Điều gì đang hoạt động tốt?"),
    ("bullet", "Thanh toán bằng mã QR giữa Việt Nam và Thái Lan đã giúp khách du lịch và tiểu thương "
               "thuận tiện hơn nhiều."),
    ("h3", "Kế hoạch mới cần làm gì?"),
    ("bullet", "Doanh nghiệp nhỏ và vừa cần được hỗ trợ để bán hàng trên các sàn thương mại điện tử trong "
               "khu vực, nhất là về thủ tục thuế và đổi trả hàng."),
    ("para", "Đại diện Hội Liên hiệp Phụ nữ cho rằng phụ nữ ở nông thôn cần được đào tạo kỹ năng số để "
             "không bị bỏ lại phía sau."),
    ("h1", "Phiên 2: Năng lượng, khí hậu và kết nối con người"),
    ("h2", "Nhóm thảo luận 1: Năng lượng và hạ tầng bền vững"),
    ("h3", "Những rào cản chính là gì?"),
    ("bullet", "Nước biển dâng và sụt lún đất đang đe dọa đường giao thông và cầu cống ở các tỉnh ven biển."),
    ("bullet", "Mua bán điện với Lào và Campuchia vẫn chủ yếu theo từng hợp đồng song phương, chưa có thị "
               "trường điện khu vực."),
    ("h3", "Kế hoạch mới cần làm gì?"),
    ("bullet", "Cần đẩy nhanh kết nối lưới điện ASEAN để tăng tỷ trọng năng lượng tái tạo như điện gió "
               "và điện mặt trời."),
    ("bullet", "Các dự án hạ tầng nên được đánh giá theo chi phí vòng đời, không chỉ theo chi phí xây dựng "
               "ban đầu."),
    ("h2", "Nhóm thảo luận 2: Du lịch, giáo dục và di chuyển lao động"),
    ("h3", "Những rào cản chính là gì?"),
    ("bullet", "Sinh viên muốn thực tập ở các nước ASEAN khác vẫn gặp khó khăn về thị thực và công nhận "
               "tín chỉ."),
    ("h3", "Kế hoạch mới cần làm gì?"),
    ("bullet", "Nên mở tuyến tàu du lịch đường sông nối Cần Thơ với Phnôm Pênh và đơn giản hóa thủ tục "
               "xuất nhập cảnh cho du khách."),
]
# fmt: on

# ---- Thailand: national consultation, Khon Kaen session (Thai transcript, .txt) -----------------
KHON_KAEN_HEADER = [
    "Event: National Consultation, Thailand (Khon Kaen session)",
    "Country: Thailand",
    "Date: 2024-09-03",
]
KHON_KAEN_MODERATOR = "Pimchanok Boonmee (Moderator)"
# (speaker, text); the moderator's turns are facilitator turns
# fmt: off
KHON_KAEN_TURNS: list[tuple[str, str]] = [
    (KHON_KAEN_MODERATOR,
     "สวัสดีค่ะ ยินดีต้อนรับทุกท่านสู่การรับฟังความคิดเห็นต่อร่างแผนยุทธศาสตร์ความเชื่อมโยงอาเซียน "
     "ขอความกรุณาแต่ละท่านพูดให้กระชับ เพื่อให้ทุกคนได้มีโอกาสแสดงความคิดเห็นค่ะ"),
    ("Somchai Wongsakul",
     "ขอบคุณครับ ผมมาจากสมาคมผู้ประกอบการขนส่งทางบก ปัญหาหลักของเราคือรถบรรทุกต้องรอที่ด่านสะพานมิตรภาพไทย–ลาว "
     "หนองคาย นานหลายชั่วโมง เพราะเอกสารศุลกากรยังต้องตรวจซ้ำทั้งสองฝั่ง อยากให้แผนใหม่ผลักดันการตรวจร่วม "
     "ณ จุดเดียว หรือ Single Stop Inspection ให้เกิดขึ้นจริงครับ"),
    ("Malee Chaiyaporn",
     "ดิฉันทำธุรกิจผ้าไหมและขายออนไลน์ค่ะ ตอนนี้ลูกค้าจากลาวและกัมพูชาจ่ายเงินผ่านคิวอาร์โค้ดข้ามประเทศได้แล้ว "
     "ซึ่งดีมาก แต่ค่าธรรมเนียมยังสูงและเงินเข้าบัญชีช้า อยากให้แผนช่วยลดค่าธรรมเนียมการชำระเงินข้ามพรมแดน"
     "สำหรับผู้ประกอบการรายย่อยค่ะ"),
    (KHON_KAEN_MODERATOR, "ขอบคุณค่ะ มีท่านใดอยากเสริมเรื่องการเชื่อมโยงทางดิจิทัลบ้างคะ"),
    ("Anan Rattanakorn",
     "ครับ ในพื้นที่ชนบทของภาคอีสาน อินเทอร์เน็ตยังช้าและไม่เสถียร เกษตรกรกับวิสาหกิจชุมชนจึงใช้แพลตฟอร์ม"
     "ออนไลน์ได้ไม่เต็มที่ แผนควรลงทุนโครงข่ายบรอดแบนด์ในชนบทควบคู่กับการฝึกทักษะดิจิทัลครับ"),
    ("Suda Kittisak",
     "ในมุมของพลังงาน ประเทศไทยรับซื้อไฟฟ้าจากเขื่อนในลาวมานานแล้ว แต่การซื้อขายไฟฟ้าหลายประเทศ เช่น "
     "โครงการลาว–ไทย–มาเลเซีย–สิงคโปร์ ยังติดเรื่องกฎระเบียบและค่าบริการสายส่ง โครงข่ายไฟฟ้าอาเซียนควรมี"
     "กติกากลางที่ชัดเจนและให้ความสำคัญกับพลังงานหมุนเวียนค่ะ"),
    ("Thanawat Srisuk",
     "ผมขอพูดเรื่องการท่องเที่ยวครับ ตั้งแต่เปิดรถไฟลาว–จีน นักท่องเที่ยวข้ามไปเวียงจันทน์และหลวงพระบางมากขึ้น "
     "แต่การเดินทางต่อจากหนองคายยังไม่สะดวก อยากให้มีตั๋วร่วมและด่านตรวจคนเข้าเมืองที่รวดเร็วกว่านี้ครับ"),
    (KHON_KAEN_MODERATOR,
     "ขอบคุณค่ะ เรามีเวลาอีกประมาณสิบนาที มีความเห็นเรื่องแรงงานและการพัฒนาทักษะไหมคะ"),
    ("Malee Chaiyaporn",
     "แรงงานจากลาวและกัมพูชาที่ทำงานในโรงงานแถวนี้ยังไม่มีระบบรับรองฝีมือที่ใช้ได้ทั่วภูมิภาค "
     "อยากให้มีการยอมรับคุณวุฒิร่วมกันสำหรับงานช่างด้วยค่ะ"),
    ("Somchai Wongsakul", "เห็นด้วยครับ"),
    ("Anan Rattanakorn",
     "อีกเรื่องคือถนนและสะพานในพื้นที่ที่น้ำท่วมบ่อย โครงการโครงสร้างพื้นฐานใหม่ควรออกแบบให้รับมือกับภัยพิบัติ"
     "และการเปลี่ยนแปลงสภาพภูมิอากาศได้ ไม่ใช่สร้างเสร็จแล้วเสียหายทุกฤดูฝนครับ"),
    ("Suda Kittisak",
     "หน่วยงานรัฐหลายแห่งยังทำงานแยกกัน ข้อมูลโครงการไม่เชื่อมโยงกัน แผนใหม่ควรมีตัวชี้วัดที่ชัดเจน"
     "และรายงานความคืบหน้าต่อสาธารณะทุกปีค่ะ"),
    (KHON_KAEN_MODERATOR,
     "ขอบคุณทุกท่านค่ะ ฝ่ายเลขานุการจะสรุปประเด็นจากการประชุมวันนี้และส่งให้ทุกท่านทางอีเมลค่ะ"),
]
# fmt: on

# ---- KoboToolbox field survey: some respondents answer in their national language ----------------
# iso3 -> one (top_priority, main_challenge, other_comments) triple per respondent, used in order
# for that country's respondents; an answer replaces only an answer that is a passage (blank and
# non-answers stay as they are).
KOBO_NATIONAL: dict[str, list[tuple[str, str, str]]] = {
    "IDN": [
        (
            "Menurunkan biaya logistik antarpulau dan mempercepat proses kepabeanan di pelabuhan utama.",
            "Ongkos kirim dari Makassar ke luar negeri mahal sekali karena kapal harus transit dulu di "
            "Surabaya atau Jakarta.",
            "Tarif internet terlalu mahal.",
        ),
        (
            "Sistem pembayaran QR yang terhubung di semua negara ASEAN, supaya UMKM bisa menerima "
            "pembayaran dari wisatawan asing tanpa biaya tinggi.",
            "Sertifikasi halal dan standar produk berbeda di tiap negara, jadi kami harus menguji produk "
            "yang sama berkali-kali.",
            "Tolong konsultasi seperti ini juga diadakan di luar Jawa, supaya suara daerah ikut didengar.",
        ),
    ],
    "VNM": [
        (
            "Ưu tiên hàng đầu là giảm thời gian thông quan tại các cửa khẩu biên giới, nhất là với Trung "
            "Quốc và Campuchia.",
            "Internet ở vùng núi phía Bắc còn yếu, nên các hợp tác xã khó bán hàng trực tuyến.",
            "Cần thêm kho lạnh.",
        ),
        (
            "Kế hoạch nên hỗ trợ đào tạo nghề và công nhận kỹ năng lẫn nhau để lao động trẻ có thể làm "
            "việc ở các nước ASEAN khác.",
            "Phí chuyển tiền về nước của người lao động di cư vẫn còn quá cao.",
            "Mong ASEAN sớm có lưới điện chung để sử dụng nhiều năng lượng tái tạo hơn.",
        ),
    ],
    "THA": [
        (
            "อยากให้เร่งสร้างทางรถไฟเชื่อมไทย–ลาว–จีนให้เสร็จ เพื่อให้ขนส่งสินค้าเกษตรได้เร็วขึ้นและถูกลง",
            "ค่าขนส่งสินค้าข้ามแดนแพงมาก และขั้นตอนที่ด่านศุลกากรยังใช้เอกสารกระดาษเป็นส่วนใหญ่",
            "ลดค่าธรรมเนียมโอนเงิน",
        ),
        (
            "ควรพัฒนาทักษะดิจิทัลให้ผู้ประกอบการรายย่อยและชุมชนท่องเที่ยว เพื่อให้ขายสินค้าและบริการออนไลน์ได้",
            "กฎระเบียบและมาตรฐานสินค้าของแต่ละประเทศไม่เหมือนกัน ทำให้ SME ไทยส่งออกได้ยาก",
            "อยากเห็นการเดินทางข้ามแดนด้วยรถไฟที่สะดวกขึ้นสำหรับนักท่องเที่ยว",
        ),
    ],
    "PHL": [
        (
            "Dapat unahin ang mas murang pamasahe at mas maraming direktang biyahe sa pagitan ng mga isla "
            "at ng mga kalapit-bansa sa ASEAN.",
            "Ang mahal ng fees sa cross-border e-payments. Tuwing nagpapadala ng pera ang mga kamag-anak "
            "naming OFW mula sa Singapore, malaking bahagi ang napupunta lang sa charges.",
            "Mabagal at mahal ang internet sa mga probinsya, kaya nahihirapan ang maliliit na negosyo na "
            "magbenta online.",
        ),
    ],
    "KHM": [
        (
            "គួរផ្តល់អាទិភាពដល់ការតភ្ជាប់ផ្លូវគោក និងផ្លូវដែក រវាងកម្ពុជា និងប្រទេសជិតខាង ដើម្បីកាត់បន្ថយថ្លៃដឹកជញ្ជូនទំនិញ។",
            "នីតិវិធីគយនៅច្រកព្រំដែនប៉ោយប៉ែតនៅតែយឺត ហើយអ្នកជំនួញខ្នាតតូចត្រូវចំណាយប្រាក់ក្រៅផ្លូវការ។",
            "សូមពង្រីកការទូទាត់តាមកូដ QR រវាងប្រទេសអាស៊ាន។",
        ),
    ],
}
KOBO_LANGUAGE = {"IDN": "id", "VNM": "vi", "THA": "th", "PHL": "tl", "KHM": "km"}
