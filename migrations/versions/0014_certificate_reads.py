"""certificate_reads: certificates sent to be read for the CEU form (issue 16)

Revision ID: 0014_certificate_reads
Revises: 0013_reminder_snooze
Create Date: 2026-12-01 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_certificate_reads'
down_revision = '0013_reminder_snooze'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate_reads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('file_name', sa.String(length=120), nullable=False),
        sa.Column('stored_file', sa.String(length=40), nullable=False),
        sa.Column('file_type', sa.String(length=40), nullable=False),
        sa.Column('file_size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'done', 'failed')", name=op.f('ck_certificate_reads_status')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificate_reads_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_reads')),
    )
    with op.batch_alter_table('certificate_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_reads_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('certificate_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_reads_user_id'))
    op.drop_table('certificate_reads')
