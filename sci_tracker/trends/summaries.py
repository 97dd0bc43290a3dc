"""Plain sentences that say what each chart shows, for screen readers, print and a quick read."""

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from sci_tracker.trends.aggregates import NIGHT_HOURS, RatingFigures, Summed, WakingFigures
from sci_tracker.trends.rise import penn_label

# The night of NIGHT_HOURS, in words.
NIGHT = gettext_lazy("22:00 to 06:00")


def one_decimal(value):
    """One decimal place, with the language's decimal mark."""
    return number_format(f"{value:.1f}")


def day_name(day):
    return date_format(day, "DATE_FORMAT")


def pain(summed: Summed) -> list[str]:
    average, rated_days = summed.tallies["pain_average"].mean
    if not rated_days:
        return [
            _(
                "No leg pain was recorded in this period. Log leg pain or a daily check-in "
                "to see it."
            )
        ]
    worst = summed.tallies["pain_worst"]
    sentences = [
        ngettext(
            "Average leg pain was %(average)s out of 10 on the %(days)d day with a rating.",
            "Average leg pain was %(average)s out of 10 over the %(days)d days with a rating.",
            rated_days,
        )
        % {"average": one_decimal(average), "days": rated_days}
        + " "
        + _("The worst was %(worst)s out of 10, on %(day)s.")
        % {"worst": worst.highest, "day": day_name(worst.highest_day)}
    ]
    first, last = summed.weeks["pain_average"]
    if first is not None:
        sentences.append(
            _("In the last 7 days it averaged %(last)s, against %(first)s in the first 7 days.")
            % {"last": one_decimal(last), "first": one_decimal(first)}
        )
    if len(summed.problems) > 1:
        parts = []
        for (_slot, name), problem in summed.problems.items():
            problem_average, days = problem.mean
            parts.append(
                ngettext(
                    "%(name)s: %(average)s (%(days)d day)",
                    "%(name)s: %(average)s (%(days)d days)",
                    days,
                )
                % {"name": name, "average": one_decimal(problem_average), "days": days}
            )
        # Translators: %(problems)s is a list of "name: average (N days)", joined with "; ".
        sentences.append(_("By pain problem: %(problems)s.") % {"problems": "; ".join(parts)})
    return sentences


def spasms(summed: Summed) -> list[str]:
    counted = summed.tallies["spasms"]
    total = counted.total
    if not total:
        sentences = [_("No spasms were logged in this period.")]
    else:
        night = summed.tallies["night_spasms"].total
        most, most_day = counted.highest, counted.highest_day
        days = counted.count
        logged = ngettext("You logged %(total)d spasm", "You logged %(total)d spasms", total) % {
            "total": total
        }
        sentences = [
            ngettext(
                "%(logged)s on the %(days)d day with a record: %(night)s at night (%(hours)s), "
                "%(share)d%% of all spasms.",
                "%(logged)s over the %(days)d days with a record: %(per_day)s a day, of which "
                "%(night)s at night (%(hours)s), %(share)d%% of all spasms.",
                days,
            )
            % {
                "logged": logged,
                "days": days,
                "per_day": one_decimal(total / days),
                "night": one_decimal(night / days),
                "hours": NIGHT,
                "share": round(100 * night / total),
            },
            _("The most in one day was %(most)d, on %(day)s.")
            % {"most": most, "day": day_name(most_day)},
        ]
    # An ordinal scale: its median answer, in the scale's own words.
    frequency, check_ins = summed.tallies["psfs_frequency"].median
    if check_ins:
        sentences.append(
            ngettext(
                "Your daily check-in gave a Penn spasm frequency of %(answer)s.",
                "Your %(check_ins)d daily check-ins gave a median Penn spasm frequency of "
                "%(answer)s.",
                check_ins,
            )
            % {"check_ins": check_ins, "answer": penn_label(frequency)}
        )
    return sentences


INTERFERENCE = [
    (gettext_lazy("daily activities"), "interference_activities"),
    (pgettext_lazy("how spasms got in the way of", "mood"), "interference_mood"),
    (pgettext_lazy("how spasms got in the way of", "sleep"), "interference_sleep"),
]


def interference(summed: Summed) -> list[str]:
    figures = [(label, *summed.tallies[name].mean) for label, name in INTERFERENCE]
    days = max(count for _, _, count in figures)
    if not days:
        return [_("No check-in rated how spasms and pain got in the way in this period.")]
    parts = [
        # Translators: one part of a list, as in "mood 3.5".
        _("%(what)s %(rating)s") % {"what": label, "rating": one_decimal(value)}
        for label, value, count in figures
        if count
    ]
    return [
        ngettext(
            "In %(days)d check-in, spasms and pain got in the way (0 not at all, 10 completely) "
            "of %(parts)s.",
            "Over %(days)d check-ins, spasms and pain got in the way (0 not at all, 10 "
            "completely) of %(parts)s on average.",
            days,
        )
        % {"days": days, "parts": ", ".join(parts)}
    ]


