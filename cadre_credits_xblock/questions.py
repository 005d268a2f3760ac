"""
The author's pool of content questions (随堂弹题): a small text format, parsed and
validated here, stored as a list of plain dicts in the block's ``questions`` field.

The format is written in Studio's editor, one line per item, a blank line between
questions if you like::

    ? 数字政府建设首先要坚持什么理念？
    @ 0:10
    + 以人民为中心
    - 以技术为中心
    - 以部门为中心

    ?? 下列哪些属于“一网通办”的要求？
    + 数据共享
    + 流程再造
    - 多头跑腿

``?`` starts a single-choice question, ``??`` a multiple-choice one (full-width ``？``
works too); ``@`` gives the optional time point (``m:ss`` or seconds) the question is
about: it is asked only after the learner has verified the lecture up to there; ``+``
is a right choice, ``-`` a wrong one.  Every message a refused pool gets is translated
and names the line.  Nothing here is ever sent to a learner's browser: the server
picks a question per check and sends its text and shuffled choices only
(:func:`cadre_credits_xblock.verification._issue_check`).
"""
import hashlib
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from . import verification as v

MAX_QUESTIONS = 100
MAX_CHOICES = 8
MIN_CHOICES = 2
MAX_TEXT = 500
MAX_CHOICE_TEXT = 200
MAX_SOURCE = 60_000
TIME = re.compile(r"^(?:(\d{1,4}):([0-5]\d)|(\d{1,6}))$")


class PoolError(ValueError):
    """A pool the author must correct; ``str(error)`` is the translated message."""


def parse(source: str, *, duration: int) -> list[dict]:
    """The pool as stored (a list of dicts); raises :class:`PoolError` naming the first wrong line."""
    source = str(source or "")
    if len(source) > MAX_SOURCE:
        raise PoolError(_("The questions are too long (at most {count} characters in all).").format(count=MAX_SOURCE))
    questions: list[dict] = []
    current = None
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        marker, text = _split(line)
        if marker in ("?", "??"):
            if current is not None:
                questions.append(_finish(current))
            if not text:
                raise PoolError(_("Line {line}: the question has no text.").format(line=number))
            if len(text) > MAX_TEXT:
                raise PoolError(_("Line {line}: a question has at most {count} characters.").format(
                    line=number, count=MAX_TEXT))
            current = {"line": number, "text": text, "multiple": marker == "??", "at": None, "choices": []}
            continue
        if current is None:
            raise PoolError(_("Line {line}: start each question with a line beginning with ? "
                              "(or ?? for a multiple-choice question).").format(line=number))
        if marker == "@":
            current["at"] = _time_point(text, number, duration, current)
        elif marker in ("+", "-"):
            if not text:
                raise PoolError(_("Line {line}: the choice has no text.").format(line=number))
            if len(text) > MAX_CHOICE_TEXT:
                raise PoolError(_("Line {line}: a choice has at most {count} characters.").format(
                    line=number, count=MAX_CHOICE_TEXT))
            if any(text == other for other, _right in current["choices"]):
                raise PoolError(_("Line {line}: this choice is already given for the question.").format(line=number))
            current["choices"].append((text, marker == "+"))
        else:
            raise PoolError(_("Line {line}: start the line with ?, ??, @, + (right choice) or - "
                              "(wrong choice).").format(line=number))
    if current is not None:
        questions.append(_finish(current))
    if len(questions) > MAX_QUESTIONS:
        raise PoolError(_("Write at most {count} questions.").format(count=MAX_QUESTIONS))
    ids = [q["id"] for q in questions]
    for index, qid in enumerate(ids):
        if qid in ids[:index]:
            raise PoolError(_("Question {number} repeats an earlier question.").format(number=index + 1))
    return questions


FULL_WIDTH = str.maketrans({"？": "?", "＋": "+", "－": "-", "＠": "@"})


def _split(line):
    """The line's marker (full-width forms allowed) and the text after it (kept as written)."""
    head = line[:2].translate(FULL_WIDTH)
    for marker in ("??", "?", "@", "+", "-"):
        if head.startswith(marker):
            return marker, line[len(marker):].strip()
    return "", line


def _time_point(text, number, duration, current):
    if current["at"] is not None:
        raise PoolError(_("Line {line}: a question has at most one time point.").format(line=number))
    match = TIME.match(text.replace("：", ":"))
    if match is None:
        raise PoolError(_("Line {line}: write the time point as minutes:seconds (e.g. 1:30) or seconds.").format(
            line=number))
    seconds = int(match.group(3)) if match.group(3) else int(match.group(1)) * 60 + int(match.group(2))
    if duration and seconds > duration:
        raise PoolError(_("Line {line}: the time point is after the end of the lecture.").format(line=number))
    return seconds


def _finish(current):
    number = current["line"]
    choices = current["choices"]
    right = [index for index, (_text, is_right) in enumerate(choices) if is_right]
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise PoolError(_("Line {line}: give the question between {low} and {high} choices.").format(
            line=number, low=MIN_CHOICES, high=MAX_CHOICES))
    if not current["multiple"] and len(right) != 1:
        raise PoolError(_("Line {line}: a single-choice question needs exactly one right choice (+).").format(
            line=number))
    if current["multiple"] and not 1 <= len(right) < len(choices):
        raise PoolError(_("Line {line}: a multiple-choice question needs at least one right (+) and one wrong (-) "
                          "choice.").format(line=number))
    texts = [text for text, _right in choices]
    digest = hashlib.sha256("\n".join([current["text"], *texts]).encode("utf-8")).hexdigest()[:12]
    return {"id": digest, "text": current["text"], "multiple": current["multiple"], "at": current["at"],
            "choices": texts, "correct": right}


def to_text(pool) -> str:
    """The stored pool back in the editor's format (what Studio shows for editing)."""
    blocks = []
    for question in for_rules(pool):  # rows an import left malformed are not shown (nor asked)
        lines = [("?? " if question.multiple else "? ") + question.text]
        if question.at is not None:
            seconds = int(question.at)
            lines.append(f"@ {seconds // 60}:{seconds % 60:02d}")
        for index, text in enumerate(question.choices):
            lines.append(("+ " if index in question.correct else "- ") + text)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def for_rules(pool) -> tuple[v.Question, ...]:
    """The stored pool as the pure rules' :class:`~verification.Question` records (bad rows skipped)."""
    questions = []
    for question in pool or []:
        try:
            questions.append(v.Question(
                qid=str(question["id"]), text=str(question["text"]),
                choices=tuple(str(text) for text in question["choices"]),
                correct=tuple(int(index) for index in question["correct"]),
                multiple=bool(question.get("multiple")),
                at=None if question.get("at") is None else Decimal(int(question["at"])),
            ))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(questions)
