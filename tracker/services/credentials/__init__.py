"""Credentials, renewal cycles and CEU activities, for one user.

Loads what the user stored, hands it to :mod:`tracker.domain.cycles` with the certifying bodies'
rules, and writes back. Raises :class:`Invalid` (field, message) for bad input and
:class:`NotFound` for ids that are not the user's. One subject per module:

- :mod:`.reading`: the user's credentials, the bodies' rules, CEU amounts;
- :mod:`.overview`: where the user stands with each body (cycles, tallies, history);
- :mod:`.summary`: the same for the current cycle, from CEUs the database summed;
- :mod:`.manage`: adding, editing and deleting credentials and their renewal setup;
- :mod:`.changes`: conversions and replacements, and undoing them;
- :mod:`.ceus`: CEU activities.

Certificate files live in :mod:`..certificates`, submissions in :mod:`..submissions`, the CSV/ZIP
audit export in :mod:`..cycle_exports`. Callers use this package's names, not the modules'.
"""
from .reading import (  # noqa: F401
    EARLIEST_DATE, OTHER, MAX_CEUS, bodies, list_credentials, CredentialRow, read_credentials, held_codes, held_codes_of, get_credential,
    get_setup, rules_for, body_key, other_rules, parse_ceus,
)
from .overview import (  # noqa: F401
    ActivityRow, ACTIVITY_COLUMNS, BodyOverview, renewal_overview, renewal_overviews,
    body_overview, find_cycle, code_set_dates_between,
)
from .summary import renewal_summary  # noqa: F401
from .manage import (  # noqa: F401
    check_earned_on, apply_setup, OtherCredential, check_other, add_credential,
    update_credential, update_setup, check_apprentice, update_apprentice, delete_credential,
)
from .changes import (  # noqa: F401
    Change, conversion_of, replacement_of, convert_credential, undo_conversion,
)
from .ceus import (  # noqa: F401
    get_activity, list_activities, ActivityInput, counts_toward_choices, counts_toward_of,
    checked_activity, in_overlap, add_activity, update_activity, delete_activity,
)
