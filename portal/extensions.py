"""Extension objects, unbound: create_app binds them with init_app, so no module
needs to import the app object."""

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"

csrf = CSRFProtect()
