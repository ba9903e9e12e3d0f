"""Plans: a template instantiated for one user, its milestones, progress, checklists and costs.

One subject per module: :mod:`.reading` (plans and the plan page's view of them), :mod:`.dashboard`
(the dashboard's plans, read as rows), :mod:`.checks`
(the rules for each piece, shared by the forms, the API and import), :mod:`.manage` (creating,
editing, activating, deleting plans) and :mod:`.progress` (milestones: progress, durations,
notes, checklists, costs, exam attempts). Callers use this package's names, not the modules'.
"""
from .reading import (  # noqa: F401
    WHOLE_PLAN, list_plans, SCHEDULE_ONLY, plans_of, PlanTitle,
    active_plan, get_plan, get_milestone, template_or_none, MilestoneView, PlanView,
    duration_of, retake_date, plan_view, plan_page, StepCounts,
)
from .dashboard import dashboard_plans  # noqa: F401
from .checks import (  # noqa: F401
    MAX_DURATION, MAX_COST_CENTS, COST_KINDS, check_pace, check_plan_title, check_duration,
    check_milestone_title, check_milestone_description, check_notes, check_checklist_label, check_cost, check_exam_attempt,
    check_milestone_progress,
)
from .manage import (  # noqa: F401
    create_plan, update_plan, activate_plan, delete_plan, CUSTOM_TEMPLATE_ID,
    create_custom_plan, append_milestones,
)
from .progress import (  # noqa: F401
    mark_started, mark_done, set_progress, undo_progress, set_duration, reset_duration,
    set_notes, save_checklist, add_checklist_item, delete_checklist_item, add_cost, delete_cost,
    record_exam_attempt, add_custom_milestone, delete_milestone,
)