def hours(found):
    total = sum(found.by_hour)
    if not total:
        return [_("No spasms were logged in this period.")]
    busiest = max(range(24), key=lambda hour: found.by_hour[hour])
    night = sum(found.by_hour[hour] for hour in NIGHT_HOURS)
    return [
        _("Most spasms were logged between %(start)s and %(end)s (%(busiest)d of %(total)d).")
        % {
            "start": f"{busiest:02d}:00",
            "end": f"{(busiest + 1) % 24:02d}:00",
            "busiest": found.by_hour[busiest],
            "total": total,
        },
        _("The night, %(hours)s, is a third of the day and held %(share)d%% of the spasms.")
        % {"hours": NIGHT, "share": round(100 * night / total)},
    ]


def events(found):
    if not found.events:
        return [_("No treatment events were logged in this period.")]
    listed = "; ".join(
        _("%(kind)s on %(day)s")
        % {"kind": event.get_event_kind_display(), "day": day_name(event.date)}
        for event in found.events
    )
    return [_("Treatment events in this period: %(events)s.") % {"events": listed}]


def change(item):
    """A sentence for a notable week-on-week change, e.g. 'Spasms per day went down from 5.1 to
    3.2.'"""
    if item.this_week < item.last_week:
        sentence = _("%(measure)s went down from %(before)s to %(after)s.")
    else:
        sentence = _("%(measure)s went up from %(before)s to %(after)s.")
    return sentence % {
        "measure": item.label,
        "before": one_decimal(item.last_week),
        "after": one_decimal(item.this_week),
    }


def spasticity(figures: RatingFigures) -> list[str]:
    """The check-in's 0-10 spasticity rating, from aggregates.Summed.rating."""
    if not figures.days:
        return [_("No check-in gave a spasticity rating (0-10) in this period.")]
    sentences = [
        ngettext(
            "The spasticity rating (stiffness and spasms overall, 0 none, 10 worst) was "
            "%(average)s out of 10 on the %(days)d day with a rating.",
            "The spasticity rating (stiffness and spasms overall, 0 none, 10 worst) averaged "
            "%(average)s out of 10 over the %(days)d days with a rating.",
            figures.days,
        )
        % {"average": one_decimal(figures.average), "days": figures.days},
        _("The highest was %(highest)d out of 10, on %(day)s.")
        % {"highest": figures.highest, "day": day_name(figures.highest_day)},
    ]
    if figures.last_week is not None:
        sentences.append(
            _("In the last 7 days it averaged %(last)s, against %(first)s in the first 7 days.")
            % {"last": one_decimal(figures.last_week), "first": one_decimal(figures.first_week)}
        )
    return sentences


def night_wakings(figures: WakingFigures) -> list[str]:
    """How often spasms or pain woke the person, from aggregates.Summed.wakings."""
    if not figures.nights:
        return [_("No check-in counted night wakings in this period.")]
    if not figures.woken:
        return [
            ngettext(
                "Spasms or pain did not wake you on the %(nights)d night with an answer.",
                "Spasms or pain woke you on none of the %(nights)d nights with an answer.",
                figures.nights,
            )
            % {"nights": figures.nights}
        ]
    sentences = [
        ngettext(
            "Spasms or pain woke you on %(woken)d night of the %(nights)d with an answer: "
            "%(per_night)s times a night on average.",
            "Spasms or pain woke you on %(woken)d nights of the %(nights)d with an answer: "
            "%(per_night)s times a night on average.",
            figures.woken,
        )
        % {
            "woken": figures.woken,
            "nights": figures.nights,
            "per_night": one_decimal(figures.per_night),
        },
        ngettext(
            "The most in one night was %(most)d waking, on %(day)s.",
            "The most in one night was %(most)d wakings, on %(day)s.",
            figures.most,
        )
        % {"most": figures.most, "day": day_name(figures.most_day)},
    ]
    if figures.last_week is not None:
        sentences.append(
            _(
                "In the last 7 days it was %(last)s times a night, against %(first)s in the "
                "first 7 days."
            )
            % {"last": one_decimal(figures.last_week), "first": one_decimal(figures.first_week)}
        )
    return sentences
