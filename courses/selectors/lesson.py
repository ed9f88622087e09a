"""A lesson's blocks with the learner's check answers and reflections."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import TextField, Value

from ..models import (
    CheckAnswer,
    LessonPage,
    ReflectionResponse,
)


@dataclass
class CheckState:
    option_id: str = ""
    is_correct: bool = False
    feedback: str = ""
    attempts: int = 0


@dataclass
class LessonBlock:
    block: object
    check: CheckState | None = None
    reflection: str | None = None

    @property
    def options(self) -> list[dict]:
        """Options as id and text only: correctness and feedback never reach the template."""
        return [{"id": child.id, "text": child.value["text"]} for child in self.block.value["options"].bound_blocks]


def lesson_blocks(*, lesson: LessonPage, user, enrolled: bool) -> list[LessonBlock]:
    """The lesson body with this learner's own answers and reflections attached (two queries at most)."""
    checks, reflections = lesson.activity_block_ids()
    answers: dict[str, CheckAnswer] = {}
    responses: dict[str, str] = {}
    if enrolled and (checks or reflections):
        # Her answers and reflections for this lesson, in one query.
        mine = CheckAnswer.objects.filter(user=user, lesson=lesson, block_id__in=checks).values_list(
            "block_id", "option_id", "is_correct", "attempts", Value("", output_field=TextField()), Value("check")
        )
        written = ReflectionResponse.objects.filter(user=user, lesson=lesson, block_id__in=reflections).values_list(
            "block_id", Value(""), Value(False), Value(0), "text", Value("reflection")
        )
        for block_id, option_id, is_correct, attempts, text, kind in mine.union(written, all=True):
            if kind == "check":
                answers[block_id] = CheckAnswer(
                    block_id=block_id, option_id=option_id, is_correct=bool(is_correct), attempts=attempts
                )
            else:
                responses[block_id] = text
    items = []
    for block in lesson.body:
        item = LessonBlock(block=block)
        if block.block_type == "check":
            answer = answers.get(block.id)
            state = CheckState()
            if answer is not None:
                chosen = next((c.value for c in block.value["options"].bound_blocks if c.id == answer.option_id), None)
                if chosen is not None:
                    state = CheckState(answer.option_id, answer.is_correct, chosen["feedback"], answer.attempts)
            item.check = state
        elif block.block_type == "reflection":
            item.reflection = responses.get(block.id, "")
        items.append(item)
    return items
