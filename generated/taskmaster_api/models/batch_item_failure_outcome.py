from enum import StrEnum


class BatchItemFailureOutcome(StrEnum):
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
