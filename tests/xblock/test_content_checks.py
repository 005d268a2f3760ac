"""
Attention checks a script cannot read: the author's content questions (随堂弹题) and,
without a pool, a number drawn in a noisy picture.

The reproduced bot is a script with a copied session and no browser: it speaks the
JSON protocol through the block's handlers exactly as the page would, reports an
honest-looking player, and answers each check from what the JSON tells it.  Over many
runs it passes a check only as often as guessing does (1 in the number of choices),
and a failed check leaves it nothing past that check.
"""
import json
import math
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.utils import translation

from cadre_credits_xblock import questions
from cadre_credits_xblock import verification as v
from cadre_credits_xblock.models import AttentionCheck, BlockProgress

from .runtime import call, get, make_block
from .viewer import Viewer

pytestmark = pytest.mark.django_db

POOL = """
? 数字政府建设首先要坚持什么理念？
+ 以人民为中心
- 以技术为中心
- 以部门为中心
- 以项目为中心

？ 政务服务“一网通办”的基础是什么？
@ 0:20
+ 数据共享
- 重复填报
- 多头跑腿
- 线下排队

?? 下列哪些做法符合数据安全要求？
+ 分级分类保护
+ 最小必要授权
- 明文外发数据
"""

FORM = {
    "display_name": "数字政府概述", "category": "elective", "hours": "1", "lecture_minutes": "", "topic": "knowledge",
    "exam_required": False, "media_kind": "video", "video_url": "/media/l1.mp4", "reading_text": "",
    "duration_seconds": "60", "checks_required": "1", "required_share": "0.95", "questions": POOL,
}


def authored(name, author, **change):
    block = make_block(name, author, studio=True)
    status, body = call(block, "studio_submit", {**FORM, **change})
    assert status == 200, body
    return block


# ----------------------------------------------------------------- authoring


def test_studio_stores_the_pool_and_shows_it_back_for_editing(block_name, author):
    block = authored(block_name, author)
    assert len(block.questions) == 3
    first, second, third = block.questions
    assert (first["text"], first["multiple"], first["at"], first["correct"]) == (
        "数字政府建设首先要坚持什么理念？", False, None, [0])
    assert (second["at"], third["multiple"], third["correct"]) == (20, True, [0, 1])
    html = block.runtime.render(block, "studio_view").content
    assert 'for="cc-questions"' in html and 'id="cc-questions"' in html
    assert "@ 0:20" in html and "?? 下列哪些做法符合数据安全要求？" in html
    assert questions.parse(questions.to_text(block.questions), duration=60) == block.questions
    summary = block.runtime.render(block, "author_view").content
    assert "3" in summary


@pytest.mark.parametrize(("pool", "message"), [
    ("? 问题\n+ 甲", "第 1 行：问题的选项须在 2 到 8 个之间。"),
    ("? 问题\n+ 甲\n+ 乙", "第 1 行：单选题须恰好有一个正确选项（+）。"),
    ("?? 问题\n+ 甲\n+ 乙", "第 1 行：多选题须至少有一个正确选项（+）和一个错误选项（-）。"),
    ("+ 甲\n- 乙", "第 1 行：每道题须以 ? 开头的一行开始（多选题用 ??）。"),
    ("? 问题\n@ 5:00\n+ 甲\n- 乙", "第 2 行：时间点晚于讲座结束。"),
    ("? 问题\n@ 半分钟\n+ 甲\n- 乙", "第 2 行：时间点请写成 分:秒（如 1:30）或秒数。"),
    ("? 问题\n+ 甲\n- 甲", "第 3 行：该选项与本题已有选项重复。"),
    ("? 问题\n* 甲", "第 2 行：每行须以 ?、??、@、+（正确选项）或 -（错误选项）开头。"),
])
def test_a_wrong_pool_is_refused_with_a_translated_message_naming_the_line(block_name, author, pool, message):
    block = make_block(block_name, author, studio=True)
    with translation.override("zh-hans"):
        status, body = call(block, "studio_submit", {**FORM, "questions": pool})
    assert (status, body) == (400, {"error": message})
    assert block.questions == []


