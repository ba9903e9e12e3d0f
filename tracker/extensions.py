"""Flask extensions, created once here and bound to an app in create_app()."""
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so that migrations can drop and alter them on every database.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
# Storage from RATELIMIT_STORAGE_URI: memory:// (one process) by default, redis://... shared by
# every web worker in production.
limiter = Limiter(key_func=get_remote_address)
# Every limit is on a form post (sign-in, sign-up and reset links, email change): limits are
# declared with ``methods=LIMITED_METHODS``, and other requests skip the limiter's per-request work
# (a tenth of a page served from the page cache). tests/test_throttling.py checks every limit.
LIMITED_METHODS = ("POST",)


@limiter.request_filter
def _not_a_limited_method() -> bool:
    return request.method not in LIMITED_METHODS
