"""
The sandbox's demo world: regions on an organisation tree, units with administrators,
learners of every rank, courses with the credit block, and some history.

Every person here is fictional.  ID numbers are built, not collected: a real
prefecture's region code, a birth date and a sequence number from the 99x block, and
the GB 11643 check character computed by the plugin's own :mod:`identity` module, so
they pass validation and belong to no one we know.

Loading is idempotent: everything is found by a natural key (user name, node code,
course key, usage key, and ledger evidence references) before it is created, so
``load_demo_data`` can run on every start.
"""
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "demo1234"
#: The initial password of the demo learners who have never signed in (``{"initial_password": True}``):
#: the sandbox's stand-in for a password issued by the unit, which they must change first.
DEMO_INITIAL_PASSWORD = "Chushi2027"


def fictional_id_number(region_code, birth, sequence):
    """An 18-character ID number with a valid check character (fictional person)."""
    from cadre_policy_plugin.identity import id_check_char

    first17 = f"{region_code}{birth}{sequence:03d}"
    assert len(first17) == 17, first17
    return first17 + id_check_char(first17)


# ------------------------------------------------------------------ organisation tree
# (code, name, kind, parent code, policy key, region key)
ORG_TREE = (
    ("FJ", "福建省", "province", None, "fujian-2017", "fujian"),
    ("FJ-FZ", "福州市", "city", "FJ", "", ""),
    ("FJ-FZ-GL", "福州市鼓楼区人民政府办公室", "unit", "FJ-FZ", "", ""),
    ("AH", "安徽省", "province", None, "anhui-2019", "anhui"),
    ("AH-HF", "合肥市", "city", "AH", "", ""),
    ("AH-HF-LY", "合肥市庐阳区", "county", "AH-HF", "", ""),
    ("AH-HF-LY-FGW", "庐阳区发展和改革委员会", "unit", "AH-HF-LY", "", ""),
    ("AH-HF-LY-JYJ", "庐阳区教育体育局", "unit", "AH-HF-LY", "", ""),
    ("HN", "湖南省", "province", None, "", "hunan"),
    ("HN-LD", "娄底市", "city", "HN", "loudi", "loudi"),
    ("HN-LD-CZJ", "娄底市财政局", "unit", "HN-LD", "", ""),
    ("NM", "内蒙古自治区", "province", None, "nei-mongol-2016", "nei-mongol"),
    ("NM-HH", "呼和浩特市", "city", "NM", "", ""),
    ("NM-HH-MZJ", "呼和浩特市民政局", "unit", "NM-HH", "", ""),
)

# Region codes of real prefectures/districts (the rest of each number is made up).
REGION_CODES = {"FJ": "350102", "AH": "340103", "HN": "431302", "NM": "150102"}

# ------------------------------------------------------------------ people
# username, real name, rank, unit code, birth date, sequence, role text, extra flags
LEARNERS = (
    ("learner_county", "林演示", "county", "AH-HF-LY-FGW", "19800312", 991, _("Anhui, county level: the e2e learner"), {}),
    ("learner_bureau", "周样例", "bureau", "AH-HF-LY-FGW", "19700705", 992, _("Anhui, bureau level"), {}),
    ("learner_veteran", "吴示范", "county", "AH-HF-LY-JYJ", "19781120", 993,
     _("Anhui, met last year's quota and holds the annual certificate"), {"history": "met_last_year"}),
    ("learner_section", "郑虚拟", "section", "FJ-FZ-GL", "19850101", 994,
     _("Fujian, section level, with a revoked entry"), {"history": "revoked"}),
    ("learner_staff", "王假名", "staff", "HN-LD-CZJ", "19900615", 995, _("Loudi, staff level (credits)"), {}),
    ("learner_other", "冯设例", "other", "NM-HH-MZJ", "19880808", 996, _("Inner Mongolia, other rank"), {}),
    ("learner_pending", "陈待审", "staff", "AH-HF-LY-JYJ", "19920202", 997,
     _("Anhui, registration not approved yet (enrolment is refused)"), {"approved": False}),
    ("learner_new_fj", "林初始", "section", "FJ-FZ-GL", "19870409", 981,
     _("Fujian, never signed in: ID number or mobile number and the initial password, changed first"),
     {"initial_password": True}),
    ("learner_new_nm", "苏初始", "staff", "NM-HH-MZJ", "19910910", 982,
     _("Inner Mongolia, never signed in: mobile number or ID number and the initial password, changed first"),
     {"initial_password": True}),
    ("learner_nm_pending", "赵待审", "staff", "NM-HH-MZJ", "19930303", 998,
     _("Inner Mongolia, registration waiting for the unit's approval"), {"approved": False}),
    ("learner_nm_new", "钱新员", "section", "NM-HH-MZJ", "19940404", 999,
     _("Inner Mongolia, registration waiting for the unit's approval"), {"approved": False}),
)

