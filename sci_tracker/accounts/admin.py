from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from sci_tracker.accounts.models import User


class AdminAddUserForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class AdminChangeUserForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = AdminAddUserForm
    form = AdminChangeUserForm
    ordering = ["email"]
    list_display = [
        "email",
        "email_confirmed_at",
        "display_name",
        "injury_level",
        "is_staff",
        "date_joined",
    ]
    search_fields = ["email", "display_name"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    # Only a link opened from the mailbox confirms an address; changing the address here makes
    # it unconfirmed (User.save), so the account cannot accept invitations until it confirms.
    readonly_fields = ["email_confirmed_at"]
    fieldsets = [
        (None, {"fields": ["email", "email_confirmed_at", "password"]}),
        (_("Profile"), {"fields": ["display_name", "time_zone", "injury_level", "completeness"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        )
    ]
