"""
Fill the zh-Hans catalogue from the table below, then compile it.

Why a script: ``makemessages`` rewrites django.po from the source; keeping the Chinese
in one reviewed table means a re-run never loses a translation.  Run from the repo root:

    (cd cadre_policy_plugin && django-admin makemessages -l zh_Hans --ignore "rules/*" \
        --ignore "fonts/*" --ignore "policies/*")
    python cadre_policy_plugin/locale/translate_zh_hans.py
    (cd cadre_policy_plugin && django-admin compilemessages -l zh_Hans)
"""
import os
import re

PO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zh_Hans", "LC_MESSAGES", "django.po")

ZH = {
    # Admin labels (issue 15): every column, filter and field label translated.
    "mobile": "手机号码",
    "by": "操作人",
    "appointed at": "任命时间",
    "modified": "修改时间",
    "usage key": "组件标识",
    "required seconds": "须验证秒数",
    "registered": "登记时间",
    "document id": "文件编号",
    "ID number hash": "身份证号码散列值",
    "mobile number hash": "手机号码散列值",
    "entry id": "记录编号",
    "award key": "授予标识",
    # The learner home, 我的证书, the 学时证明 and the certificate (issue 15).
    "Scan to verify": "扫码验证",
    "Total": "总学时",
    "Required": "必修",
    "Elective": "选修",
    "Online": "网络学习",
    "Statement of Study Hours": "学时证明",
    "%(name)s (%(unit)s) has earned the following %(unit_word)s in academic year %(year)s, as recorded in the "
    "electronic training file on %(date)s.":
        "%(name)s（%(unit)s）%(year)s年度已取得%(unit_word)s如下，以截至%(date)s电子培训档案记载为准。",
    "Requirement": "要求",
    "Needed": "应完成",
    "Earned": "已完成",
    "The year's quota is met.": "已完成本年度学时要求。",
    "The year's quota is not met yet.": "尚未完成本年度学时要求。",
    "This statement is not a completion certificate; it states the hours recorded so far.":
        "本证明不是结业证书，仅证明截至目前记载的学时。",
    "Printed on %(date)s": "打印日期：%(date)s",
    "lecturer": "主讲人",
    "Academic year %(year)s": "%(year)s学年度",
    "%(earned)s / %(needed)s credits": "%(earned)s / %(needed)s 学分",
    "%(earned)s / %(needed)s hours": "%(earned)s / %(needed)s 学时",
    "%(shortfall)s to go": "尚差 %(shortfall)s",
    "Of what counted: %(required)s required, %(elective)s elective.": "已计入部分：必修 %(required)s，选修 %(elective)s。",
    "My certificates": "我的证书",
    "Back to my learning": "返回我的学习",
    "Annual completion certificates": "年度结业证书",
    "Hours": "学时",
    "Certificate": "证书",
    "Download the %(year)s certificate (PDF)": "下载%(year)s年度证书（PDF）",
    "Verify the %(year)s certificate": "验证%(year)s年度证书",
    "Revoked: the year's quota is no longer met.": "已撤销：该年度学时要求已不再满足。",
    "No annual certificate yet: it is issued when a year's quota is met.": "暂无年度结业证书：完成年度学时要求后颁发。",
    "Not met this year's quota yet? Print what you have earned so far:": "尚未完成本年度学时要求？可打印目前已取得的学时：",
    "Statement of hours %(year)s (PDF)": "%(year)s年度学时证明（PDF）",
    "My learning": "我的学习",
    "You have no approved real-name learner profile yet. Ask your unit's training administrator.":
        "您还没有经审核的实名学员档案，请联系本单位培训管理员。",
    "Print a statement of this year's hours (PDF)": "打印本年度学时证明（PDF）",
    "No training policy applies to your unit yet.": "您所在单位尚未适用任何培训学时办法。",
    "Continue learning": "继续学习",
    "last studied %(when)s": "上次学习：%(when)s",
    "Courses": "课程",
    "Filter the courses": "筛选课程",
    "Category": "类别",
    "All": "全部",
    "Topic": "内容类别",
    "Filter": "筛选",
    "Show all": "显示全部",
    "%(shown)s course of %(total)s shown.": "显示 %(shown)s 门课程，共 %(total)s 门。",
    "Courses with what each is worth": "课程及其学时",
    "Course": "课程",
    "Lecturer": "主讲人",
    "Duration": "时长",
    "exam": "需考试",
    "%(minutes)s lecture minutes": "%(minutes)s 分钟讲座",
    "%(minutes)s min": "%(minutes)s 分钟",
    "Completed": "已完成",
    "In progress": "学习中",
    "Not enrolled": "未选课",
    "No course matches these filters.": "没有符合筛选条件的课程。",
    "Annual completion certificate %(year)s": "%(year)s年度结业证书",
    "All my certificates": "全部证书",
    "The code printed on the certificate, e.g. ABCD-EFGH-JKLM; case, spaces and dashes do not matter.":
        "证书上印的验证码，如 ABCD-EFGH-JKLM；不区分大小写，空格和连字符可有可无。",
    # The calendar: where today stands, said before the learner studies (services/calendar.py).
    "%(days)s day left": "剩余%(days)s天",
    "%(days)s days left": "剩余%(days)s天",
    "Hours you earn today count for academic year %(year)s.": "今天获得的学时计入%(year)s学年。",
    "The academic year ends on %(end)s (%(days)s).": "本学年于%(end)s结束（%(days)s）。",
    "A make-up period follows until %(makeup_end)s for learners who have not finished.":
        "未完成学习任务的学员可在%(makeup_end)s前补学补考。",
    "From %(start)s to %(finish)s is the statistics period: nothing earned then counts.":
        "%(start)s至%(finish)s为年度统计期，期间学习不计学时。",
    "Make-up period: hours you earn today still count for academic year %(year)s.":
        "补学补考期：今天获得的学时仍计入%(year)s学年。",
    "The make-up period ends on %(end)s (%(days)s); after it, hours count for no year until academic year "
    "%(next_year)s starts on %(next)s.": "补学补考期于%(end)s结束（%(days)s）；此后至%(next)s%(next_year)s学年开始前，"
    "学习不计入任何学年。",
    "Statistics period: hours you earn now count for no academic year.": "年度统计期：现在学习获得的学时不计入任何学年。",
    "Academic year %(year)s has closed and its totals are being counted until %(end)s. Academic year %(next_year)s "
    "starts on %(next)s.": "%(year)s学年已结束，学时统计至%(end)s。%(next_year)s学年于%(next)s开始。",
    "No academic year is open: hours you earn now count for no year.": "当前不在任何学年内：现在学习获得的学时不计入任何学年。",
    "Academic year %(next_year)s starts on %(next)s.": "%(next_year)s学年于%(next)s开始。",
    "Under %(name)s.": "依据《%(name)s》。",
    # Why an entry counts for nothing (services/reasons.py).
    "Earned on a day that belongs to no academic year of this policy (for example after the make-up period), so it "
    "counts for no year.": "学习日期不在本政策的任何学年内（例如补学补考期之后），不计入任何学年。",
    "Earned during the year-end statistics period, when nothing earned counts.": "在年度统计期内学习，统计期内不计学时。",
    "Earned before the learner's registration date, which this policy does not count.":
        "学习日期早于学员注册日期，本政策不予计算。",
    "A required course counts only once its exam is passed.": "必修课须通过考试后方可计入学时。",
    "Leave exceeded one seventh of the training's scheduled hours, so the training earns no hours.":
        "请假超过规定学时的1/7，按退学处理，不计学时。",
    "This kind of training is not counted by this policy.": "本政策不认定此类学时。",
    "This entry counted for no academic year when it was recorded.": "该记录登记时未计入任何学年。",
    "why not counted": "未计入原因",
    # Bad input and rate limits (issue 13).
    "Only to correct a wrong number; the current one is never shown. The registry re-files the learner's "
    "records under the new number.":
        '仅用于更正错误的号码；当前号码不会完整显示。登记系统会把该学员的记录改存到新号码下。',
    'reason for the correction':
        '更正理由',
    'A reason is required to correct an identity.':
        '更正身份信息必须填写理由。',
    "This is already the learner's ID number.":
        '这已经是该学员的身份证号码。',
    'Another learner has this ID number: if both accounts are one person, merge them.':
        '另一名学员使用此身份证号码：如两个帐户属于同一人，请合并帐户。',
    'ID number corrected':
        '已更正身份证号码',
    'Accounts of one person merged':
        '同一人的帐户已合并',
    'merged into':
        '合并到',
    'old ID number':
        '原身份证号码',
    'identity correction':
        '身份更正',
    'identity corrections':
        '身份更正',
    'The document is not a readable %(kind)s file.':
        '该文件不是可读取的 %(kind)s 文件。',
    'Encrypted PDF documents cannot be checked; upload one without a password.':
        '加密的 PDF 文件无法核验，请上传未设密码的文件。',
    'A PDF document has 1 to %(limit)s pages.':
        'PDF 文件应为 1 至 %(limit)s 页。',
    'The image has more than %(limit)s pixels.':
        '图片超过 %(limit)s 像素。',
    'An account cannot be merged into itself.':
        '帐户不能合并到其自身。',
    'One of these accounts is already merged into another.':
        '其中一个帐户已合并到其他帐户。',
    'The date %(value)s is outside the plausible range %(earliest)s to %(latest)s.':
        '日期 %(value)s 超出合理范围（%(earliest)s 至 %(latest)s）。',
    'Amounts are less than %(limit)s.':
        '数量必须小于 %(limit)s。',
    'Amounts have at most %(places)s decimal places.':
        '数量最多保留 %(places)s 位小数。',
    'The text holds a control character (such as NUL); type it again as plain text.':
        '文本含有控制字符（如 NUL），请以纯文本重新输入。',
    'The file has more than %(limit)s rows; at most %(limit)s are imported at once.':
        '文件超过 %(limit)s 行；一次最多导入 %(limit)s 行。',
    'Row %(row)s cannot be read: a cell is longer than %(limit)s characters or a quote is not closed.':
        '第 %(row)s 行无法读取：单元格超过 %(limit)s 个字符，或引号未闭合。',
    'The workbook unpacks to %(size)s bytes; at most %(limit)s are read.':
        '该工作簿解压后为 %(size)s 字节；最多读取 %(limit)s 字节。',
    'The workbook is compressed %(ratio)s times, more than a spreadsheet can be (at most %(limit)s): it is refused unread.':
        '该工作簿压缩比为 %(ratio)s 倍，超出电子表格的正常范围（最多 %(limit)s 倍），未读取即拒绝。',
    'The workbook holds XML with a document type declaration or in an unexpected encoding; save it again from '
    'a spreadsheet program.':
        '该工作簿含有带文档类型声明或编码异常的 XML，请用电子表格软件重新保存。',
    'The cell is longer than %(limit)s characters.':
        '单元格超过 %(limit)s 个字符。',
    "Too many requests. Please wait %(seconds)s seconds and try again.": "请求过于频繁。请等待 %(seconds)s 秒后再试。",
    "last certificate status": "最近证书状态",
    "revoked in Open edX": "已在 Open edX 中撤销",
    "certificates issued": "证书签发次数",
    "revocations": "撤销次数",
    "course certificate state": "课程证书状态",
    "course certificate states": "课程证书状态",
    "evidence detail": "凭证详情",
    "A reason is required to reinstate a course award.": "恢复课程学时必须填写理由。",
    "This course was never awarded to the learner; there is nothing to reinstate.":
        "该学员从未获得此课程学时，无可恢复。",
    "The course's hours still count; there is nothing to reinstate.": "该课程学时仍然有效，无需恢复。",
    "This course has no credit spec.": "该课程尚未设置学时。",
    # The console and the plugin's page chrome.
    "Unit administration": "单位管理",
    "My units": "我管理的单位",
    "No organisation units exist yet.": "尚未建立任何组织单位。",
    "Not a unit administrator": "不是单位管理员",
    "This console is for the administrators of organisation units. Your account administers no unit; ask the "
    "academy if you should.": "本管理台供各单位管理员使用。您的帐户未管理任何单位；如需开通，请联系学院。",
    "Skip to content": "跳到正文",
    "Language": "语言",
    "Switch": "切换",
    "new ID number": "新身份证号码",
    "Only to correct a wrong number; the current one is never shown.": "仅用于更正错误的号码；当前号码不会完整显示。",
    "Approve the selected learners": "审核通过所选学员",
    "evidence": "凭证",
    "Document number or file reference; the same evidence is never credited twice. Leave empty for a generated "
    "reference.": "文件编号或附件编号；同一凭证不会重复计入学时。留空则自动生成编号。",
    "A reason is required for every entry an administrator adds.": "管理员补录每一条记录都必须填写理由。",
    "Give the entry's amount (minutes, hours, credits, half days or characters).":
        "请填写数量（分钟、学时、学分、半天数或字数）。",
    "Reason for revocation": "撤销理由",
    "This evidence is already credited to the learner.": "该凭证已为该学员计入学时。",
    "reversal": "冲销",
    "Revoke the selected entries (asks for a reason)": "撤销所选记录（需填写理由）",
    "Revoke ledger entries": "撤销学时记录",
    "name": "名称",
    "overlay": "实施细则",
    "Cadre training hours": "干部培训学时",
    "credits": "学分",
    "study hours": "学时",
    "Online Training Completion Certificate": "网络培训结业证书",
    "%(name)s (%(unit)s) completed the cadre online training requirement of academic year %(year)s, earning "
    "%(total)s %(unit_word)s in total: %(required)s required and %(elective)s elective. This certificate is awarded "
    "in recognition.": "%(name)s同志（%(unit)s）完成%(year)s学年干部网络培训学习任务，共获得%(total)s%(unit_word)s，"
                       "其中必修%(required)s%(unit_word)s、选修%(elective)s%(unit_word)s，特发此证。",
    "Issued on %(date)s": "发证日期：%(date)s",
    "Serial number: %(serial)s": "证书编号：%(serial)s",
    "Verification code: %(code)s": "验证码：%(code)s",
    "Verify at %(url)s": "查验网址：%(url)s",
    "administrator": "管理员",
    "organisation node": "组织机构",
    "organisation nodes": "组织机构",
    "unit administrator": "单位管理员",
    "unit administrators": "单位管理员",
    "who": "操作人",
    "when": "时间",
    "what": "操作",
    "object type": "对象类型",
    "object": "对象",
    "learner": "学员",
    "why": "理由",
    "detail": "详情",
    "audit log entry": "操作日志",
    "audit log": "操作日志",
    "academic year": "学年",
    "serial number": "证书编号",
    "verification code": "验证码",
    "unit": "单位",
    "policy pack": "政策",
    "hours by category": "分类学时",
    "issued at": "发证时间",
    "revoked at": "撤销时间",
    "revocation reason": "撤销理由",
    "annual completion certificate": "年度结业证书",
    "annual completion certificates": "年度结业证书",
    "Not a valid course key.": "课程编号无效。",
    "Not a valid usage key.": "组件编号无效。",
    "Academic years are a list of years, e.g. [2025, 2026].": "学年须为年份列表，例如 [2025, 2026]。",
    "Required (必修)": "必修",
    "Elective (选修)": "选修",
    "Basic theory": "基础理论",
    "Party spirit": "党性教育",
    "Professional competence": "专业能力",
    "Knowledge": "知识素养",
    "Provincial situation": "省情教育",
    "course key": "课程编号",
    "category": "类别",
    "hours": "学时",
    "Hours assigned to the course; leave empty to count lecture minutes.": "课程设定的学时；留空则按讲授分钟数折算。",
    "lecture minutes": "讲授分钟数",
    "topic": "内容类别",
    "exam pass required": "须通过考试",
    "exam bonus credits": "考试奖励学分",
    "academic years": "适用学年",
    "Years the course is offered for; empty means every year.": "课程适用的学年；留空表示每年适用。",
    "course credit spec": "课程学时设定",
    "course credit specs": "课程学时设定",
    "Give the course's hours or its lecture minutes.": "请填写课程的学时或讲授分钟数。",
    "credit block": "学时组件",
    "credit blocks": "学时组件",
    "block verification": "组件核验记录",
    "block verifications": "组件核验记录",
    "course passing status": "课程考试状态",
    "course passing statuses": "课程考试状态",
    "An ID number has 18 characters.": "身份证号码应为18位。",
    "An ID number is 17 digits followed by a digit or X.": "身份证号码应为17位数字加1位数字或X。",
    "The birth date inside the ID number is not a valid date.": "身份证号码中的出生日期无效。",
    "The check digit of the ID number is wrong (GB 11643).": "身份证号码校验位错误（GB 11643）。",
    "A mobile number has 11 digits and starts with 13 to 19.": "手机号码应为以13至19开头的11位数字。",
    "Department/bureau level (厅局级)": "厅局级",
    "County/division level (县处级)": "县处级",
    "Section level (科级)": "科级",
    "Staff (科员及以下)": "科员及以下",
    "Other": "其他",
    "CPC member": "中共党员",
    "CPC probationary member": "中共预备党员",
    "CYL member": "共青团员",
    "Member of a democratic party": "民主党派成员",
    "Non-partisan": "无党派人士",
    "Ordinary citizen": "群众",
    "Active": "在职",
    "Retired": "退休",
    "Resigned": "辞职",
    "Deceased": "去世",
    "Transferred out": "调出",
    "user": "用户",
    "real name": "姓名",
    "ID number": "身份证号码",
    "mobile number": "手机号码",
    "rank": "职级",
    "political status": "政治面貌",
    "post": "职务",
    "status": "状态",
    "approved": "已审核",
    "Registration checked by the unit administrator.": "已由单位管理员审核注册信息。",
    "registered on": "注册日期",
    "First-year pro-rating starts here (Fujian §4.2).": "首年学时任务自该日起按比例折算（福建通知第四条第2项）。",
    "learner profile": "学员档案",
    "learner profiles": "学员档案",
    "A learner with this ID number already exists (one person, one account).": "该身份证号码已有学员（一人一号）。",
    "Online course": "网络课程",
    "Live class": "直播课堂",
    "Special topic course": "专题班",
    "Exam bonus": "考试奖励",
    "Off-job training": "脱产培训",
    "Central-group study": "中心组学习",
    "Self-study": "自学",
    "Lecturing": "授课",
    "Adjustment": "调整",
    "Open edX certificate": "课程证书",
    "Verified learning sessions": "已核验的学习记录",
    "Exam pass": "考试通过",
    "Uploaded document": "上传的文件",
    "Administrator with a written reason": "管理员补录（附理由）",
    "Imported record": "导入记录",
    "Reversal of an entry": "冲销记录",
    "source": "来源",
    "course": "课程",
    "minutes": "分钟",
    "half days": "半天数",
    "absent hours": "缺勤学时",
    "characters": "字数",
    "exam passed": "考试通过",
    "counted hours": "计入学时",
    "counted credits": "计入学分",
    "earned on": "获得日期",
    "evidence type": "凭证类型",
    "reason": "理由",
    "entered by": "录入人",
    "reverses": "冲销对象",
    "recorded at": "记录时间",
    "ledger entry": "学时记录",
    "ledger entries": "学时记录",
    "Province": "省",
    "City or league": "市（盟）",
    "County": "县（区、旗）",
    "Unit": "单位",
    "code": "编码",
    "Stable code of the unit, as the registry knows it.": "单位的固定编码，与学时登记系统一致。",
    "kind": "层级",
    "parent": "上级",
    "path": "路径",
    "depth": "层级深度",
    "Key of the policy pack that applies from this node down, e.g. anhui-2019.": "本级及以下适用的政策编号，例如 anhui-2019。",
    "implementing rules overlay": "实施细则",
    "YAML or JSON refining the pack for this node and below (Anhui Art. 18).":
        "细化本级及以下政策的 YAML 或 JSON（安徽办法第十八条）。",
    "registry region": "登记地区",
    "Region key the registry files this node's learners under; inherited when empty.":
        "学时登记系统归档本级学员所用的地区编号；留空则沿用上级。",
    "unit of measure": "计量单位",
    "met": "已完成",
    "total needed": "应修总量",
    "total earned": "已获总量",
    "required needed": "应修必修",
    "required earned": "已获必修",
    "engine result": "计算结果",
    "computed at": "计算时间",
    "year status": "年度完成情况",
    "year statuses": "年度完成情况",
    "Your real-name learner profile is missing or not yet approved. Ask your unit's training administrator to "
    "approve it; the certificate is issued once it is approved.":
        "您的实名学员信息尚未登记或尚未审核。请联系本单位培训管理员审核，审核通过后即可获得证书。",
    "Your verified learning time for this course is not complete yet (%(have)s of %(need)s minutes). Finish every "
    "lesson at normal speed with the page in view; the certificate is issued when all lessons are verified.":
        "您在本课程已核验的学习时长尚未达到要求（已核验 %(have)s 分钟，共需 %(need)s 分钟）。请以正常速度、"
        "在页面可见的状态下学完每一讲；全部核验后即可获得证书。",
    "This course is part of cadre online training and needs an approved real-name learner profile. Ask your unit's "
    "training administrator to register and approve you, then enroll again.":
        "本课程属于干部网络培训课程，须经审核的实名学员方可选课。请联系本单位培训管理员登记并审核后再选课。",
    "The overlay is not valid YAML or JSON: %(error)s": "实施细则不是有效的 YAML 或 JSON：%(error)s",
    "The overlay must be a mapping of pack settings.": "实施细则必须是政策设置的映射。",
    "An overlay needs a policy pack on this node or above.": "实施细则需要本级或上级设定政策。",
    "The policy does not load: %(error)s": "政策无法加载：%(error)s",
    "The overlay of %(node)s below would no longer apply: %(error)s": "下级 %(node)s 的实施细则将无法适用：%(error)s",
    "The rules refuse this entry: %(error)s": "该记录不符合规则：%(error)s",
    "This user has no learner profile.": "该用户没有学员档案。",
    "This learner is outside the units you administer.": "该学员不在您管理的单位范围内。",
    "A reason is required to revoke an entry.": "撤销记录必须填写理由。",
    "A reversal cannot itself be revoked; add a new entry instead.": "冲销记录不能再被撤销；请新增一条记录。",
    "These entries will be reversed. The reversal is a new entry with your name, the time and this reason; nothing "
    "is deleted.": "以下记录将被冲销。冲销是一条记载您的姓名、时间和理由的新记录，原记录不会被删除。",
    "Revoke": "撤销",
    "Verify a completion certificate": "结业证书查验",
    "Verification code": "验证码",
    "Verify": "查验",
    "This certificate is genuine and valid.": "该证书真实有效。",
    "Name": "姓名",
    "Academic year": "学年",
    "Serial number": "证书编号",
    "Credits": "学分",
    "Study hours": "学时",
    "%(total)s in total (%(required)s required, %(elective)s elective)":
        "共 %(total)s（必修 %(required)s，选修 %(elective)s）",
    "Issued on": "发证日期",
    "No valid certificate has this code. Check the code, or ask the issuing academy.":
        "没有与该验证码对应的有效证书。请核对验证码，或向发证机构咨询。",
    "%(count)d learner approved.": "已审核通过 %(count)d 名学员。",
    "%(count)d entry revoked.": "已撤销 %(count)d 条记录。",
    # Reports to units: circulars (通报), exports, quarterly notices (services/circular*.py, notices.py)
    "Unit code": "单位代码",
    "ID number (masked)": "身份证号（脱敏）",
    "Rank": "职级",
    "Policy": "政策",
    "Measured in": "计量单位",
    "Total needed": "应修总量",
    "Total earned": "已修总量",
    "Required needed": "必修应修",
    "Required earned": "必修已修",
    "Met": "是否完成",
    "Shortfall": "差额",
    "Required shortfall": "必修差额",
    "Certificate serial": "结业证书编号",
    "Learner status": "人员状态",
    "Counted in rates": "计入统计",
    "Note": "备注",
    "Active learners": "在学人数",
    "Learners met": "完成人数",
    "Completion rate (%)": "完成率（%）",
    "Total shortfall": "差额合计",
    "Left (not counted)": "离岗人数（不计入）",
    "Below target": "是否未达标",
    "Units": "单位汇总",
    "Learner details": "学员明细",
    "Yes": "是",
    "No": "否",
    "No status computed yet": "尚未计算学时状态",
    "Status out of date; recompute": "学时状态已过期，请重新计算",
    "Total: %(name)s": "合计：%(name)s",
    "Circular on the cadre online training of academic year %(year)s": "%(year)s学年干部网络培训情况通报",
    "Scope: %(name)s (%(code)s, %(kind)s); compiled %(when)s": "通报范围：%(name)s（%(code)s，%(kind)s）；统计时间：%(when)s",
    "1. Overall": "一、总体情况",
    "%(learners)s learners in training, %(met)s met the annual requirement, completion rate %(rate)s; "
    "%(shortfall)s %(measure)s still missing in total.":
        "在学学员%(learners)s人，完成年度学习任务%(met)s人，完成率%(rate)s；合计尚差%(shortfall)s%(measure)s。",
    "2. Units (target: %(threshold)s%% completion; units below it are marked and lose points)":
        "二、各单位完成情况（完成率标准为%(threshold)s%%，低于标准的单位予以标注并扣分）",
    "BELOW TARGET": "未达标",
    "%(name)s (%(code)s): %(met)s of %(learners)s met, %(rate)s, shortfall %(shortfall)s":
        "%(name)s（%(code)s）：%(learners)s人中完成%(met)s人，完成率%(rate)s，差额%(shortfall)s",
    "%(name)s (%(code)s): no learners in training": "%(name)s（%(code)s）：暂无在学学员",
    "A percentage between 0 and 100.": "请填写0到100之间的百分数。",
    "Units below target: %(units)s": "未达标单位：%(units)s",
    "3. Learners who have not met the requirement": "三、未完成年度学习任务的学员",
    "None.": "无。",
    "%(unit)s %(name)s (%(id)s): %(earned)s of %(needed)s, %(shortfall)s short":
        "%(unit)s %(name)s（%(id)s）：已修%(earned)s，应修%(needed)s，差%(shortfall)s",
    "4. Not counted (left the post)": "四、不计入统计的学员（已离岗）",
    "%(unit)s %(name)s (%(id)s): %(status)s": "%(unit)s %(name)s（%(id)s）：%(status)s",
    "Note: the status of %(count)s learner(s) is missing or out of date; run again with --recompute for exact "
    "figures.": "注：%(count)s名学员的学时状态缺失或已过期，请加 --recompute 重新运行以获得准确数据。",
    "Training progress notice: %(year)s, quarter %(quarter)s": "学时进度通报：%(year)s年第%(quarter)s季度",
    "Dear %(name)s (%(unit)s),": "%(name)s同志（%(unit)s）：",
    "As of quarter %(quarter)s of %(year)s, you have earned %(earned)s of the %(needed)s %(measure)s required this "
    "academic year.": "截至%(year)s年第%(quarter)s季度，您本学年已获得%(earned)s%(measure)s，年度要求为%(needed)s%(measure)s。",
    "Required courses: %(required_earned)s of %(required_needed)s.":
        "其中必修课程已获得%(required_earned)s，要求%(required_needed)s。",
    "You have met this year's requirement. Thank you.": "您已完成本年度学习任务，感谢您的参与。",
    "You still need %(shortfall)s %(measure)s; please complete them within the academic year.":
        "您还差%(shortfall)s%(measure)s，请在学年内完成。",
    "Of these, %(required)s must come from required courses.": "其中%(required)s须来自必修课程。",
    "This notice is sent every quarter by the cadre training administration.": "本通知由干部教育培训管理部门按季度发送。",
    # Imports and evidence documents (services/evidence.py, tabular.py, roster_import.py, entry_import.py)
    "evidence document": "凭证文件",
    "evidence documents": "凭证文件",
    "Download": "下载",
    "file": "文件",
    "SHA-256": "SHA-256 摘要",
    "size in bytes": "大小（字节）",
    "content type": "文件类型",
    "original file name": "原文件名",
    "uploaded by": "上传人",
    "uploaded at": "上传时间",
    "No learner with this ID number in the units you administer.": "您管理的单位中没有该身份证号码的学员。",
    "Unknown source %(value)s: use 脱产培训, 中心组学习, 自学, 授课 or 直播课堂.":
        "无法识别的学时来源 %(value)s：请填写脱产培训、中心组学习、自学、授课或直播课堂。",
    "The category is 必修 (required) or 选修 (elective).": "类别应为必修或选修。",
    "Not a date: write it as 2026-03-01.": "日期格式不正确，请按 2026-03-01 的格式填写。",
    "Not a number.": "不是有效的数字。",
    "Amounts are positive numbers.": "数量须为正数。",
    "The evidence reference is longer than 255 characters.": "凭证编号超过 255 个字符。",
    "The same learner and evidence as row %(row)s.": "与第 %(row)s 行的学员和凭证相同。",
    "Only unit administrators may import.": "只有单位管理员可以导入。",
    "The document is larger than %(limit)s bytes.": "文件超过 %(limit)s 字节。",
    "The document is empty.": "文件为空。",
    "Only PDF, JPEG and PNG documents are accepted (recognised by their content).":
        "只接受 PDF、JPEG 和 PNG 文件（按文件内容识别）。",
    "The file name's extension does not match the document's content.": "文件扩展名与文件内容不符。",
    "The ID number is stored as a number, which Excel rounds; format the column as text and type the number "
    "again.": "身份证号码被保存为数字，Excel 会截断其末几位；请将该列设置为文本格式后重新录入号码。",
    "The name is empty.": "姓名为空。",
    "The name is longer than 64 characters.": "姓名超过 64 个字符。",
    "Unknown rank %(value)s: use 厅局级, 县处级, 科级, 科级以下 (一般干部) or 其他.":
        "无法识别的职级 %(value)s：请填写厅局级、县处级、科级、科级以下（一般干部）或其他。",
    "Unit %(code)s is unknown or outside the units you administer.": "单位代码 %(code)s 不存在或不在您管理的单位范围内。",
    "Unknown political status %(value)s.": "无法识别的政治面貌 %(value)s。",
    "The post is longer than 200 characters.": "职务超过 200 个字符。",
    "A username has at most 150 letters, digits and @ . + - _ characters.":
        "用户名最多 150 个字符，只能包含字母、数字和 @ . + - _。",
    "Not a valid e-mail address.": "邮箱地址无效。",
    "The same ID number as row %(row)s (one person, one account).": "与第 %(row)s 行的身份证号码相同（一人一号）。",
    "The same username as row %(row)s.": "与第 %(row)s 行的用户名相同。",
    "This person is already registered in a unit outside the ones you administer (one person, one account); ask "
    "that unit to transfer them.": "此人已在您管理范围以外的单位登记（一人一号）；请联系该单位办理调出。",
    "This person already has the account %(username)s (one person, one account).":
        "此人已有账号 %(username)s（一人一号）。",
    "The username %(username)s belongs to another learner.": "用户名 %(username)s 已属于其他学员。",
    "The username %(username)s belongs to a staff account.": "用户名 %(username)s 属于工作人员账号。",
    "The CSV file is neither UTF-8 nor GBK text.": "CSV 文件既不是 UTF-8 编码，也不是 GBK 编码。",
    "The file is not a readable XLSX workbook.": "该文件不是可读取的 XLSX 工作簿。",
    "The file is larger than %(limit)s bytes.": "文件超过 %(limit)s 字节。",
    "The file has no header row.": "文件没有表头行。",
    "Column %(column)s appears twice.": "列 %(column)s 重复出现。",
    "Required column(s) missing from the header row: %(columns)s.": "表头缺少必填列：%(columns)s。",
    "The file has %(count)s rows; at most %(limit)s are imported at once.":
        "文件共 %(count)s 行，每次最多导入 %(limit)s 行。",
    # Roles, the academy's admin and evidence ownership (issue 10, ADR 0015).
    "changed by": "修改人",
    "user name": "用户名",
    "The learner's exact user name. Staff, superuser and academy accounts, and accounts that already have a "
    "profile, cannot be chosen.":
        "请输入学员完整的用户名。不能选择平台工作人员、超级用户和学院工作人员帐户，也不能选择已有学员档案的帐户。",
    "new mobile number": "新手机号码",
    "Only to change the number; the current one is shown masked.": "仅用于更换号码；当前号码只显示部分。",
    "account": "帐户",
    "learner's user name": "学员用户名",
    "The exact user name of a learner with a profile.": "已建档学员的完整用户名。",
    "An installed policy pack that applies from this node down; empty: the pack of the node above.":
        "本节点及以下适用的已安装政策包；留空则沿用上级节点的政策包。",
    "The exact user name. Staff, superuser and academy accounts cannot be unit administrators: the role needs no "
    "platform rights.":
        "请输入完整的用户名。平台工作人员、超级用户和学院工作人员帐户不能担任单位管理员：该角色无需任何平台权限。",
    "belongs to": "所属学员",
    "the ID number searched for": "所查询的身份证号码",
    "Search by a whole, valid ID number, or by a name.": "请按完整、有效的身份证号码或姓名查询。",
    "No account this page may act on has this user name.": "本页面可操作的帐户中没有这个用户名。",
    "Administrator (管理员): reads and changes": "管理员：可查看和修改",
    "Liaison (联络员): reads only": "联络员：只能查看",
    "role": "角色",
    "evidence document owner": "凭证材料所属学员",
    "evidence document owners": "凭证材料所属学员",
    "Can manage the academy: organisation tree, policy packs, overlays, course credit specs":
        "可管理学院事务：组织机构、政策包、实施细则和课程学时设置",
    "%(region)s (the version in force each year)": "%(region)s（按年度适用当时有效的版本）",
    "Choose one of the installed policy packs.": "请选择一个已安装的政策包。",
    "An uploaded-document entry must cite a document uploaded for this learner.":
        "以上传材料为凭证的记录，必须引用为该学员上传的材料。",
    "Only academy staff may change this.": "只有学院工作人员可以修改此项。",
    # Real-name sign-in, initial passwords, registration, leaving (ADR 0016).
    "Current (initial) password": "当前（初始）密码",
    "New password": "新密码",
    "New password again": "再次输入新密码",
    "The two new passwords differ.": "两次输入的新密码不一致。",
    "ID number (your user name)": "身份证号（即您的用户名）",
    "18 characters; the last may be X.": "18位，最后一位可以是X。",
    "Real name": "真实姓名",
    "Mobile number": "手机号码",
    "Optional; you can then also sign in with it.": "选填；填写后也可用手机号码登录。",
    "Your unit": "所在单位",
    "Choose your unit": "请选择所在单位",
    "Password": "密码",
    "Password again": "再次输入密码",
    "The two passwords differ.": "两次输入的密码不一致。",
    "Leaving recorded. The training file is kept.": "已登记退出培训。培训档案予以保留。",
    "The learner is back in training.": "该学员已恢复参加培训。",
    "Unknown action.": "未知操作。",
    "Change your initial password before you continue.": "请先修改初始密码，再继续操作。",
    "ID number, mobile number or password is incorrect.": "身份证号、手机号码或密码错误。",
    "must change password": "须修改密码",
    "The account holds an initial password: the learner must choose their own before anything else.":
        "该帐户使用初始密码：学员须先设置自己的密码，方可进行其他操作。",
    "You may reset passwords only of learners in the units you administer.": "您只能重置本人所管理单位学员的密码。",
    "The passwords of administrators and staff are reset by the academy.": "管理员和工作人员的密码由学院重置。",
    "The current password is wrong.": "当前密码错误。",
    "Choose a password different from the initial one.": "新密码不能与初始密码相同。",
    "This ID number is already registered (one person, one account); sign in with it, or ask your unit to reset "
    "the password.": "该身份证号已注册（一名学员一个帐户）；请用它登录，或请所在单位管理员重置密码。",
    "This mobile number is already registered to another learner.": "该手机号码已被其他学员注册。",
    "Not a leaving status.": "不是退出培训的状态。",
    "Say why (a reason is kept in the audit trail).": "请填写原因（原因将记入操作日志）。",
    "You may record leaving only for learners in the units you administer.": "您只能为本人所管理单位的学员登记退出培训。",
    "Only the academy can bring a learner back into training.": "只有学院可以恢复学员的培训资格。",
    "This learner is in training.": "该学员正在参加培训。",
    "You may approve only learners in the units you administer.": "您只能审核本人所管理单位的学员。",
    "roster import": "学员名册导入",
    "Too many failed sign-ins. Try again in %(minutes)s minutes, or ask your unit's administrator to reset your "
    "password.": "登录失败次数过多。请%(minutes)s分钟后再试，或请所在单位管理员重置密码。",
    "This ID number is not valid: check the last character (GB 11643).": "身份证号无效：请核对最后一位校验码（GB 11643）。",
    "Change your password": "修改密码",
    "Your account holds an initial password. Choose your own password before you continue.":
        "您的帐户正在使用初始密码。请先设置自己的密码，再继续操作。",
    "Change password": "修改密码",
    "Password changed": "密码已修改",
    "Your new password is in place. Use it from now on.": "新密码已生效，今后请使用新密码登录。",
    "Continue": "继续",
    "Register": "注册",
    "Your ID number is your user name. Choose your unit: its administrator checks your registration, and the "
    "cadre courses open once it is approved.":
        "您的身份证号即用户名。请选择所在单位：由单位管理员审核您的注册，审核通过后即可学习干部培训课程。",
    "Registered": "注册成功",
    "Your registration (%(id_number)s) waits for the approval of %(unit)s. You can sign in with your ID number "
    "now; the cadre courses open once your unit approves.":
        "您的注册（%(id_number)s）正等待%(unit)s审核。现在即可用身份证号登录；单位审核通过后即可学习干部培训课程。",
    "Sign in": "登录",
    "Learner accounts": "学员帐户",
    "Status": "状态",
    "Approved": "已审核",
    "Must change password": "须修改密码",
    "New initial password": "新的初始密码",
    "Shown only this once: give it to the learner in person. They must choose their own password when they next "
    "sign in.": "仅显示这一次：请当面交给学员。学员下次登录时须设置自己的密码。",
    "Reset the password": "重置密码",
    "Reason": "原因",
    "Issue a new initial password": "生成新的初始密码",
    "Left training": "退出培训",
    "Why": "退出原因",
    "Record leaving": "登记退出",
    "Your role in this unit is read-only.": "您在该单位的角色为只读。",
    "Back in training": "恢复培训",
    "Return to training": "恢复培训资格",
    "ID number, mobile number or user name": "身份证号、手机号码或用户名",
    "Approve and issue initial passwords (shown once)": "审核通过并生成初始密码（仅显示一次）",
    "Initial passwords": "初始密码",
    "Shown only this once: give each learner their initial password in person. They must choose their own "
    "password when they next sign in.": "仅显示这一次：请将初始密码当面交给每位学员。学员下次登录时须设置自己的密码。",
    "Initial password": "初始密码",
    "No learner in your units was selected.": "未选中您所管理单位的学员。",
    "Find": "查找",
    "No learner of your units has this ID number, mobile number or user name.":
        "您所管理的单位中没有该身份证号、手机号码或用户名的学员。",
    # The year-end close (ADR 0017).
    "Operator command": "运维命令",
    "Policy or overlay changed": "政策或实施细则变更",
    "Requested through the API": "通过接口发起",
    "scope": "范围",
    "Node code (or * for every learner) and years: a re-run resumes it.": "机构代码（*表示全部学员）及学年：再次运行时据此续算。",
    "only these users": "仅限这些用户",
    "requested by": "发起人",
    "learners": "学员数",
    "chunks": "分块数",
    "created": "创建时间",
    "finished at": "完成时间",
    "year-end close job": "年终结算任务",
    "year-end close jobs": "年终结算任务",
    "Pending": "待处理",
    "Running": "进行中",
    "Done": "已完成",
    "close chunk": "结算分块",
    "close chunks": "结算分块",
    "Learners no policy applies to.": "无适用政策的学员数。",
    # The year-end close in the unit console (issue 14).
    "Year-end close: recomputing the statuses": "年终结算：重新核算学时状态",
    "The close recomputes every learner's year status and annual certificate from the training files, in chunks "
    "on the background workers. Progress shows here while it runs.":
        "年终结算依据电子培训档案重新核算每名学员的年度学时状态和年度结业证书，分块交由后台任务进程执行；运行期间在此显示进度。",
    "Job": "任务",
    "Cause": "起因",
    "Progress": "进度",
    "Learners done": "已完成学员",
    "Chunks done": "已完成分块",
    "Learners per second": "每秒学员数",
    "Time left": "剩余时间",
    "Queued": "排队中",
    "No close has run for this unit yet.": "本单位尚未进行年终结算。",
    "Recompute %(year)s for this unit": "重新核算本单位%(year)s年度学时",
    "%(h)d h %(m)02d min": "%(h)d小时%(m)02d分",
    "%(m)d min %(s)02d s": "%(m)d分%(s)02d秒",
    "%(s)d s": "%(s)d秒",
    "The statuses of %(learners)s learner(s) of %(unit)s for %(year)s are being recomputed (close job %(job)s).":
        "正在重新核算%(unit)s %(learners)s名学员%(year)s年度的学时状态（年终结算任务%(job)s）。",
    # The review list of flagged sessions (issue 12, ADR 0022).
    "Several accounts on one device at once": "多个帐户同时在同一台设备上学习",
    "Attention check answered faster than a person can read": "专注度确认的作答快于正常阅读速度",
    "Every attention check answered in the same time": "每次专注度确认的作答用时完全相同",
    "Open": "待处理",
    "Hours revoked": "已撤销学时",
    "Dismissed": "已排除",
    "what was found": "发现的问题",
    "review case": "核查事项",
    "review cases": "核查事项",
    "A reason is required to revoke hours.": "撤销学时必须填写理由。",
    "This case is already closed.": "该事项已处理完毕。",
    "No hours of this course are counted for this learner yet; the case stays open.":
        "该学员此课程尚未计入学时；事项保持待处理。",
    "A reason is required to dismiss a case.": "排除事项必须填写理由。",
    "%(count)s accounts were studying on the same device (client %(client)s) at the same time.":
        "%(count)s 个帐户在同一台设备（终端 %(client)s）上同时学习。",
    "%(count)s attention check(s) answered too fast: %(ms)s ms where a person needs at least %(needed)s ms to read "
    "the question.": "%(count)s 次专注度确认作答过快：用时 %(ms)s 毫秒，而正常阅读题目至少需要 %(needed)s 毫秒。",
    "All %(count)s answers of this account took the same time (%(low)s to %(high)s ms).":
        "该帐户全部 %(count)s 次作答用时相同（%(low)s 至 %(high)s 毫秒）。",
    "The hours of %(name)s in this course were revoked; the registry will be told and the case appears in the unit's "
    "circular.": "已撤销%(name)s此课程的学时；将同步报送登记系统，并列入本单位通报。",
    "The case was dismissed; no hours were changed.": "该事项已排除，学时未作任何改动。",
    "Choose whether to revoke the hours or dismiss the case.": "请选择撤销学时或排除该事项。",
    "Review list": "异常学习核查",
    "Sessions the lectures flagged: several accounts on one device at once, attention checks answered faster than a "
    "person can read, or every check answered in the same time. A flag is a reason to look, not proof: nothing is "
    "revoked unless you decide so here, with a reason.":
        "以下为课程学习中发现的异常：多个帐户同时在同一台设备上学习、专注度确认作答快于正常阅读速度、或每次作答用时完全相同。"
        "异常提示只是核查线索，并非定论：除非您在此作出决定并填写理由，否则不会撤销任何学时。",
    "Open cases": "待处理事项",
    "An administrator (not a liaison) of this learner's unit decides on this case.":
        "此事项由该学员所在单位的管理员（非联络员）决定。",
    "Other accounts on that device:": "同一设备上的其他帐户：",
    "Course %(course)s; first seen %(first)s, last seen %(last)s (%(times)s report(s)).":
        "课程 %(course)s；首次发现 %(first)s，最近发现 %(last)s（共 %(times)s 次）。",
    "Reason (required, kept with the decision)": "理由（必填，随决定一并留存）",
    "Revoke the hours of this course": "撤销此课程学时",
    "Dismiss (no change)": "排除（不作改动）",
    "No open cases.": "没有待处理事项。",
    "Closed cases": "已处理事项",
    "%(hours)s hours revoked": "撤销 %(hours)s 学时",
    "Reason:": "理由：",
    "What was found": "发现的问题",
    "Revoked": "撤销",
    "Decided on": "决定日期",
    "%(amount)s study hours": "%(amount)s 学时",
    "%(amount)s credits": "%(amount)s 学分",
    "5. Hours revoked for study not done by the learner (Anhui Art. 13)": "五、非本人学习撤销学时情况（安徽办法第十三条）",
    "%(unit)s %(name)s (%(id)s): %(amount)s of course %(course)s revoked on %(date)s (%(kind)s). Reason: %(reason)s":
        "%(unit)s %(name)s（%(id)s）：课程 %(course)s 的 %(amount)s 于 %(date)s 撤销（%(kind)s）。理由：%(reason)s",
    # The unit console (console/, declarations/).
    "The entry was not added: %(error)s": "记录未添加：%(error)s",
    "Entry added: %(hours)s counted.": "已添加记录：计入 %(hours)s。",
    "Give the reason for the revocation.": "请填写撤销理由。",
    "The entry was not revoked: %(error)s": "记录未撤销：%(error)s",
    "Entry revoked.": "记录已撤销。",
    "Corrected: %(reason)s": "更正：%(reason)s",
    "Entry corrected: the old one is revoked and the corrected one added.": "记录已更正：原记录已撤销，更正后的记录已添加。",
    "Source": "来源",
    "(none)": "（无）",
    "Date": "日期",
    "Amount in": "计量方式",
    "Amount": "数量",
    "Absent hours (off-job training)": "请假学时（脱产培训）",
    "Course key (optional)": "课程编号（可选）",
    "Evidence document (PDF, JPEG or PNG; optional)": "证明材料（PDF、JPEG 或 PNG，可选）",
    "Amounts are positive numbers (only an adjustment may be negative).": "数量须为正数（只有调整记录可以为负数）。",
    "Note (optional)": "备注（可选）",
    "File (CSV or XLSX)": "文件（CSV 或 XLSX）",
    "Reason (entries only)": "理由（仅学时补录）",
    "Approve the imported learners' registration (roster only)": "同时审核通过导入学员的注册（仅花名册）",
    "Year": "年度",
    "Quarter": "季度",
    "Yes, send this quarter again": "是的，再次发送本季度通知",
    "Kind": "类型",
    "Training, study or lecture": "培训、学习或授课内容",
    "Organiser": "主办单位",
    "Off-job training: half days; group study: hours; self-study: characters written; lecturing: minutes taught.":
        "脱产培训填半天数；中心组学习填学时；自学填撰写字数；授课填授课分钟数。",
    "Document (PDF, JPEG or PNG)": "证明材料（PDF、JPEG 或 PNG）",
    "Required for off-job training (the organiser's 学员鉴定表) and self-study (what you wrote).":
        "脱产培训须附主办单位的《学员鉴定表》，自学须附本人撰写的材料。",
    "Dashboard": "统计概览",
    "Registrations": "注册审核",
    "Hours registration forms": "学时登记表",
    "Imports": "批量导入",
    "Reports and notices": "通报与通知",
    "Registration of %(name)s approved.": "%(name)s 的注册已审核通过。",
    "Give the learner the reason for the rejection.": "请填写退回理由，学员将看到该理由。",
    "Registration of %(name)s rejected; the learner is shown the reason.": "%(name)s 的注册已退回，学员将看到退回理由。",
    "Choose the year and the quarter.": "请选择年度和季度。",
    "Quarter %(quarter)s of %(year)s was already sent for %(node)s on %(when)s by %(who)s to %(count)s learners. "
    "Tick “send again” to send it once more.":
        "%(node)s %(year)s 年第 %(quarter)s 季度的通知已于 %(when)s 由 %(who)s 发送给 %(count)s 名学员。"
        "如需再次发送，请勾选“再次发送”。",
    "Quarter %(quarter)s of %(year)s sent again: %(sent)s notices sent (it was first sent on %(when)s).":
        "%(year)s 年第 %(quarter)s 季度通知已再次发送：发出 %(sent)s 份（首次发送于 %(when)s）。",
    "Quarter %(quarter)s of %(year)s: %(sent)s notices sent, %(failed)s failed, %(skipped)s skipped.":
        "%(year)s 年第 %(quarter)s 季度：发出 %(sent)s 份通知，失败 %(failed)s 份，跳过 %(skipped)s 人。",
    "Elective earned": "已获选修",
    "Other earned": "已获其他",
    "%(n)s half days": "%(n)s 个半天",
    "%(n)s hours absent": "请假 %(n)s 学时",
    "%(n)s hours": "%(n)s 学时",
    "%(n)s minutes": "%(n)s 分钟",
    "%(n)s characters": "%(n)s 字",
    "Cadre education and training hours registration form, %(year)s": "干部教育培训学时登记表（%(year)s 年度）",
    "Amount declared": "申报数量",
    "Evidence": "证明材料",
    "Review": "审核",
    "Review note": "审核意见",
    "Reviewed by": "审核人",
    "Hours counted": "计入学时",
    "Document %(ref)s": "材料 %(ref)s",
    "No lines declared for this year.": "本年度尚未申报。",
    "Total hours approved and credited": "审核通过并计入的学时合计",
    "Unit review opinion:": "单位审核意见：",
    "Reviewer signature and date:": "审核人签字及日期：",
    "Filed with the organisation (personnel) department (Art. 13).": "按干部管理权限报组织（人事）部门备案（第十三条）。",
    "Forms": "登记表",
    "Only learners with an approved profile can declare hours.": "只有注册已审核通过的学员才能申报学时。",
    "Choose what kind of training this was.": "请选择培训类型。",
    "Name the training, study or lecture.": "请填写培训、学习或授课的名称。",
    "Lines of the form are declared by %(deadline)s for the same year; this one is outside that window. Ask your "
    "unit to enter it.": "登记表须在 %(deadline)s 前申报当年的学时；此条不在申报期内，请联系所在单位录入。",
    "The date is in the future.": "日期晚于今天。",
    "Give the amount.": "请填写数量。",
    "Attach the organiser's trainee assessment form (学员鉴定表).": "请附上主办单位出具的《学员鉴定表》。",
    "Attach the notes, reflections or report you wrote.": "请附上本人撰写的学习笔记、心得体会或调研报告。",
    "This line was already reviewed.": "该条已审核。",
    "Hours registration form %(year)s, approved: %(title)s": "%(year)s 年度学时登记表审核通过：%(title)s",
    "The line was submitted to your unit for review.": "已提交所在单位审核。",
    "Not approved: %(error)s": "未能审核通过：%(error)s",
    "Approved and credited: %(title)s": "已审核通过并计入学时：%(title)s",
    "Rejected; the learner is shown the reason: %(title)s": "已退回，学员将看到退回理由：%(title)s",
    "Rejected": "已退回",
    "decision": "审核结果",
    "reviewed by": "审核人",
    "reviewed at": "审核时间",
    "registration review": "注册审核记录",
    "registration reviews": "注册审核记录",
    "quarter": "季度",
    "language": "语言",
    "sent by": "发送人",
    "sent at": "发送时间",
    "sent again": "再次发送",
    "sent": "已发送",
    "failed": "失败",
    "skipped": "跳过",
    "notice dispatch": "通知发送记录",
    "notice dispatches": "通知发送记录",
    "Sent": "已发送",
    "Sending failed": "发送失败",
    "Skipped: no e-mail address": "跳过：无邮箱地址",
    "Skipped: no status for the year": "跳过：本年度尚无统计",
    "e-mail address": "邮箱地址",
    "subject": "主题",
    "outcome": "结果",
    "notice recipient": "通知接收人",
    "notice recipients": "通知接收人",
    "Awaiting review": "待审核",
    "year": "年度",
    "title": "名称",
    "organiser": "主办单位",
    "date": "日期",
    "document": "证明材料",
    "submitted at": "提交时间",
    "review note": "审核意见",
    "hours declaration": "学时申报",
    "hours declarations": "学时申报",
    "Where you are": "当前位置",
    "Correct an entry": "更正记录",
    "The entry of %(date)s (%(source)s) is revoked and the corrected one added, with your reason, in one step.":
        "将一次性撤销 %(date)s 的记录（%(source)s）并添加更正后的记录，均附您填写的理由。",
    "Save the correction": "保存更正",
    "Cancel": "取消",
    "Learners declare off-job training, central-group study, self-study and lecturing by %(deadline)s; the unit "
    "reviews each line (Inner Mongolia measures, Art. 12–13). Approving credits the line to the learner's training "
    "file.": "学员须在 %(deadline)s 前申报脱产培训、中心组学习、在职自学和授课学时，"
             "由所在单位逐条审核（内蒙古办法第十二、十三条）。审核通过即计入学员的电子档案。",
    "Show": "显示",
    "Forms of %(name)s (XLSX)": "%(name)s 的学时登记表（XLSX）",
    "Notices of %(year)s quarter %(quarter)s · %(name)s": "%(year)s 年第 %(quarter)s 季度通知 · %(name)s",
    "Sent %(when)s by %(who)s: %(sent)s sent, %(failed)s failed, %(skipped)s skipped.":
        "%(when)s 由 %(who)s 发送：发出 %(sent)s 份，失败 %(failed)s 份，跳过 %(skipped)s 人。",
    "This quarter had been sent before; this was a second sending.": "本季度此前已发送过，这是再次发送。",
    "Learner": "学员",
    "E-mail address": "邮箱地址",
    "Outcome": "结果",
    "Subject": "主题",
    "Back to reports": "返回通报",
    "Import done": "导入完成",
    "Preview: nothing written yet": "预检：尚未写入任何数据",
    "The file has errors: nothing was written": "文件有错误：未写入任何数据",
    "Learner roster": "学员花名册",
    "Entries (back-fill)": "学时补录",
    "%(rows)s row": "%(rows)s 行",
    "%(errors)s error": "%(errors)s 处错误",
    "Row errors": "逐行错误",
    "Row": "行",
    "Column": "列",
    "Problem": "问题",
    "Rows": "数据行",
    "Action": "操作",
    "User name": "用户名",
    "Detail": "详情",
    "Import now": "确认导入",
    "Back to imports": "返回导入",
    "Every file is checked first: the preview lists each row the import would write and every row error, and "
    "nothing is written until you confirm. Files up to %(max_bytes)s bytes.":
        "每个文件都先预检：预检列出将写入的每一行和每一处错误，确认前不写入任何数据。文件不超过 %(max_bytes)s 字节。",
    "Check the file (dry run)": "预检文件（不写入）",
    "My units, academic year %(year)s": "我管理的单位（%(year)s 学年）",
    "Completion rate (%%)": "完成率（%%）",
    "Electronic training file": "电子培训档案",
    "Entries": "学时记录",
    "Counted": "计入",
    "Evidence and reason": "凭证与理由",
    "Actions": "操作",
    "Reversal": "冲销",
    "Correct": "更正",
    "No entries this year.": "本年度暂无记录。",
    "Hours registration form": "学时登记表",
    "Download the year's form (XLSX)": "下载本年度登记表（XLSX）",
    "Back-fill an entry": "补录学时",
    "Add the entry": "添加记录",
    "Read only": "只读",
    "Your role at this unit lets you read, not change. Ask the unit's administrator (管理员) to make the change.":
        "您在本单位的角色只能查看、不能修改。请联系本单位管理员进行修改。",
    "Registrations awaiting approval": "待审核的注册",
    "Approve": "通过",
    "Reason for the rejection": "退回理由",
    "Reject": "退回",
    "No registration is waiting.": "没有待审核的注册。",
    "Exports": "导出",
    "Circular workbook (XLSX: units and learners)": "通报工作簿（XLSX：单位汇总与学员明细）",
    "Learners (CSV)": "学员明细（CSV）",
    "Units (CSV)": "单位汇总（CSV）",
    "Exports are in the language of this page.": "导出文件使用本页面的语言。",
    "Circular": "通报",
    "Quarterly notices to learners": "季度个人通知",
    "Send the notices": "发送通知",
    "What was sent": "发送记录",
    "Sent at": "发送时间",
    "Year and quarter": "年度与季度",
    "Sent by": "发送人",
    "Failed": "失败",
    "Skipped": "跳过",
    "Recipients": "接收人",
    "No notices sent yet.": "尚未发送通知。",
    "Circular, exports and notices": "通报、导出与通知",
    "Hours registration forms of the year (XLSX)": "本年度学时登记表（XLSX）",
    "The year at a glance": "年度概况",
    "%(met)s of %(learners)s active learners met the year's requirement (completion rate %(rate)s%%).":
        "%(learners)s 名在训学员中 %(met)s 名已完成年度要求（完成率 %(rate)s%%）。",
    "Earned this year: %(total)s in total, %(required)s of them from required courses.":
        "本年度共获得 %(total)s，其中必修课程 %(required)s。",
    "Completion rate by unit": "各单位完成率",
    "%(name)s (its own learners)": "%(name)s（本级学员）",
    "No units below this one.": "本单位没有下级单位。",
    "By month: hours earned (required and elective) and completion rate": "按月：获得学时（必修与选修）和完成率",
    "Month": "月份",
    "Learners met by the end of the month": "月底前已完成的学员",
    "All active learners": "全部在训学员",
    "Learners below target": "未达标学员",
    "Search by name, user name or unit": "按姓名、用户名或单位搜索",
    "Search": "搜索",
    "Show only learners below target": "只显示未达标学员",
    "Show all active learners": "显示全部在训学员",
    "no status yet": "尚无统计",
    "No active learners.": "没有在训学员。",
    "Nobody is below target.": "没有未达标的学员。",
    "Pages": "分页",
    "Previous": "上一页",
    "Page %(n)s of %(total)s": "第 %(n)s 页，共 %(total)s 页",
    "Next": "下一页",
    "Document": "材料",
    "Approve and credit": "通过并计入学时",
    "Declare the training that no course recorded — off-job training, central-group study, self-study and lecturing "
    "— by %(deadline)s. Your unit reviews each line; approved lines are credited to your training file.":
        "请在 %(deadline)s 前申报平台未记录的学时：脱产培训、中心组学习、在职自学和授课。"
        "所在单位逐条审核，审核通过的计入您的电子档案。",
    "Lines of the form": "登记表条目",
    "Download my form (XLSX)": "下载我的登记表（XLSX）",
    "Declare a line": "申报一条",
    "Submit to my unit": "提交单位审核",
    "The form of this year closed on 20 December. Ask your unit to enter anything still missing.":
        "本年度登记表已于12月20日截止。如有遗漏，请联系所在单位录入。",
    "Quota met": "已完成年度要求",
    "Quota not met yet": "尚未完成年度要求",
    "Annual completion certificate": "年度结业证书",
    "Serial": "编号",
    "Your role lets you read, not import.": "您的角色只能查看，不能导入。",
    "new learner": "新增学员",
    "profile for an existing account": "为已有账号建立学员信息",
    "update": "更新",
    "unchanged": "无变化",
    "credited": "已计入",
    "recorded, not counted": "已记录，不计学时",
    "already in the ledger": "档案中已有",
}

