"""My lists: a person's own triggers and interventions next to the built-in ones, as the page
shows them (own, archived, built-in with hidden ones marked). What the forms offer is the
catalogue's own rule (CatalogueQuerySet.offered_to); this only lays the lists out."""

from dataclasses import dataclass

from sci_tracker.diary.models import Intervention, Trigger

# The two lists, as their addresses name them.
LISTS = {"triggers": Trigger, "interventions": Intervention}


@dataclass(frozen=True)
class MyList:
    items: str  # a key of LISTS
    own: list
    archived: list
    builtins: list  # (item, hidden by this person)

    @property
    def hidden_count(self) -> int:
        return sum(hidden for _item, hidden in self.builtins)


def my_list(person, items: str) -> MyList:
    """One list of the page: three queries, whatever the size of the diary."""
    model = LISTS[items]
    own = list(model.objects.filter(owner=person).order_by("name"))
    hidden = set(model.objects.hidden_from(person).values_list("pk", flat=True))
    builtins = model.objects.filter(owner=None).order_by("category", "name")
    return MyList(
        items,
        own=[item for item in own if not item.archived],
        archived=[item for item in own if item.archived],
        builtins=[(item, item.pk in hidden) for item in builtins],
    )
