"""CEU renewal cycles: their dates, what they require, what counts, and where one stands.

Plain Python, no Flask: the rules of each certifying body (AAPC, AHIMA) are data from plans/
(parsed into :class:`BodyRules` by the catalog), the user's facts come in as arguments, and every
function that depends on the date takes ``today``.

Two ways a body sets its cycles:

- ``renewal_month`` (AAPC): CEUs are due at the end of the membership renewal month, in the years
  whose parity matches the month's number (March = 3, odd: 2027, 2029...). The first cycle starts
  on the day the first credential was earned and is pro-rated: Rungs estimates the figure from the
  months it runs (data in plans/), and the figure the user's AAPC tracker shows replaces it.
- ``cycle_end`` (AHIMA): the user enters the current cycle end date their account shows; cycles
  are two years long, and the first one starts on the day the exam was passed.

Either way a first cycle is never days long: a due date closer to the day earned than the body's
``first_cycle.minimum_months`` rolls to the next one.

One module per subject: :mod:`.rules` (rules and facts), :mod:`.dates`, :mod:`.requirements`,
:mod:`.tally` (what counts), :mod:`.sums` (the same
totals from CEUs the database summed), :mod:`.standing` (status and pace), :mod:`.duties` (dues, fees, the
apprentice designation), :mod:`.code_sets`. Everything is importable from here.
"""
from __future__ import annotations

from .rules import (  # noqa: F401
    AT_RISK, AVERAGE_MONTH_DAYS, Activity, ApprenticeRule, BEHIND_PACE, BodyRules, COMPLETE,
    CYCLE_END, CYCLE_KINDS, CredentialRule, Cycle, Duty, FirstCycleRule, HeldCredential, INACTIVE,
    LAPSED, Lapse, MET, ON_TRACK, OVERDUE, OtherRules, RENEWAL_MONTH, STATUS_LABELS, Setup,
    StatusRule, ZERO, other_body_rules,
)
from .dates import (  # noqa: F401
    cycle_containing, cycles_through, first_due_on_or_after, in_renewal_month_overlap, latest_cycles,
    last_day_of_month, next_cycle, proposed_cycle_end, submission_opens,
)
from .requirements import (  # noqa: F401
    Subset, cycle_requirement, first_cycle_estimate, months_between, required_ceus,
    requirement_is_estimate,
)
from .tally import (  # noqa: F401
    NotCounted, Tally, check_activity, cycle_of_activity, cycles_of_activities, reference_key, tallies,
    tally,
)
from .sums import (  # noqa: F401
    Sum, Window, tallies_from_sums, windows,
)
from .standing import (  # noqa: F401
    Standing, pace_reason, pace_status, standing,
)
from .duties import (  # noqa: F401
    ApprenticeRoute, ApprenticeStatus, DutyDate, apprentice_status, duties_between,
)
from .code_sets import (  # noqa: F401
    CalendarDate, CalendarEvent, CodeSetCalendar, code_set_dates,
)
