"""reminders.claim_token: the random token of the claim that holds a row being sent

A sweeper records "sent" (or a failure) only on rows still 'sending' under its own token, so a
sweeper whose lease ran out never overwrites the sweeper that took the row over.

Revision ID: 0007_reminder_leases
Revises: 0006_data_version
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_reminder_leases'
down_revision = '0006_data_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_reminders_claim_token'), ['claim_token'], unique=False)


def downgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_claim_token'))
        batch_op.drop_column('claim_token')
