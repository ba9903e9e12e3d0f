"""member number on users

users.member_number: the user's AAPC member ID or AHIMA ID (optional), printed on the audit packet
a coder sends to an auditor.

Revision ID: 0012_member_number
Revises: 0011_teams
Create Date: 2026-12-01 18:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_member_number'
down_revision = '0011_teams'
branch_labels = None
depends_on = None


# users is rebuilt on SQLite: keep AUTOINCREMENT (0008), or a deleted account's id is handed out again.
USERS = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table('users', schema=None, table_kwargs=USERS) as batch_op:
        batch_op.add_column(sa.Column('member_number', sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None, table_kwargs=USERS) as batch_op:
        batch_op.drop_column('member_number')
