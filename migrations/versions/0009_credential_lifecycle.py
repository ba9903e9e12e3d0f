"""credential lifecycle: conversions, replacements, credentials outside the catalogue, and one CEU
counted toward several credentials (ceu_credentials)

Revision ID: 0009_credential_lifecycle
Revises: 0008_account_secrets
Create Date: 2026-12-01 15:20:00

Data: each CEU that counted toward one credential (ceu_activities.applies_to, a code) is linked to
that credential of the same user in ceu_credentials; applies_to stays as the code of the first
credential (old exports and readers keep working). A CEU with no credential (AAPC general CEUs, or
an AHIMA CEU whose credential was deleted) gets no link, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_credential_lifecycle'
down_revision = '0008_account_secrets'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        # CPC-A became CPC on this day (the same credential, its code changed).
        batch_op.add_column(sa.Column('converted_from', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('converted_on', sa.Date(), nullable=True))
        # RHIT retired by RHIA on this day: kept in history, no longer counted.
        batch_op.add_column(sa.Column('replaced_by', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('replaced_on', sa.Date(), nullable=True))
        # A credential the catalogue lacks (body = 'other'): what the user entered.
        batch_op.add_column(sa.Column('name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('other_body', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('other_ceus_hundredths', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('other_cycle_years', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('other_cycle_end', sa.Date(), nullable=True))
        # What added it: the user ('manual'), a passed exam step ('exam'), onboarding, an import.
        batch_op.add_column(sa.Column('source', sa.String(length=20), server_default='manual', nullable=False))

    with op.batch_alter_table('ceu_activities', schema=None) as batch_op:
        # The second body's approval when a CEU counts toward both (AHIMA program id beside the
        # AAPC index number in reference).
        batch_op.add_column(sa.Column('second_reference', sa.String(length=60), server_default='', nullable=False))

    op.create_table(
        'ceu_credentials',
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['ceu_activities.id'],
                                name=op.f('fk_ceu_credentials_activity_id_ceu_activities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'],
                                name=op.f('fk_ceu_credentials_credential_id_credentials'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('activity_id', 'credential_id', name=op.f('pk_ceu_credentials')),
    )
    with op.batch_alter_table('ceu_credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ceu_credentials_credential_id'), ['credential_id'], unique=False)

    op.execute(
        "INSERT INTO ceu_credentials (activity_id, credential_id) "
        "SELECT a.id, c.id FROM ceu_activities a JOIN credentials c "
        "ON c.user_id = a.user_id AND c.code = a.applies_to "
        "WHERE a.applies_to <> ''"
    )


def downgrade():
    # Links beyond the first are lost: applies_to keeps the first credential's code.
    with op.batch_alter_table('ceu_credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ceu_credentials_credential_id'))
    op.drop_table('ceu_credentials')
    with op.batch_alter_table('ceu_activities', schema=None) as batch_op:
        batch_op.drop_column('second_reference')
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        for column in ('source', 'other_cycle_end', 'other_cycle_years', 'other_ceus_hundredths', 'other_body', 'name',
                       'replaced_on', 'replaced_by', 'converted_on', 'converted_from'):
            batch_op.drop_column(column)