def test_each_check_sends_a_pool_question_shuffled_with_opaque_ids_and_never_the_answer(block_name, author,
                                                                                      learner, clock):
    authored(block_name, author)
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    while viewer.check is None:
        viewer.beat(15)
    check = viewer.check
    assert check["kind"] == "question"
    pool = {q["text"]: q for q in make_block(block_name, author).questions}
    question = pool[check["question"]]
    assert check["text"] == check["question"]
    assert sorted(c["text"] for c in check["choices"]) == sorted(question["choices"])
    sent = json.dumps(viewer.responses[-1][1], ensure_ascii=False)
    right = viewer.right_answer()
    assert all(choice_id not in sent.replace(f'"id": "{choice_id}"', "") for choice_id in right)
    assert "answer" not in check and "correct" not in sent and "secret" not in sent
    assert all(len(c["id"]) == 10 and c["id"] != c["text"] for c in check["choices"])
    assert check["multiple"] is question["multiple"]
    assert viewer.answer(correct=True)["passed"] is True
    row = AttentionCheck.objects.get(check_id=check["id"])
    assert (row.kind, row.text, row.outcome, row.response_ms) == ("question", check["question"], "passed", 3000)
    assert row.answer == sorted(right) and row.correct == sorted(right)
    assert row.session.user_id == learner.id


def test_a_question_with_a_time_point_waits_until_the_learner_has_watched_up_to_it(block_name, author, learner,
                                                                                  clock):
    only_late = "? 政务服务“一网通办”的基础是什么？\n@ 0:50\n+ 数据共享\n- 重复填报"
    authored(block_name, author, questions=only_late, duration_seconds="120", checks_required="3")
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    kinds = []
    while len(kinds) < 3:
        viewer.beat(15)
        if viewer.check is not None:
            kinds.append((viewer.check["kind"], D(viewer.responses[-1][1]["resume_at"])))
            viewer.answer(correct=True)
    for kind, at in kinds:
        assert kind == ("question" if at >= 50 else "picture"), kinds


def test_a_multiple_choice_question_passes_only_with_exactly_the_right_set(block_name, author, learner, clock):
    multiple = "?? 下列哪些做法符合数据安全要求？\n+ 分级分类保护\n+ 最小必要授权\n- 明文外发数据"
    authored(block_name, author, questions=multiple, checks_required="2", duration_seconds="120")
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    while viewer.check is None:
        viewer.beat(15)
    assert viewer.check["multiple"] is True
    right = viewer.right_answer()
    viewer.seq += 1
    status, body = viewer.call("answer_check", {"token": viewer.token, "seq": viewer.seq,
                                                "check_id": viewer.check["id"], "answer": right[:1]})
    assert status == 200 and body["passed"] is False and body["reasons"] == ["check_wrong"]
    viewer._follow(body)
    while viewer.check is None:
        viewer.beat(15)
    assert viewer.answer(correct=True)["passed"] is True


# --------------------------------------------------------- the picture fallback


def test_without_a_pool_the_number_exists_only_in_the_picture(block_name, author, learner, clock):
    authored(block_name, author, questions="")
    viewer = Viewer(block_name, learner, clock)
    viewer.start()
    while viewer.check is None:
        viewer.beat(15)
    check = viewer.check
    assert check["kind"] == "picture" and check["picture"]["alt"]
    secret = BlockProgress.objects.get(user=learner).state["pending"]["secret"]
    texts = [c["text"] for c in check["choices"]]
    assert secret in texts and len(set(texts)) == 4
    body = json.dumps(viewer.responses[-1][1], ensure_ascii=False)
    assert body.count(f'"{secret}"') == 1  # once, as one choice's text among four: nothing marks it
    assert secret not in check["question"]
    picture = get(viewer.block, "check_picture", f"check={check['id']}")
    assert picture.status_code == 200 and picture.content_type == "image/png"
    assert picture.body.startswith(b"\x89PNG") and "no-store" in picture.headers["Cache-Control"]
    assert get(viewer.block, "check_picture", f"check={check['id']}").body == picture.body  # same noise again
    assert get(viewer.block, "check_picture", "check=nope").status_code == 404
    other = make_block(block_name, author)  # the author has no pending check here
    assert get(other, "check_picture", f"check={check['id']}").status_code == 404
    viewer.answer(correct=True)
    assert get(viewer.block, "check_picture", f"check={check['id']}").status_code == 404


# ------------------------------------------------------------- the script


