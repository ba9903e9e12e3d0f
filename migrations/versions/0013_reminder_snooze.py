"""snooze and skip one reminder; what the calendar feed carries and its alarms

reminders.snoozed_to: the local day a snoozed reminder is sent on instead of its planned one
(planning keeps it there, whatever else moves). reminders.skipped_at: when the user chose "Skip
this one"; a skipped row stays cancelled, and planning never brings it back.
calendar_feeds.kinds: which kinds of events the feed carries (comma-separated);
calendar_feeds.alarm_days: an alarm this many days before each deadline (NULL: no alarms).

Revision ID: 0013_reminder_snooze
Revises: 0012_member_number
Create Date: 2026-12-01 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_reminder_snooze'
down_revision = '0012_member_number'
branch_labels = None
depends_on = None

ALL_KINDS = "milestone,ceu_cycle,duty,code_set"


def upgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snoozed_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('skipped_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kinds', sa.String(length=200), nullable=False, server_default=ALL_KINDS))
        batch_op.add_column(sa.Column('alarm_days', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_column('alarm_days')
        batch_op.drop_column('kinds')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_column('skipped_at')
        batch_op.drop_column('snoozed_to')
