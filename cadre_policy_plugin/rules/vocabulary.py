"""
The fixed vocabulary of the rules: sources, categories, ranks, reasons, ratings.

These strings are part of the public contract (``cadre-hours evaluate`` output, the
REST API, the registry payload), so they are spelled once here and never translated;
``LABELS`` gives what a person reads.
"""

ONLINE_COURSE = "online_course"
LIVE_CLASS = "live_class"
SPECIAL_COURSE = "special_course"
EXAM_BONUS = "exam_bonus"
OFFLINE_TRAINING = "offline_training"
GROUP_STUDY = "group_study"
SELF_STUDY = "self_study"
LECTURING = "lecturing"
ADJUSTMENT = "adjustment"

SOURCES = (
    ONLINE_COURSE,
    LIVE_CLASS,
    SPECIAL_COURSE,
    EXAM_BONUS,
    OFFLINE_TRAINING,
    GROUP_STUDY,
    SELF_STUDY,
    LECTURING,
    ADJUSTMENT,
)

REQUIRED = "required"
ELECTIVE = "elective"
CATEGORIES = (REQUIRED, ELECTIVE)

BUREAU = "bureau"
COUNTY = "county"
SECTION = "section"
STAFF = "staff"
OTHER = "other"
RANKS = (BUREAU, COUNTY, SECTION, STAFF, OTHER)

# Why an entry does not count toward the year (exact strings of the public contract).
OUTSIDE_ACADEMIC_YEAR = "outside_academic_year"
STATISTICS_PERIOD = "statistics_period"
BEFORE_REGISTRATION = "before_registration"
EXAM_NOT_PASSED = "exam_not_passed"
ABSENCE_OVER_LIMIT = "absence_over_limit"
SOURCE_NOT_COUNTED = "source_not_counted"
EXCLUSION_REASONS = (
    OUTSIDE_ACADEMIC_YEAR,
    STATISTICS_PERIOD,
    BEFORE_REGISTRATION,
    EXAM_NOT_PASSED,
    ABSENCE_OVER_LIMIT,
    SOURCE_NOT_COUNTED,
)

EXCELLENT = "excellent"
COMPETENT = "competent"
BASICALLY_COMPETENT = "basically_competent"
INCOMPETENT = "incompetent"
RATINGS = (EXCELLENT, COMPETENT, BASICALLY_COMPETENT, INCOMPETENT)

HOURS = "hours"
CREDITS = "credits"
UNITS = (HOURS, CREDITS)

# Human labels, Chinese first.  Kept here (not in a .po file) because the pure engine and
# the command line run without Django's translation machinery.
LABELS = {
    ONLINE_COURSE: {"zh-Hans": "网络课程", "en": "Online course"},
    LIVE_CLASS: {"zh-Hans": "直播课堂", "en": "Live class"},
    SPECIAL_COURSE: {"zh-Hans": "专题班/特殊课程", "en": "Special course"},
    EXAM_BONUS: {"zh-Hans": "考试奖励学分", "en": "Exam bonus"},
    OFFLINE_TRAINING: {"zh-Hans": "脱产培训", "en": "Off-job training"},
    GROUP_STUDY: {"zh-Hans": "中心组学习", "en": "Central-group study"},
    SELF_STUDY: {"zh-Hans": "在职自学", "en": "Self-study"},
    LECTURING: {"zh-Hans": "上讲台授课", "en": "Lecturing"},
    ADJUSTMENT: {"zh-Hans": "管理员补录/更正", "en": "Administrator adjustment"},
    REQUIRED: {"zh-Hans": "必修", "en": "Required"},
    ELECTIVE: {"zh-Hans": "选修", "en": "Elective"},
    BUREAU: {"zh-Hans": "厅局级", "en": "Bureau level"},
    COUNTY: {"zh-Hans": "县处级", "en": "County/division level"},
    SECTION: {"zh-Hans": "科级", "en": "Section level"},
    STAFF: {"zh-Hans": "科级以下", "en": "Below section level"},
    OTHER: {"zh-Hans": "其他人员", "en": "Other"},
    OUTSIDE_ACADEMIC_YEAR: {"zh-Hans": "不在本学年内", "en": "Outside the academic year"},
    STATISTICS_PERIOD: {"zh-Hans": "年度统计期内不计学时", "en": "In the statistics period"},
    BEFORE_REGISTRATION: {"zh-Hans": "早于注册日期", "en": "Before registration"},
    EXAM_NOT_PASSED: {"zh-Hans": "必修课考试未通过", "en": "Exam not passed"},
    ABSENCE_OVER_LIMIT: {"zh-Hans": "请假超过规定学时的1/7，按退学处理", "en": "Absence over the limit"},
    SOURCE_NOT_COUNTED: {"zh-Hans": "本政策不认定此类学时", "en": "Source not counted by this policy"},
    EXCELLENT: {"zh-Hans": "优秀", "en": "Excellent"},
    COMPETENT: {"zh-Hans": "称职", "en": "Competent"},
    BASICALLY_COMPETENT: {"zh-Hans": "基本称职", "en": "Basically competent"},
    INCOMPETENT: {"zh-Hans": "不称职", "en": "Incompetent"},
    HOURS: {"zh-Hans": "学时", "en": "hours"},
    CREDITS: {"zh-Hans": "学分", "en": "credits"},
}


def label(term, language="zh-Hans"):
    """What a person reads for ``term``; falls back to the term itself."""
    return LABELS.get(term, {}).get(language) or LABELS.get(term, {}).get("en") or term