# username, real name, administered node codes, description, superuser
ADMINISTRATORS = (
    ("admin_fgw", "许管理", ("AH-HF-LY-FGW",), _("Administrator of the Luyang development and reform commission"), False),
    ("admin_luyang", "何管理", ("AH-HF-LY",), _("Administrator of Luyang district (both units below it)"), False),
    ("admin_fz", "黄管理", ("FJ-FZ",), _("Administrator of Fuzhou"), False),
    ("admin_loudi", "曾管理", ("HN-LD",), _("Administrator of Loudi"), False),
    ("admin_nm", "韩管理", ("NM",), _("Administrator of Inner Mongolia (unit console, no platform staff rights)"),
     False),
    ("academy", "学院管理员", (), _("Academy staff: Django admin, all units (superuser)"), True),
)


def demo_mobile(sequence):
    """The fictional mobile number of a demo learner (199 block, none of them real)."""
    return f"1990000{sequence:04d}"


def demo_id_number(unit_code, birth, sequence):
    return fictional_id_number(REGION_CODES[unit_code.split("-")[0]], birth, sequence)


def account_table():
    """
    Rows for the sign-in page and docs/sandbox.md.  The learners who hold an initial
    password are listed with their (fictional) ID number and mobile number, which they
    sign in with: the sandbox's only place where a whole ID number is shown, because it
    belongs to no one.
    """
    rows = []
    for username, _name, _rank, unit, birth, sequence, description, flags in LEARNERS:
        row = {"username": username, "description": description}
        if flags.get("initial_password"):
            row.update(id_number=demo_id_number(unit, birth, sequence), mobile=demo_mobile(sequence),
                       password=DEMO_INITIAL_PASSWORD)
        rows.append(row)
    rows += [{"username": u, "description": d} for u, _n, _nodes, d, _su in ADMINISTRATORS]
    return rows


# ------------------------------------------------------------------ courses
# The author's content questions (随堂弹题) of the digital-government lecture, in the
# format of the block's Studio editor (cadre_credits_xblock/questions.py); the loader
# parses them as Studio's save does.  The other lectures have none: their checks show
# the fallback picture of a number.
SZZF201_QUESTIONS = """
? 本讲提出，数字政府建设首先要坚持什么理念？
+ 以人民为中心
- 以技术为中心
- 以部门为中心
- 以项目为中心

? 本讲中，政务服务“一网通办”的基础是什么？
+ 数据共享
- 重复填报
- 多头跑腿
- 线下排队

?? 本讲列举的数据安全要求有哪些？（多选）
+ 分级分类保护
+ 最小必要授权
- 明文外发数据
- 长期保留全部数据
"""

