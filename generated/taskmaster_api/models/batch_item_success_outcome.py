from enum import StrEnum


class BatchItemSuccessOutcome(StrEnum):
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
