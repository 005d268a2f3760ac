"""
Converting the pure verification records to and from the JSON kept in the rows.

Kept apart from :mod:`sessions` so the storage format (decimals as strings, ISO
dates) is defined in one small place and round-trips are easy to test.
"""
from datetime import date, datetime
from decimal import Decimal

from .verification import CHECK_PICTURE, Check, Choice, Progress, Session, secs


def progress_from_row(row) -> Progress:
    """A :class:`Progress` from a ``BlockProgress`` row."""
    state = row.state or {}
    pending = state.get("pending")
    return Progress(
        frontier=secs(row.verified_seconds),
        checkpoint=secs(state.get("checkpoint", "0")),
        provisional=tuple((date.fromisoformat(day), secs(amount)) for day, amount in state.get("provisional", [])),
        checks_passed=row.checks_passed,
        planned=tuple(secs(p) for p in state.get("planned", [])),
        pending=_check_from_json(pending) if pending else None,
        asked=tuple(state.get("asked", [])),
    )


def progress_to_row(progress: Progress, row) -> None:
    """Write ``progress`` into a ``BlockProgress`` row (not saved)."""
    row.verified_seconds = progress.frontier
    row.checks_passed = progress.checks_passed
    row.state = {
        "checkpoint": str(progress.checkpoint),
        "provisional": [[day.isoformat(), str(amount)] for day, amount in progress.provisional],
        "planned": [str(p) for p in progress.planned],
        "pending": _check_to_json(progress.pending) if progress.pending else None,
        "asked": list(progress.asked),
    }


def session_from_row(row, *, live: bool) -> Session:
    """A :class:`Session` from a ``LearningSession`` row."""
    state = row.state or {}
    return Session(
        seed=int(state["seed"]),
        seq=row.last_seq,
        last_seen=row.last_seen,
        position=secs(state.get("position", "0")),
        live=live,
        issued=int(state.get("issued", 0)),
    )


def session_to_row(session: Session, row) -> None:
    """Write ``session`` into a ``LearningSession`` row (not saved); keeps other keys."""
    row.last_seq = session.seq
    if session.last_seen is not None:
        row.last_seen = session.last_seen
    row.state = {**(row.state or {}), "seed": session.seed, "position": str(session.position),
                 "issued": session.issued}


def check_for_browser(check: Check, now: datetime) -> dict:
    """What the browser may see of a check: never the answer, never the picture's number."""
    remaining = max(0, int((check.deadline - now).total_seconds()))
    return {
        "id": check.check_id, "kind": check.kind, "text": check.text, "multiple": check.multiple,
        "choices": [{"id": choice.id, "text": choice.text} for choice in check.choices], "expires_in": remaining,
    }


def _check_to_json(check: Check) -> dict:
    return {
        "id": check.check_id,
        "position": str(check.position),
        "issued_at": check.issued_at.isoformat(),
        "deadline": check.deadline.isoformat(),
        "kind": check.kind,
        "text": check.text,
        "choices": [[choice.id, choice.text] for choice in check.choices],
        "answer": list(check.answer),
        "multiple": check.multiple,
        "question": check.question_id,
        "secret": check.secret,
    }


def _check_from_json(data: dict) -> Check:
    if "kind" not in data:  # a check issued before content questions: "choose the number N"
        return Check(
            check_id=data["id"], position=Decimal(data["position"]),
            issued_at=datetime.fromisoformat(data["issued_at"]), deadline=datetime.fromisoformat(data["deadline"]),
            kind=CHECK_PICTURE, text="", choices=tuple(Choice(c, c) for c in data["choices"]),
            answer=(data["answer"],), secret=data["answer"],
        )
    return Check(
        check_id=data["id"],
        position=Decimal(data["position"]),
        issued_at=datetime.fromisoformat(data["issued_at"]),
        deadline=datetime.fromisoformat(data["deadline"]),
        kind=data["kind"],
        text=data["text"],
        choices=tuple(Choice(choice_id, text) for choice_id, text in data["choices"]),
        answer=tuple(data["answer"]),
        multiple=bool(data.get("multiple")),
        question_id=data.get("question", ""),
        secret=data.get("secret", ""),
    )