# Each course: key, name, description, credit spec, blocks.  A block is a credit block
# (``cadre_credits``) with its media fields, or the sandbox's exam (``sandbox_quiz``).
# ``fast`` values replace the normal ones under SANDBOX_DEMO_FAST (short lecture for
# the browser test); the verification rules stay the real ones either way.
COURSES = (
    {
        "key": "course-v1:CadreAcademy+SZZF201+2026",
        "name": "数字政府建设（选修）",
        "description": "一讲视频课程，讲座中随机出现随堂弹题（专注度确认）。完成后计入选修学时。",
        "spec": {"category": "elective", "hours": "1.5", "topic": "knowledge", "lecturer": "沈演示（虚构讲师）"},
        "blocks": (
            {
                "slug": "lecture-1",
                "type": "cadre_credits",
                "fields": {"display_name": "第一讲：数字政府概述", "media_kind": "video",
                           "video_url": "/media/lecture-120s.webm", "duration_seconds": 120,
                           "checks_required": 2, "questions": SZZF201_QUESTIONS},
                "fast": {"video_url": "/media/lecture-20s.webm", "duration_seconds": 20,
                         "checks_required": 1},
            },
        ),
    },
    {
        "key": "course-v1:CadreAcademy+YFXZ101+2026",
        "name": "依法行政专题（必修）",
        "description": "视频讲座加结业考试；必修学时需考试合格后计入（安徽办法第十条）。",
        "spec": {"category": "required", "hours": "2", "topic": "competence", "exam_required": True,
                 "lecturer": "钱示例（虚构讲师）"},
        "blocks": (
            {
                "slug": "lecture-1",
                "type": "cadre_credits",
                "fields": {"display_name": "第一讲：依法行政的基本要求", "media_kind": "video",
                           "video_url": "/media/lecture-120s.webm", "duration_seconds": 120,
                           "checks_required": 2},
                "fast": {"video_url": "/media/lecture-20s.webm", "duration_seconds": 20,
                         "checks_required": 1},
            },
            {
                "slug": "exam",
                "type": "sandbox_quiz",
                "fields": {
                    "display_name": "结业考试",
                    "questions": [
                        {"text": "行政机关实施行政管理，应当依照什么进行？",
                         "options": ["法律、法规、规章的规定", "领导的口头指示", "以往的惯例"], "answer": 0},
                        {"text": "作出影响当事人权益的决定前，应当如何？",
                         "options": ["直接作出决定", "听取当事人的陈述和申辩", "只通知上级机关"], "answer": 1},
                    ],
                },
            },
        ),
    },
    {
        "key": "course-v1:CadreAcademy+GWXZ301+2026",
        "name": "公文写作规范（选修·阅读）",
        "description": "阅读材料，设最短阅读时间与专注度确认。",
        "spec": {"category": "elective", "hours": "1", "topic": "competence", "lecturer": "孙样本（虚构讲师）"},
        "blocks": (
            {
                "slug": "reading-1",
                "type": "cadre_credits",
                "fields": {
                    "display_name": "阅读：公文的格式要素",
                    "media_kind": "reading",
                    "reading_text": (
                        "公文一般由份号、密级和保密期限、紧急程度、发文机关标志、发文字号、签发人、标题、"
                        "主送机关、正文、附件说明、发文机关署名、成文日期、印章、附注、附件等组成。\n\n"
                        "标题应当准确简要地概括公文的主要内容；正文应当观点明确、表述准确、结构严谨、"
                        "条理清楚、直述不曲、字词规范、标点正确、篇幅简短。\n\n"
                        "（演示材料，仅供沙箱使用。）"
                    ),
                    "duration_seconds": 90,
                    "checks_required": 1,
                },
                "fast": {"duration_seconds": 20},
            },
        ),
    },
)

# ------------------------------------------------------------------ history
# (username, slug, entry kwargs for api.add_entry, entered by, revoke reason or None).
# Dates are relative to the sandbox's today (SANDBOX_NOW or the real one): "last-MM-DD" is
# that day of last year, "current-MM-DD" that day of this year but never after today.
HISTORY = (
    ("learner_veteran", "last-required", {"source": "online_course", "category": "required", "hours": "30",
                                          "exam_passed": True, "earned_on": "last-04-15"}, "admin_luyang", None),
    ("learner_veteran", "last-special", {"source": "special_course", "category": "elective", "hours": "24",
                                         "earned_on": "last-06-20"}, "admin_luyang", None),
    # Anhui's December belongs to no academic year (Art. 9): on record, counted for nothing, and why.
    ("learner_county", "last-december-live", {"source": "live_class", "category": "elective", "hours": "2",
                                              "earned_on": "last-12-10"}, "admin_fgw", None),
    ("learner_veteran", "current-live", {"source": "live_class", "category": "elective", "hours": "4",
                                         "earned_on": "current-03-10"}, "admin_luyang", None),
    ("learner_bureau", "current-required", {"source": "online_course", "category": "required", "hours": "12",
                                            "exam_passed": True, "earned_on": "current-05-06"}, "admin_fgw", None),
    ("learner_section", "current-live", {"source": "live_class", "category": "elective", "hours": "3",
                                         "earned_on": "current-03-02"}, "admin_fz",
     "演示：同一场直播被重复录入，撤销此条"),
    ("learner_section", "current-required", {"source": "online_course", "category": "required", "hours": "8",
                                             "earned_on": "current-04-11"}, "admin_fz", None),
    ("learner_staff", "current-course", {"source": "online_course", "category": "elective", "minutes": "135",
                                         "earned_on": "current-06-01"}, "admin_loudi", None),
    ("learner_other", "current-group", {"source": "group_study", "hours": "6",
                                        "earned_on": "current-05-20"}, "admin_nm", None),
)
