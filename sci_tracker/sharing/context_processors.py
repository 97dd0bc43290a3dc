from django.utils.functional import SimpleLazyObject

from sci_tracker.sharing.roles import roles_of


def roles(request):
    """`roles` for the menu: worked out only on pages that use it, once per response."""
    return {"roles": SimpleLazyObject(lambda: roles_of(request.user))}
