"""The wire contracts of the smartnumbers bus.

Every event and command that crosses NATS is a pydantic model defined here, with a
subject of the form ``<domain>.<aggregate>.<event>.v<N>``. Services share nothing
about each other but this package.
"""

from smartnumbers_contracts.base import Contract, Identifier
from smartnumbers_contracts.catalogue import CATALOGUE, contract_for_subject

__all__ = ["CATALOGUE", "Contract", "Identifier", "contract_for_subject"]
