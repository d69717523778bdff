"""Settings for a developer's machine (`make run`)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# seed_demo prints demo passwords only where this is set.
DEMO_SEED_ALLOWED = True
