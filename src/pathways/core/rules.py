"""Registers the policies with django-rules, so ``user.has_perm(name, obj)`` agrees
with the policies everywhere Django asks (templates, mixins)."""

from __future__ import annotations

from typing import Any

import rules

from pathways.core import policies


def _predicate(policy: policies.Policy, action: str) -> rules.Predicate:
    @rules.predicate(name=f"{type(policy).__name__}.{action}")
    def check(user: Any, obj: Any = None) -> bool:
        return obj is not None and policy.can(user, action, obj)

    return check


for _policy, _app, _model in (
    (policies.people, "people", "person"),
    (policies.referrals, "referrals", "referral"),
    (policies.episodes, "casework", "episode"),
    (policies.employers, "employers", "employer"),
    (policies.opportunities, "employers", "opportunity"),
    (policies.candidacies, "employers", "candidacy"),
    (policies.cohorts, "employers", "internshipcohort"),
    (policies.pledges, "employers", "socialvaluepledge"),
    (policies.placements, "employment", "placement"),
):
    for _action in _policy.actions:
        rules.add_perm(f"{_app}.{_action}_{_model}", _predicate(_policy, _action))
