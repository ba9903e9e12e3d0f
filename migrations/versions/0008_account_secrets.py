"""users.auth_secret (a random secret per account) and users ids never reused on SQLite

Revision ID: 0008_account_secrets
Revises: 0007_reminder_leases
Create Date: 2026-12-01 15:30:00

Every cookie, link and token made for an account carries a proof derived from its auth_secret
(tracker/services/identity.py), so nothing of a deleted account works for the next account that
gets its id. Existing accounts get a random secret here (their old sign-in cookies, remember
cookies and emailed links stop working: people sign in again). On SQLite the users table is rebuilt
with AUTOINCREMENT (batch mode, foreign keys off while it runs: migrations/env.py), so a deleted
account's id is never handed out again; PostgreSQL sequences never reuse ids anyway.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_account_secrets'
down_revision = '0007_reminder_leases'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_secret', sa.String(length=64), nullable=True))

    users = sa.table('users', sa.column('id', sa.Integer), sa.column('auth_secret', sa.String))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.select(users.c.id)).all():
        bind.execute(users.update().where(users.c.id == user_id).values(auth_secret=secrets.token_hex(32)))

    sqlite = bind.dialect.name == 'sqlite'
    with op.batch_alter_table('users', schema=None, recreate='always' if sqlite else 'auto',
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.alter_column('auth_secret', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('auth_secret')
