from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The site's staff accounts: editors, moderators, finance. Readers and donors have none.

    Our own model from the first migration, so that adding a field later is a migration rather
    than a swap of the user model under live data.
    """
