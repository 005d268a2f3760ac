"""
The dashboard's figures for one node's subtree and year, in a handful of grouped
queries over ``YearStatus`` and the ledger (never one query or one engine run per
learner; a province is the same number of queries as a unit).

* ``unit_rates``: completion rate of each child unit (active learners only, as in the
  circular: a learner without a cached status counts as not met).  One grouped query
  for the learners per unit and one for the met per unit, rolled up to the children by
  their materialized path.
* ``monthly``: hours (or credits) earned each month, required and elective, from the
  ledger (reversals carry negative values, so a revocation lowers its month), and the
  share of learners who had met the year by the end of each month: a learner whose
  cached status is met is counted from the first month where the running totals reach
  both the total and the required needed (from their last entry month when the engine's
  other rules, such as caps, make the running sum cross later than the status).
* ``below_target``: the learners not met, with their shortfall, sortable, searchable by
  name, user name or unit (never by ID number), as a queryset for the paginator.
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Count, DecimalField, ExpressionWrapper, F, FilteredRelation, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth

from cadre_policy_plugin.models import LearnerProfile, LearnerStatus, LedgerEntry, OrgNode, YearStatus
from cadre_policy_plugin.services.circulars import completion_rate

ZERO = Decimal("0")
MONTHS = tuple(range(1, 13))
SORTS = {
    "shortfall": ("-shortfall_value", "real_name", "id"),
    "-shortfall": ("shortfall_value", "real_name", "id"),
    "name": ("real_name", "id"),
    "-name": ("-real_name", "-id"),
    "unit": ("unit__code", "real_name", "id"),
    "-unit": ("-unit__code", "-real_name", "-id"),
}
DEFAULT_SORT = "shortfall"
AMOUNT = DecimalField(max_digits=12, decimal_places=2)


def active_profiles(node):
    return LearnerProfile.objects.in_subtree([node]).filter(status=LearnerStatus.ACTIVE)


def available_years(node, current, *, back=4):
    """The current year and the ``back`` years before it, plus any year with a cached status, newest first."""
    years = set(YearStatus.objects.filter(user__cadre_profile__in=active_profiles(node))
                .values_list("year", flat=True).distinct())
    years.update(range(current - back, current + 1))
    return sorted(years, reverse=True)


def _child_of(children, path):
    for child in children:
        if path.startswith(child.path):
            return child
    return None


def unit_rates(node, year):
    """One row per child of ``node`` (and the node's own learners, if any): learners, met, rate."""
    children = list(OrgNode.objects.filter(parent=node).order_by("code"))
    profiles = active_profiles(node)
    learners = dict(profiles.values("unit__path").annotate(n=Count("id")).values_list("unit__path", "n"))
    met = dict(YearStatus.objects.filter(year=year, met=True, user__cadre_profile__in=profiles)
               .values("user__cadre_profile__unit__path").annotate(n=Count("id"))
               .values_list("user__cadre_profile__unit__path", "n"))
    rows = {child.pk: {"node": child, "learners": 0, "met": 0} for child in children}
    own = {"node": node, "learners": 0, "met": 0, "own": True}
    for path, count in learners.items():
        target = rows.get(getattr(_child_of(children, path), "pk", None), own)
        target["learners"] += count
    for path, count in met.items():
        target = rows.get(getattr(_child_of(children, path), "pk", None), own)
        target["met"] += count
    result = list(rows.values())
    if own["learners"]:
        result.append(own)
    for row in result:
        row["rate"] = completion_rate(row["met"], row["learners"])
    return result


def totals(node, year):
    """Learners, met, rate and the year's earned amounts (required / elective) below ``node``."""
    profiles = active_profiles(node)
    learners = profiles.count()
    statuses = YearStatus.objects.filter(year=year, user__cadre_profile__in=profiles)
    sums = statuses.aggregate(met=Count("id", filter=Q(met=True)), total=Sum("total_earned"),
                              required=Sum("required_earned"), needed=Sum("total_needed"))
    total, required = sums["total"] or ZERO, sums["required"] or ZERO
    measures = set(statuses.values_list("unit_of_measure", flat=True).distinct())
    return {"learners": learners, "met": sums["met"], "rate": completion_rate(sums["met"], learners),
            "earned": total, "required": required, "elective": total - required, "needed": sums["needed"] or ZERO,
            "unit_of_measure": measures.pop() if len(measures) == 1 else None}


def monthly(node, year):
    """Twelve rows: month, required, elective, other earned, and the cumulative share met (see module doc)."""
    profiles = active_profiles(node)
    entries = (LedgerEntry.objects.filter(user__cadre_profile__in=profiles, earned_on__gte=date(year, 1, 1),
                                          earned_on__lte=date(year, 12, 31))
               .annotate(month=ExtractMonth("earned_on"), amount=Coalesce("value_credits", "value_hours"))
               .values("user_id", "month", "category").annotate(sum=Sum("amount")))
    by_month = {month: {"required": ZERO, "elective": ZERO, "other": ZERO} for month in MONTHS}
    per_user = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))  # user -> month -> [total, required]
    for row in entries:
        amount = row["sum"] or ZERO
        by_month[row["month"]][row["category"] if row["category"] in ("required", "elective") else "other"] += amount
        per_user[row["user_id"]][row["month"]][0] += amount
        if row["category"] == "required":
            per_user[row["user_id"]][row["month"]][1] += amount
    learners = profiles.count()
    met_in = {month: 0 for month in MONTHS}
    for user_id, needed, required_needed in (YearStatus.objects.filter(year=year, met=True, user__cadre_profile__in=profiles)
                                             .values_list("user_id", "total_needed", "required_needed")):
        months = per_user.get(user_id, {})
        running, running_required, crossed = ZERO, ZERO, None
        for month in MONTHS:
            total, required = months.get(month, (ZERO, ZERO))
            running += total
            running_required += required
            if crossed is None and running >= needed and running_required >= required_needed:
                crossed = month
        if crossed is None:
            crossed = max(months) if months else 1
        met_in[crossed] += 1
    rows, cumulative = [], 0
    for month in MONTHS:
        cumulative += met_in[month]
        rows.append({"month": month, **by_month[month], "met": cumulative,
                     "rate": completion_rate(cumulative, learners)})
    return rows


def below_target(node, year, *, search="", sort=DEFAULT_SORT, everyone=False):
    """
    Active learners below ``node`` not met in ``year`` (no status: not met), with
    ``shortfall_value``; ``everyone``: all active learners (the unit's roster).
    """
    rows = active_profiles(node).annotate(
        ys=FilteredRelation("user__cadre_year_statuses", condition=Q(user__cadre_year_statuses__year=year)))
    if not everyone:
        rows = rows.filter(Q(ys__met=False) | Q(ys__id__isnull=True))
    rows = rows.annotate(
        met_value=Coalesce(F("ys__met"), Value(False), output_field=BooleanField()),
        total_needed=F("ys__total_needed"),
        total_earned=Coalesce(F("ys__total_earned"), Value(ZERO), output_field=AMOUNT),
        required_needed=F("ys__required_needed"),
        required_earned=Coalesce(F("ys__required_earned"), Value(ZERO), output_field=AMOUNT),
        shortfall_value=Coalesce(ExpressionWrapper(F("ys__total_needed") - F("ys__total_earned"), output_field=AMOUNT),
                                 Value(ZERO), output_field=AMOUNT),
    ).select_related("unit", "user")
    search = (search or "").strip()
    if search:
        rows = rows.filter(Q(real_name__icontains=search) | Q(user__username__icontains=search)
                           | Q(unit__name__icontains=search) | Q(unit__code__icontains=search))
    return rows.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
