"""career stage on users; the milestone that added a credential

users.career_stage: where the person said they are (starting out, certified, both), which the
dashboard leads with. credentials.from_milestone_id: the exam step whose pass added the credential,
so undoing the step can offer to remove it (set to NULL when the plan is deleted).

Revision ID: 0010_career_stage
Revises: 0009_credential_lifecycle
Create Date: 2026-12-01 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_career_stage'
down_revision = '0009_credential_lifecycle'
branch_labels = None
depends_on = None


# users is rebuilt on SQLite: keep AUTOINCREMENT (0008), or a deleted account's id is handed out again.
USERS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table('users', schema=None, table_kwargs=USERS) as batch_op:
        batch_op.add_column(sa.Column('career_stage', sa.String(length=12), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_users_career_stage'), "career_stage IS NULL OR career_stage IN ('starting', 'certified', 'both')"
        )
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_milestone_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_credentials_from_milestone_id'), ['from_milestone_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_credentials_from_milestone_id_milestones'), 'milestones', ['from_milestone_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_credentials_from_milestone_id_milestones'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_credentials_from_milestone_id'))
        batch_op.drop_column('from_milestone_id')
    with op.batch_alter_table('users', schema=None, table_kwargs=USERS) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_career_stage'), type_='check')
        batch_op.drop_column('career_stage')
