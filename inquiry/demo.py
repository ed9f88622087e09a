"""Demo inquiry data: suggested piles for the demo HLCs, the cycle types and Riverside's coach.

The facts are data, in demo/inquiry.json; seeding twice changes nothing. No student work is seeded.
"""

from decimal import Decimal

from core.demo_data import load_demo_data
from members.models import OrganizationMember
from taxonomy.models import HighLeverageConcept

from .models import CycleType, SuggestedPile


def seed(*, stdout) -> None:
    data = load_demo_data("inquiry", "inquiry")
    created = 0
    for grade, concepts in data["suggested_piles"].items():
        for entry in concepts:
            concept = HighLeverageConcept.objects.filter(grade__code=grade, title=entry["concept"]).first()
            if concept is None:
                continue
            for order, (name, description) in enumerate(entry["piles"]):
                _, made = SuggestedPile.objects.get_or_create(
                    concept=concept, name=name, defaults={"description": description, "sort_order": order}
                )
                created += made
    for kind in data["cycle_types"]:
        CycleType.objects.get_or_create(
            name=kind["name"], defaults={"pd_hours": Decimal(kind["pd_hours"]), "description": kind["description"]}
        )
    OrganizationMember.objects.filter(user__email__in=data["coaches"], role=OrganizationMember.OrgRole.TEACHER).update(
        role=OrganizationMember.OrgRole.COACH
    )
    stdout.write(f"Inquiry: {created} suggested piles, {len(data['cycle_types'])} cycle types, coaches named")
