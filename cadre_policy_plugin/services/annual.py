"""
Annual completion certificates (结业证书, Anhui Art. 11): issue, revoke, verify.

``sync_certificate`` runs after every year-status refresh: a year that became met under
a pack granting the certificate gets one (once: unique per learner and year); a year
that is no longer met (hours revoked for cheating, Art. 13) marks its certificate
revoked, so the public verification page stops confirming it; a year met again
restores it with a new verification code.
"""
import logging
import re
import secrets
import unicodedata
from decimal import Decimal

from django.utils import timezone

from cadre_policy_plugin.models import AnnualCertificate

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def new_verification_code():
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def serial_for(year, user_id):
    return f"CC{year}-{user_id:08d}"


def totals_from(row):
    """Hours (or credits) by category as printed: required, elective (the rest), total."""
    def fmt(value):
        return f"{Decimal(value):.2f}"

    return {
        "required": fmt(row.required_earned),
        "elective": fmt(Decimal(row.total_earned) - Decimal(row.required_earned)),
        "total": fmt(row.total_earned),
        "needed": fmt(row.total_needed),
    }


def sync_certificate(profile, pack, status_row):
    """Issue, restore or revoke the year's certificate to match ``status_row``."""
    cert = AnnualCertificate.objects.filter(user_id=profile.user_id, year=status_row.year).first()
    if status_row.met and pack.grants_annual_certificate:
        if cert is None:
            cert = AnnualCertificate.objects.create(
                user_id=profile.user_id, year=status_row.year, serial=serial_for(status_row.year, profile.user_id),
                verification_code=new_verification_code(), real_name=profile.real_name,
                unit_name=profile.unit.name, policy_key=pack.key, unit_of_measure=pack.unit,
                totals=totals_from(status_row))
            log.info("annual certificate %s issued to user %s", cert.serial, profile.user_id)
        elif not cert.is_valid:
            cert.revoked_at = None
            cert.revoked_reason = ""
            cert.verification_code = new_verification_code()
            cert.totals = totals_from(status_row)
            cert.save()
            log.info("annual certificate %s restored for user %s", cert.serial, profile.user_id)
        return cert
    if cert is not None and cert.is_valid and not status_row.met:
        cert.revoked_at = timezone.now()
        cert.revoked_reason = "year_no_longer_met"
        cert.save(update_fields=["revoked_at", "revoked_reason"])
        log.info("annual certificate %s revoked: year no longer met", cert.serial)
    return cert


def sync_certificates(items):
    """
    ``sync_certificate`` for many ``(profile, pack, status_row)`` at once (the close):
    one read of the existing certificates, then one bulk insert, one bulk update of the
    restored and one UPDATE of the revoked.  Returns ``(issued, restored, revoked)``.
    """
    items = list(items)
    if not items:
        return 0, 0, 0
    users = {profile.user_id for profile, _pack, _row in items}
    years = {row.year for _profile, _pack, row in items}
    existing = {(cert.user_id, cert.year): cert
                for cert in AnnualCertificate.objects.filter(user_id__in=users, year__in=years)}
    new, restored, revoked = [], [], []
    for profile, pack, row in items:
        cert = existing.get((profile.user_id, row.year))
        if row.met and pack.grants_annual_certificate:
            if cert is None:
                new.append(AnnualCertificate(
                    user_id=profile.user_id, year=row.year, serial=serial_for(row.year, profile.user_id),
                    verification_code=new_verification_code(), real_name=profile.real_name,
                    unit_name=profile.unit.name, policy_key=pack.key, unit_of_measure=pack.unit,
                    totals=totals_from(row)))
            elif not cert.is_valid:
                cert.revoked_at = None
                cert.revoked_reason = ""
                cert.verification_code = new_verification_code()
                cert.totals = totals_from(row)
                restored.append(cert)
        elif cert is not None and cert.is_valid and not row.met:
            revoked.append(cert.pk)
    if new:
        # ignore_conflicts: a chunk redone by a second worker finds them already issued.
        AnnualCertificate.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    if restored:
        AnnualCertificate.objects.bulk_update(restored, ["revoked_at", "revoked_reason", "verification_code",
                                                         "totals"], batch_size=500)
    if revoked:
        AnnualCertificate.objects.filter(pk__in=revoked).update(revoked_at=timezone.now(),
                                                                revoked_reason="year_no_longer_met")
    if new or restored or revoked:
        log.info("annual certificates: %s issued, %s restored, %s revoked", len(new), len(restored), len(revoked))
    return len(new), len(restored), len(revoked)


def normalise_code(code):
    """
    A code as typed or scanned, in its stored form ``XXXX-XXXX-XXXX``: case, spaces,
    dashes of any kind and full-width characters (NFKC) do not matter, because people
    copy codes from paper and phones (``ksuv2638jzza`` is ``KSUV-2638-JZZA``).  Anything
    that is not twelve letters and digits after that comes back as typed (it matches
    nothing).
    """
    text = unicodedata.normalize("NFKC", code or "")
    compact = re.sub(r"[\s\-\u2010-\u2015\u2212\u30fc_.]", "", text).upper()
    if len(compact) == 12 and compact.isascii() and compact.isalnum():
        return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"
    return compact


def verify(code):
    """The certificate a code confirms, or ``None`` (unknown or revoked)."""
    code = normalise_code(code)
    if not code:
        return None
    cert = AnnualCertificate.objects.select_related(None).filter(verification_code=code).first()
    return cert if cert is not None and cert.is_valid else None