class CopiedSessionBot:
    """
    The reproduced bot: a copied session cookie (the runtime serves ``user``), no
    browser, no video.  It plays an honest-looking player in JSON and answers every
    check from the JSON alone, with one of three strategies.
    """

    STRATEGIES = ("named_in_question", "first", "random")

    def __init__(self, block, clock, rng, strategy):
        self.block, self.clock, self.rng, self.strategy = block, clock, rng, strategy
        self.seq = 0
        self.position = 0
        self.check = None

    def post(self, handler, body):
        status, reply = call(self.block, handler, body, remote_addr="198.51.100.7", user_agent="python-requests/2.32")
        assert status == 200, reply
        return reply

    def start(self):
        reply = self.post("start_session", {})
        self.token = reply["token"]

    def beat(self):
        self.clock.advance(30)
        self.position = min(self.position + 30, float(self.block.duration_seconds))
        self.seq += 1
        reply = self.post("heartbeat", {"token": self.token, "seq": self.seq, "position": self.position, "rate": 1,
                                        "visible": True, "focused": True, "idle_seconds": 0})
        self._follow(reply)
        return reply

    def answer(self):
        self.clock.advance(2)
        choices = self.check["choices"]
        if self.strategy == "named_in_question":  # what beat "choose the number 45"
            named = [c["id"] for c in choices if c["text"] in self.check["question"]]
            picked = named[:1] or [choices[0]["id"]]
        elif self.strategy == "first":
            picked = [choices[0]["id"]]
        else:
            count = self.rng.randint(1, len(choices) - 1) if self.check["multiple"] else 1
            picked = [c["id"] for c in self.rng.sample(choices, count)]
        self.seq += 1
        reply = self.post("answer_check", {"token": self.token, "seq": self.seq, "check_id": self.check["id"],
                                           "answer": picked})
        self._follow(reply)
        return reply

    def _follow(self, reply):
        self.check = reply["check"]
        if reply["resume_at"] is not None:
            self.position = reply["resume_at"]


RUNS = 160


@pytest.mark.parametrize("pool", ["single", "picture"])
def test_the_copied_session_bot_passes_checks_only_by_chance_and_earns_nothing_past_the_first(
        pool, block_name, author, learner, clock):
    source = "\n".join(POOL.strip().split("\n\n")[0:2]) if pool == "single" else ""  # two 4-choice questions
    rng = random.Random(12)
    passed = 0
    for run in range(RUNS):
        block = authored(f"{block_name}_{run}", author, questions=source)
        bot = CopiedSessionBot(make_block(f"{block_name}_{run}", learner), clock, rng,
                               CopiedSessionBot.STRATEGIES[run % 3])
        bot.start()
        while bot.check is None:
            bot.beat()
        check_at = D(str(bot.position))
        assert len(bot.check["choices"]) == 4
        reply = bot.answer()
        row = BlockProgress.objects.get(user=learner, usage_key=block.scope_ids.usage_id)
        if reply["passed"]:
            passed += 1
            continue
        assert reply["reasons"] == ["check_wrong"]
        assert row.verified_seconds == D(0)  # everything since the start voided
        for _ in range(3):  # it plays on: the frontier never passes the check it failed
            bot.beat()
            if bot.check is not None:
                break
        row.refresh_from_db()
        assert row.verified_seconds <= check_at and row.checks_passed == 0
    expected, spread = RUNS / 4, 4 * math.sqrt(RUNS * (1 / 4) * (3 / 4))
    assert expected - spread <= passed <= expected + spread, f"passed {passed} of {RUNS}"
    outcomes = dict.fromkeys(("passed", "wrong"), 0)
    for outcome in AttentionCheck.objects.filter(user=learner).exclude(outcome="pending").values_list("outcome",
                                                                                                         flat=True):
        outcomes[outcome] += 1
    assert outcomes["passed"] == passed and outcomes["wrong"] == RUNS - passed


def test_guessing_a_multiple_choice_question_is_rarer_still():
    """Pure rules: the bot's best guess at a 2-of-3 question is one of the 6 non-empty proper subsets."""
    rules = v.Rules(duration=D(60), checks_required=1, questions=questions.for_rules(
        questions.parse("?? 下列哪些做法符合数据安全要求？\n+ 分级分类保护\n+ 最小必要授权\n- 明文外发数据", duration=60)))
    t0 = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    rng = random.Random(5)
    passed = 0
    for seed in range(600):
        started = v.start(v.Progress(), rules, seed=seed, now=t0)
        result = v.heartbeat(started.progress, started.session, v.Heartbeat(seq=1, position=D(60)),
                             replace(rules, max_interval=D(60)),
                             now=t0 + timedelta(seconds=60), today=date(2026, 3, 5))
        check = result.check
        picked = [c.id for c in rng.sample(check.choices, rng.randint(1, 2))]
        settled = v.answer_check(result.progress, result.session, seq=2, check_id=check.check_id, answer=picked,
                                 rules=rules, now=t0 + timedelta(seconds=62))
        passed += v.CHECK_PASSED in settled.reasons
    assert passed / 600 <= 1 / 6 + 4 * math.sqrt((1 / 6) * (5 / 6) / 600)
