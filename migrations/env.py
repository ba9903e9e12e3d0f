import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep the app's own loggers working when migrations run inside it (tests, flask db upgrade).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def render_item(type_, obj, autogen_context):
    """Write the app's UTCDateTime as a plain timezone-aware DateTime in migration files."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    # SQLite cannot ALTER most things: let autogenerate write batch operations.
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("render_item", render_item)

    # Each migration in its own transaction: a failed one is rolled back whole and the database
    # stays at the last migration that worked (PostgreSQL has transactional DDL; SQLite too, once
    # the driver stops committing DDL on its own, below).
    conf_args.setdefault("transaction_per_migration", True)

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_for_migrations(connection)
            conf_args.setdefault("transactional_ddl", True)
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        try:
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                _sqlite_check_foreign_keys(connection)
        finally:
            if sqlite:
                # Settings changed for migrating: never hand this connection to the app.
                connection.invalidate()


def _sqlite_for_migrations(connection):
    """SQLite: real transactions around DDL, and foreign keys off while tables are rebuilt.

    Python's sqlite3 commits before DDL on its own and begins only before DML; in autocommit mode
    with an explicit BEGIN, a migration's CREATE, INSERT, DROP and RENAME commit or roll back
    together. Batch mode rebuilds a table by copy, drop and rename: with foreign keys on, dropping
    ``users`` would cascade into every table that refers to it, so they are off (a pragma SQLite
    ignores inside a transaction, hence here) and checked once the migrations are done.
    """
    from sqlalchemy import event

    connection.connection.driver_connection.isolation_level = None
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    event.listen(connection, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))


def _sqlite_check_foreign_keys(connection):
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    connection.commit()
    if problems:
        raise RuntimeError(f"foreign keys broken after migrating: {problems[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
