"""Team rules without an app: who may do what, the risk order, the filters, the CSV rows."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tracker.domain import teams as rules
from tracker.domain.teams import CredentialLine, MemberView, Sharing

TODAY = dt.date(2026, 11, 23)


def line(code: str, end: dt.date, needed: str, status: str = "on_track") -> CredentialLine:
    return CredentialLine(code=code, cycle_end=end, required=Decimal(36), earned=Decimal(36) - Decimal(needed),
                          needed=Decimal(needed), status=status, days_left=(end - TODAY).days)


def member(email: str, *lines: CredentialLine, last_ceu: dt.date | None = None, shares_ceus: bool = False) -> MemberView:
    return MemberView(membership_id=hash(email) % 1000, user_id=1, email=email, role="member",
                      sharing=Sharing(ceus=shares_ceus), credentials=list(lines),
                      ceus=[] if shares_ceus else None, last_ceu_on=last_ceu)


def test_lapsing_soonest_with_most_needed_comes_first_and_finished_cycles_last():
    done = member("done@x.org", line("CPC", dt.date(2026, 12, 31), "0", "complete"))
    soon = member("soon@x.org", line("RHIT", dt.date(2027, 1, 31), "5"))
    soon_more = member("more@x.org", line("CPC", dt.date(2027, 1, 31), "20"))
    later = member("later@x.org", line("CPC", dt.date(2027, 5, 31), "30"))
    past = member("past@x.org", line("CCS", dt.date(2026, 10, 31), "2", "overdue"))
    nothing = member("none@x.org")
    order = [m.email for m in rules.by_risk([done, soon, later, nothing, soon_more, past])]
    assert order == ["past@x.org", "more@x.org", "soon@x.org", "later@x.org", "done@x.org", "none@x.org"]


def test_a_members_riskiest_credential_decides_their_place():
    two = member("two@x.org", line("CPC", dt.date(2027, 5, 31), "1"), line("CRC", dt.date(2027, 1, 31), "3"))
    one = member("one@x.org", line("CPC", dt.date(2027, 3, 31), "10"))
    ordered = rules.by_risk([one, two])
    assert [m.email for m in ordered] == ["two@x.org", "one@x.org"]
    assert [c.code for c in ordered[0].credentials] == ["CRC", "CPC"]


def test_who_may_remove_change_roles_and_leave():
    assert rules.may_remove(rules.OWNER, rules.MANAGER) and rules.may_remove(rules.OWNER, rules.MEMBER)
    assert rules.may_remove(rules.MANAGER, rules.MEMBER)
    assert not rules.may_remove(rules.MANAGER, rules.MANAGER)
    assert not rules.may_remove(rules.MEMBER, rules.MEMBER)
    assert not any(rules.may_remove(role, rules.OWNER) for role in rules.ROLES)
    assert rules.may_change_role(rules.OWNER, rules.MEMBER, rules.MANAGER)
    assert not rules.may_change_role(rules.MANAGER, rules.MEMBER, rules.MANAGER)
    assert not rules.may_change_role(rules.OWNER, rules.MEMBER, rules.OWNER)
    assert not rules.may_leave(rules.OWNER) and rules.may_leave(rules.MANAGER) and rules.may_leave(rules.MEMBER)


def test_quiet_members_are_only_those_who_share_ceu_details():
    quiet = member("quiet@x.org", line("CPC", dt.date(2027, 5, 31), "5"), last_ceu=dt.date(2026, 4, 1), shares_ceus=True)
    busy = member("busy@x.org", line("CPC", dt.date(2027, 5, 31), "5"), last_ceu=dt.date(2026, 11, 1), shares_ceus=True)
    hidden = member("hidden@x.org", line("CPC", dt.date(2027, 5, 31), "5"))
    assert rules.is_quiet(hidden, TODAY) is None
    kept = rules.apply_filters([quiet, busy, hidden], rules.Filters(quiet=True), TODAY)
    assert [m.email for m in kept] == ["quiet@x.org"]


def test_filters_keep_only_matching_credentials():
    both = member("both@x.org", line("CPC", dt.date(2027, 5, 31), "5"), line("RHIT", dt.date(2027, 1, 31), "5", "at_risk"))
    kept = rules.apply_filters([both], rules.Filters(status="at_risk"), TODAY)
    assert [c.code for c in kept[0].credentials] == ["RHIT"]
    assert len(both.credentials) == 2  # the original is untouched
    assert rules.apply_filters([both], rules.Filters(code="CCS"), TODAY) == []


def test_csv_rows_hold_the_basic_fields_and_the_last_ceu_only_when_shared():
    shared = member("a@x.org", line("CPC", dt.date(2027, 5, 31), "4.5"), last_ceu=dt.date(2026, 11, 1), shares_ceus=True)
    private = member("b@x.org", line("RHIT", dt.date(2027, 1, 31), "20"))
    empty = member("c@x.org", shares_ceus=True)
    assert rules.csv_header() == ["email", "role", *rules.BASIC_FIELDS, "last_ceu_on"]
    assert rules.csv_rows([shared, private, empty]) == [
        ["a@x.org", "member", "CPC", "2027-05-31", "36", "31.5", "4.5", "on_track", "2026-11-01"],
        ["b@x.org", "member", "RHIT", "2027-01-31", "36", "16", "20", "on_track", ""],
        ["c@x.org", "member", "", "", "", "", "", "", "none"],
    ]


# -- what the managers are emailed ----------------------------------------------------------------

def test_an_alert_needs_at_risk_or_overdue_0_to_60_days_left_and_ceus_needed():
    def day(days: int) -> dt.date:
        return TODAY + dt.timedelta(days=days)

    assert rules.alerting(line("CPC", day(days=60), "10", "at_risk"))
    assert rules.alerting(line("CPC", day(days=0), "1", "overdue"))
    assert not rules.alerting(line("CPC", day(days=61), "10", "at_risk"))
    assert not rules.alerting(line("CPC", day(days=-1), "10", "overdue"))
    assert not rules.alerting(line("CPC", day(days=30), "10", "behind_pace"))
    assert not rules.alerting(line("CPC", day(days=30), "0", "at_risk"))


def test_one_alert_per_cycle_end_holds_every_credential_of_that_cycle():
    end = TODAY + dt.timedelta(days=40)
    coder = member("c@x.org", line("CPC", end, "10", "at_risk"), line("CRC", end, "10", "at_risk"),
                   line("RHIT", TODAY + dt.timedelta(days=50), "5", "at_risk"))
    alerts = rules.alerts_of(coder)
    assert sorted(alerts) == [end, TODAY + dt.timedelta(days=50)]
    assert [c.code for c in alerts[end]] == ["CPC", "CRC"]


def test_the_digest_lists_others_behind_at_risk_or_overdue_riskiest_first_with_only_those_cycles():
    me = MemberView(membership_id=1, user_id=7, email="me@x.org", role="manager", sharing=Sharing(),
                    credentials=[line("CPC", dt.date(2027, 1, 31), "20", "at_risk")])
    behind = member("behind@x.org", line("CPC", dt.date(2027, 6, 30), "10", "behind_pace"),
                    line("RHIT", dt.date(2027, 2, 28), "0", "complete"))
    risky = member("risky@x.org", line("CCS", dt.date(2027, 1, 31), "15", "at_risk"))
    fine = member("fine@x.org", line("CPC", dt.date(2027, 6, 30), "1", "on_track"))
    listed = rules.digest_members([fine, behind, me, risky], viewer_id=7)
    assert [m.email for m in listed] == ["risky@x.org", "behind@x.org"]
    assert [c.code for c in listed[1].credentials] == ["CPC"]