ENTRY = re.compile(r'(msgid ((?:".*"\n)+))(msgid_plural (?:".*"\n)+)?(msgstr(?:\[0\])? ((?:".*"\n)+))', re.M)


def _joined(block):
    return "".join(re.findall(r'"(.*)"', block)).replace('\\"', '"').replace("\\n", "\n")


def _quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"\n'


def _unfuzzy(block):
    """
    Drop msgmerge's "fuzzy" guess (and its ``#|`` previous msgid) from an entry the table
    translates: compilemessages skips fuzzy entries, so a new "Met" guessed from "met"
    would silently stay English.  Entries the table does not know keep their flag.
    """
    match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
    if not match or "#, fuzzy" not in block or ZH.get(_joined(match.group(1))) is None:
        return block
    lines = [line for line in block.split("\n") if not line.startswith("#| ")]
    lines = [line.replace("#, fuzzy, ", "#, ") if line.startswith("#, fuzzy") else line for line in lines]
    return "\n".join(line for line in lines if line != "#, fuzzy")


def fill(text):
    missing = []

    def replace(match):
        msgid = _joined(match.group(2))
        if not msgid:
            return match.group(0)
        zh = ZH.get(msgid)
        if zh is None:
            missing.append(msgid)
            return match.group(0)
        key = "msgstr[0]" if match.group(3) else "msgstr"
        return f"{match.group(1)}{match.group(3) or ''}{key} {_quoted(zh)}"

    text = ENTRY.sub(replace, text)
    text = "\n\n".join(_unfuzzy(block) for block in text.split("\n\n"))
    text = text.replace('"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"',
                        '"Plural-Forms: nplurals=1; plural=0;\\n"')
    text = re.sub(r'"Language: .*\\n"', '"Language: zh_Hans\\\\n"', text)
    text = text.replace('"Content-Type: text/plain; charset=CHARSET\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"')
    text = text.replace("#, fuzzy\n", "", 1)
    text = re.sub(r'msgstr\[[1-9]\] ".*"\n', "", text)  # Chinese has one plural form
    for field, value in (("Project-Id-Version", "cadre-credit-hours cadre_policy_plugin"),
                         ("PO-Revision-Date", "2026-01-01 00:00+0800"),
                         ("Last-Translator", "cadre-credit-hours maintainers"),
                         ("Language-Team", "Chinese (Simplified)")):
        text = re.sub(rf'"{field}: .*\\n"', f'"{field}: {value}\\\\n"', text)
    return text, missing


if __name__ == "__main__":
    with open(PO, encoding="utf-8") as handle:
        filled, untranslated = fill(handle.read())
    with open(PO, "w", encoding="utf-8") as handle:
        handle.write(filled)
    for msgid in untranslated:
        print(f"untranslated: {msgid!r}")
