"""ceu_activities: indexes on (user_id, title, id) and (user_id, provider, id) for quick capture's
suggestions and the CEU log's provider list

Revision ID: 0015_ceu_suggestion_indexes
Revises: 0014_certificate_reads
Create Date: 2026-12-02 04:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_ceu_suggestion_indexes'
down_revision = '0014_certificate_reads'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ceu_activities', schema=None) as batch_op:
        batch_op.create_index('ix_ceu_activities_user_id_title', ['user_id', 'title', 'id'], unique=False)
        batch_op.create_index('ix_ceu_activities_user_id_provider', ['user_id', 'provider', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('ceu_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_ceu_activities_user_id_provider')
        batch_op.drop_index('ix_ceu_activities_user_id_title')
